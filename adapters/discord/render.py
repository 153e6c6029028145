"""Every reply type of the core, rendered for Discord: quotes as cited embeds, text as an embed or content.

One function per reply type, registered with `@renders(ReplyType)`; adding a type is adding one function
(stance and counter live in `stance_render`). The buttons a reply carries (`buttons.buttons_for`) go under
its last message.
Types without a renderer fall back to the console's plain text, so a new reply type is never lost.
Quoted text is shown verbatim (markdown escaped); mentions in it stay inert through `AllowedMentions.none()`.
A reply may ping at most one target: the user it names (`mention_user_id`) or the role it notifies
(`notify_role`, resolved in the server it goes to); `render` puts that mention first and allows only it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord.utils import escape_markdown
from pydantic import BaseModel

from adapters.discord.buttons import buttons_for
from adapters.discord.limits import EMBED_AUTHOR_CHARS, EMBED_TITLE_CHARS, EMBED_TOTAL_CHARS
from adapters.discord.mentions import ping_of
from adapters.discord.packing import Outgoing, Piece, pack
from adapters.plain_render import emphasise, render_plain
from adapters.text import ELLIPSIS, clip_line
from bot.models import ErrorReply, PromptReply, Quote, QuotesReply, TextReply

QUOTE_COLOUR = discord.Colour(0x5865F2)
TEXT_COLOUR = discord.Colour(0x2B2D31)
PROMPT_COLOUR = discord.Colour(0xFEE75C)
FOOTER_CHARS = 200
PROMPT_TITLE = "Discussion prompt"
QUESTION_CHARS = 1000
SIDE_LABEL_CHARS = 64
SIDE_QUOTE_CHARS = 1500
"""At most this much of each side's quote (then an ellipsis; the title links the whole comment), so a
prompt with two sides stays one message, and its thread opens under all of it."""
SIDE_QUOTE_MIN = 200

R = TypeVar("R", bound=BaseModel)
_RENDERERS: dict[type[BaseModel], Callable[[Any], list[Piece]]] = {}


def renders(kind: type[R]) -> Callable[[Callable[[R], list[Piece]]], Callable[[R], list[Piece]]]:
    """Register the decorated function as the Discord rendering of reply type `kind`."""

    def register(function: Callable[[R], list[Piece]]) -> Callable[[R], list[Piece]]:
        _RENDERERS[kind] = function
        return function

    return register


def render(reply: BaseModel, channel: object = None) -> list[Outgoing]:
    """The reply as Discord messages within every limit, for `channel` (where it goes: a role to notify is
    looked up in its server). A reply that may ping starts with the mention; only its first message pings."""
    pieces = _RENDERERS.get(type(reply), _fallback)(reply)
    ping = ping_of(reply, channel)
    if ping is not None:
        if pieces and isinstance(pieces[0], str):
            pieces[0] = f"{ping.text} {pieces[0]}"
        else:
            pieces.insert(0, ping.text)
    messages = pack(pieces)
    if ping is not None:
        messages[0].mention_user_id = ping.user_id
        messages[0].mention_role_id = ping.role_id
    messages[-1].buttons = buttons_for(reply)
    return messages


def _fallback(reply: Any) -> list[Piece]:
    return [render_plain(reply)]


def quote_markdown(quote: Quote) -> str:
    """The quote's words, markdown-escaped so they show as written, with matched words in bold."""
    return emphasise(quote, "**", "**", escape_markdown)


def _web_url(url: str | None) -> str | None:
    """Only http(s) links: Discord rejects an embed whose url is anything else."""
    return url if url is not None and url.startswith(("https://", "http://")) else None


def quote_embed(quote: Quote) -> discord.Embed:
    """Who said it (linked to the source), the words, and where from in the footer."""
    embed = discord.Embed(description=quote_markdown(quote) or "\u200b", colour=QUOTE_COLOUR)
    embed.title = clip_line(quote.author or "anonymous", EMBED_TITLE_CHARS)
    embed.url = _web_url(quote.url)
    footer = [f"archive {quote.archive}"]
    if quote.created_at:
        footer.append(quote.created_at[:10])
    embed.set_footer(text=clip_line(" \u00b7 ".join(footer), FOOTER_CHARS))
    return embed


@renders(QuotesReply)
def render_quotes(reply: QuotesReply) -> list[Piece]:
    pieces: list[Piece] = [reply.note] if reply.note else []
    pieces += [quote_embed(quote) for quote in reply.quotes]
    return pieces


@renders(TextReply)
def render_text(reply: TextReply) -> list[Piece]:
    """Help and lists as an embed; a bare sentence ("This channel now reads...") as plain content."""
    if not reply.title and not reply.lines:
        return [reply.text]
    lines = [f"\u2022 {line}" for line in reply.lines]
    body = "\n".join([reply.text, *lines] if reply.text else lines)
    title = clip_line(reply.title, EMBED_TITLE_CHARS) if reply.title else None
    return [discord.Embed(title=title, description=body or "\u200b", colour=TEXT_COLOUR)]


@renders(ErrorReply)
def render_error(reply: ErrorReply) -> list[Piece]:
    return [f"\u26a0\ufe0f {reply.message}" + (f"\n{reply.hint}" if reply.hint else "")]


def fitted_markdown(quote: Quote, limit: int) -> str:
    """The quote as markdown in at most `limit` characters: whole if it fits, else cut at a word with an
    ellipsis (highlights dropped; prompts have none)."""
    whole = quote_markdown(quote)
    if len(whole) <= limit:
        return whole
    text, cut = quote.text.strip(), limit
    while cut > 0:
        words = text[:cut].rsplit(None, 1)
        head = words[0] if len(words) == 2 else text[:cut]
        shown = escape_markdown(head.rstrip()) + " " + ELLIPSIS
        if len(shown) <= limit:
            return shown
        cut -= max(1, len(shown) - limit)
    return ELLIPSIS


def side_embed(label: str, quote: Quote, limit: int) -> discord.Embed:
    """One side of a prompt: its label, who said it (linked to the comment), their words, where from."""
    embed = quote_embed(quote)
    embed.description = fitted_markdown(quote, limit) or "\u200b"
    embed.title = clip_line(escape_markdown(quote.author or "anonymous"), EMBED_TITLE_CHARS)
    embed.set_author(name=clip_line(label, min(SIDE_LABEL_CHARS, EMBED_AUTHOR_CHARS)))
    return embed


@renders(PromptReply)
def render_prompt(reply: PromptReply) -> list[Piece]:
    """The question (and who suggested it) in one embed, then one embed per side with its cited quote, sized so
    that a prompt with up to three sides fits one message."""
    question = clip_line(escape_markdown(reply.question), QUESTION_CHARS)
    description = f"**{question}**" + (f"\n\n{clip_line(reply.note, QUESTION_CHARS)}" if reply.note else "")
    header = discord.Embed(title=PROMPT_TITLE, description=description, colour=PROMPT_COLOUR)
    if reply.suggested_by:
        header.set_footer(text=clip_line(f"Suggested by {reply.suggested_by}", FOOTER_CHARS))
    if not reply.sides:
        return [header]
    overhead = sum(
        len(side_embed(side.label, side.quote.model_copy(update={"text": ""}), 1)) for side in reply.sides
    )
    room = (EMBED_TOTAL_CHARS - len(header) - overhead) // len(reply.sides)
    limit = max(SIDE_QUOTE_MIN, min(SIDE_QUOTE_CHARS, room))
    return [header, *(side_embed(side.label, side.quote, limit) for side in reply.sides)]
