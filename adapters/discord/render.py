"""Every reply type of the core, rendered for Discord: quotes as cited embeds, text as an embed or content.

One function per reply type, registered with `@renders(ReplyType)`; adding a type is adding one function
(prompts live in `prompt_render`, stance and counter in `stance_render`, the embeds they share in `kit`). The buttons a reply carries (`buttons.buttons_for`) go under
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
from pydantic import BaseModel

from adapters.discord.buttons import buttons_for
from adapters.discord.kit import TEXT_COLOUR, quote_embed
from adapters.discord.limits import EMBED_TITLE_CHARS
from adapters.discord.mentions import ping_of
from adapters.discord.packing import Outgoing, Piece, pack
from adapters.discord.prompt_render import render_prompt
from adapters.plain_render import render_plain
from adapters.text import clip_line
from bot.models import ErrorReply, PromptReply, QuotesReply, TextReply

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


renders(PromptReply)(render_prompt)
