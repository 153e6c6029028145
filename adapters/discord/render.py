"""Every reply type of the core, rendered for Discord: quotes as cited embeds, text as an embed or content.

`pieces_of` is the one place a reply type chooses its rendering: a `match` over the `Reply` union, so a reply
type added to the core without a case here fails the type check (prompts live in `prompt_render`, stance and
counter in `stance_render`, the embeds they share in `kit`). Anything that is not a reply type of the core is
shown as its fields, never lost. The buttons a reply carries (`buttons.buttons_for`) go under its last message.
A reply may ping at most one target: the user it names (`mention_user_id`) or the role it notifies
(`notify_role`, resolved in the server it goes to, see `mentions`); `render` puts that mention first and
allows only it. A reply is at most `MAX_MESSAGES_PER_REPLY` messages (`capping.within_cap`): a longer one
shows its first items and ends with a line saying how many it left out.
"""

from __future__ import annotations

from typing import assert_never

import discord

from adapters.capping import more_line, within_cap
from adapters.discord.buttons import buttons_for
from adapters.discord.kit import FOOTER_CHARS, TEXT_COLOUR, quote_embed
from adapters.discord.limits import (
    EMBED_DESCRIPTION_CHARS,
    EMBED_TITLE_CHARS,
    EMBED_TOTAL_CHARS,
    MAX_MESSAGES_PER_REPLY,
)
from adapters.discord.mentions import ping_of
from adapters.discord.packing import Outgoing, Piece, cut, pack
from adapters.discord.prompt_render import render_prompt
from adapters.discord.stance_render import render_counter, render_stance
from adapters.plain_render import is_reply
from adapters.text import clip_line
from bot.models import CounterReply, ErrorReply, PromptReply, QuotesReply, Reply, StanceReply, TextReply

SPACE_KEY = "discord:SERVER_ID"
"""How the `stance --all` hint names a server for `threadbot ask --space` (the id is the operator's to fill)."""
QUOTE_MIN_CHARS = 300
"""However many quotes share a reply, each shows at least this much; past that the cap leaves quotes out."""
QUOTE_RESERVE = EMBED_TITLE_CHARS + FOOTER_CHARS
"""What a quote's embed may hold besides its words (author, footer), kept free when quotes share a message."""


def render(reply: Reply, channel: object = None) -> list[Outgoing]:
    """The reply as Discord messages within every limit and at most `MAX_MESSAGES_PER_REPLY` of them, for
    `channel` (where it goes: a role to notify is looked up in its server). A reply that may ping starts with
    the mention; only its first message pings. Its buttons go under the last message."""

    def draw(shown: Reply, left: int) -> list[Outgoing]:
        more = more_line(reply, left, MAX_MESSAGES_PER_REPLY, SPACE_KEY) if left else None
        return _messages(shown, channel, more)

    messages = within_cap(reply, draw, MAX_MESSAGES_PER_REPLY) if is_reply(reply) else None
    if messages is None:  # too long even without its items (or not a reply type): cut at the cap
        messages = cut(_messages(reply, channel, None), MAX_MESSAGES_PER_REPLY)
    messages[-1].buttons = buttons_for(reply)
    return messages


def _messages(reply: Reply, channel: object, more: str | None) -> list[Outgoing]:
    """The reply's pieces packed into messages, the mention first, `more` (what a cap left out) last."""
    pieces: list[Piece] = pieces_of(reply) if is_reply(reply) else [str(reply)]
    ping = ping_of(reply, channel)
    if ping is not None:
        if pieces and isinstance(pieces[0], str):
            pieces[0] = f"{ping.text} {pieces[0]}"
        else:
            pieces.insert(0, ping.text)
    if more is not None:  # our words and counts; the claim in it sits in a code span, with no backticks
        pieces.append(discord.Embed(description=more, colour=TEXT_COLOUR))
    messages = pack(pieces)
    if ping is not None:
        messages[0].mention_user_id = ping.user_id
        messages[0].mention_role_id = ping.role_id
    return messages


def pieces_of(reply: Reply) -> list[Piece]:
    """The reply's texts and embeds, uncounted (`pack` fits them into messages)."""
    pieces: list[Piece]
    match reply:
        case QuotesReply():
            pieces = render_quotes(reply)
        case TextReply():
            pieces = render_text(reply)
        case ErrorReply():
            pieces = [f"\u26a0\ufe0f {reply.message}" + (f"\n{reply.hint}" if reply.hint else "")]
        case PromptReply():
            pieces = render_prompt(reply)
        case StanceReply():
            pieces = render_stance(reply)
        case CounterReply():
            pieces = render_counter(reply)
        case _:
            assert_never(reply)
    return pieces


def quote_chars(count: int) -> int:
    """How much of each of `count` quotes is shown: one embed at most (a longer quote is clipped with a note),
    and less when several must share each of the capped reply's messages (6,000 embed characters each)."""
    per_message = max(1, -(-count // MAX_MESSAGES_PER_REPLY))
    share = EMBED_TOTAL_CHARS // per_message - QUOTE_RESERVE
    return max(QUOTE_MIN_CHARS, min(EMBED_DESCRIPTION_CHARS, share))


def render_quotes(reply: QuotesReply) -> list[Piece]:
    pieces: list[Piece] = [reply.note] if reply.note else []
    limit = quote_chars(len(reply.quotes))
    pieces += [quote_embed(quote, limit) for quote in reply.quotes]
    return pieces


def render_text(reply: TextReply) -> list[Piece]:
    """Help and lists as an embed; a bare sentence ("This channel now reads...") as plain content."""
    if not reply.title and not reply.lines:
        return [reply.text]
    lines = [f"\u2022 {line}" for line in reply.lines]
    body = "\n".join([reply.text, *lines] if reply.text else lines)
    title = clip_line(reply.title, EMBED_TITLE_CHARS) if reply.title else None
    return [discord.Embed(title=title, description=body or "\u200b", colour=TEXT_COLOUR)]
