"""Every reply type of the core, rendered for Discord: quotes as cited embeds, text as an embed or content.

One function per reply type, registered with `@renders(ReplyType)`; adding a type is adding one function.
Types without a renderer fall back to the console's plain text, so a new reply type is never lost.
Quoted text is shown verbatim (markdown escaped); mentions in it stay inert through `AllowedMentions.none()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord.utils import escape_markdown
from pydantic import BaseModel

from adapters.discord.appcommands import clip
from adapters.discord.limits import EMBED_TITLE_CHARS
from adapters.discord.packing import Outgoing, Piece, pack
from adapters.plain_render import render_plain
from bot.models import ErrorReply, Quote, QuotesReply, TextReply

QUOTE_COLOUR = discord.Colour(0x5865F2)
TEXT_COLOUR = discord.Colour(0x2B2D31)
FOOTER_CHARS = 200

R = TypeVar("R", bound=BaseModel)
_RENDERERS: dict[type[BaseModel], Callable[[Any], list[Piece]]] = {}


def renders(kind: type[R]) -> Callable[[Callable[[R], list[Piece]]], Callable[[R], list[Piece]]]:
    """Register the decorated function as the Discord rendering of reply type `kind`."""

    def register(function: Callable[[R], list[Piece]]) -> Callable[[R], list[Piece]]:
        _RENDERERS[kind] = function
        return function

    return register


def render(reply: BaseModel) -> list[Outgoing]:
    """The reply as Discord messages within every limit; a reply that names one user to ping starts with
    that user's mention, and only its first message may ping them."""
    pieces = _RENDERERS.get(type(reply), _fallback)(reply)
    user = mentioned_user(reply)
    if user is None:
        return pack(pieces)
    if pieces and isinstance(pieces[0], str):
        pieces[0] = f"<@{user}> {pieces[0]}"
    else:
        pieces.insert(0, f"<@{user}>")
    messages = pack(pieces)
    messages[0].mention_user_id = user
    return messages


def mentioned_user(reply: BaseModel) -> int | None:
    """The Discord user a reply may ping (`TextReply.mention_user_id`), if it is a Discord user id."""
    value = getattr(reply, "mention_user_id", None)
    return int(value) if isinstance(value, str) and value.isdigit() else None


def is_ephemeral(reply: BaseModel) -> bool:
    return bool(getattr(reply, "ephemeral", False))


def _fallback(reply: Any) -> list[Piece]:
    return [render_plain(reply)]


def quote_markdown(quote: Quote) -> str:
    """The quote's words, markdown-escaped so they show as written, with matched words in bold."""
    text = quote.text
    out: list[str] = []
    cursor = 0
    for span in sorted(quote.highlights, key=lambda s: s.start):
        if span.start < cursor or span.end <= span.start:
            continue
        out.append(escape_markdown(text[cursor : span.start]))
        out.append(f"**{escape_markdown(text[span.start : span.end])}**")
        cursor = span.end
    out.append(escape_markdown(text[cursor:]))
    return "".join(out)


def _web_url(url: str | None) -> str | None:
    """Only http(s) links: Discord rejects an embed whose url is anything else."""
    return url if url is not None and url.startswith(("https://", "http://")) else None


def quote_embed(quote: Quote) -> discord.Embed:
    """Who said it (linked to the source), the words, and where from in the footer."""
    embed = discord.Embed(description=quote_markdown(quote) or "\u200b", colour=QUOTE_COLOUR)
    embed.title = clip(quote.author or "anonymous", EMBED_TITLE_CHARS)
    embed.url = _web_url(quote.url)
    footer = [f"archive {quote.archive}"]
    if quote.created_at:
        footer.append(quote.created_at[:10])
    embed.set_footer(text=clip(" \u00b7 ".join(footer), FOOTER_CHARS))
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
    title = clip(reply.title, EMBED_TITLE_CHARS) if reply.title else None
    return [discord.Embed(title=title, description=body or "\u200b", colour=TEXT_COLOUR)]


@renders(ErrorReply)
def render_error(reply: ErrorReply) -> list[Piece]:
    return [f"\u26a0\ufe0f {reply.message}" + (f"\n{reply.hint}" if reply.hint else "")]
