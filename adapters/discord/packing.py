"""Cut text and embeds into messages Discord accepts: 2,000 characters of content, 10 embeds and 6,000
embed characters per message, 4,096 per embed description.

Renderers produce a flat list of pieces (text or embeds) without counting; `pack` does all the counting, and
`cut` ends a reply that is too long even without its items (see `render`) at the cap, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import discord

from adapters.discord.buttons import Button
from adapters.discord.kit import TEXT_COLOUR
from adapters.discord.limits import (
    EMBED_DESCRIPTION_CHARS,
    EMBED_TOTAL_CHARS,
    EMBEDS_PER_MESSAGE,
    MESSAGE_CHARS,
)
from adapters.text import ELLIPSIS

Piece = str | discord.Embed


@dataclass(slots=True)
class Outgoing:
    """One Discord message to send: content above, embeds below."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    mention_user_id: int | None = None
    """The one user this message may ping (a reply's `mention_user_id`); everyone else stays inert."""
    mention_role_id: int | None = None
    """The one role this message may ping (a prompt's `notify_role`, found in the server); no other role."""
    buttons: tuple[Button, ...] = ()
    """Buttons under the message (a stance's Show all and votes); `render` puts them on the last message."""

    def embed_chars(self) -> int:
        return sum(len(embed) for embed in self.embeds)


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters, cut at a paragraph, a line or a space where one is near."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            found = window.rfind(separator)
            if found >= limit // 2:
                cut = found
                break
        if cut <= 0:
            cut = limit
        chunk = rest[:cut].rstrip()
        if chunk:
            chunks.append(chunk)
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def split_embed_description(embed: discord.Embed) -> list[discord.Embed]:
    """An embed whose description is too long, as several: title and link on the first, footer on the last."""
    description = embed.description or ""
    if len(description) <= EMBED_DESCRIPTION_CHARS:
        return [embed]
    parts = split_text(description, EMBED_DESCRIPTION_CHARS)
    embeds = []
    for index, part in enumerate(parts):
        piece = discord.Embed(description=part, colour=embed.colour)
        if index == 0:
            piece.title, piece.url = embed.title, embed.url
            if embed.author.name:
                piece.set_author(name=embed.author.name, url=embed.author.url)
        if index == len(parts) - 1 and embed.footer.text:
            piece.set_footer(text=embed.footer.text)
        embeds.append(piece)
    return embeds


def pack(pieces: list[Piece]) -> list[Outgoing]:
    """Pieces in order as messages. Text after an embed starts a new message, so reading order is kept."""
    messages: list[Outgoing] = []
    for piece in pieces:
        if isinstance(piece, str):
            for chunk in split_text(piece, MESSAGE_CHARS):
                last = messages[-1] if messages else None
                if last is not None and last.content is None and not last.embeds:
                    last.content = chunk
                else:
                    messages.append(Outgoing(content=chunk))
            continue
        for embed in split_embed_description(piece):
            last = messages[-1] if messages else None
            if (
                last is None
                or len(last.embeds) >= EMBEDS_PER_MESSAGE
                or last.embed_chars() + len(embed) > EMBED_TOTAL_CHARS
            ):
                last = Outgoing()
                messages.append(last)
            last.embeds.append(embed)
    return messages or [Outgoing(content="(nothing to show)")]


def cut(messages: list[Outgoing], cap: int) -> list[Outgoing]:
    """At most `cap` messages; when some are dropped, the last one kept ends with an embed that says so (its
    own last embeds give way when it has no room)."""
    if len(messages) <= cap:
        return messages
    kept = messages[:cap]
    last = kept[-1]
    note = discord.Embed(
        description=f"{ELLIPSIS}cut here: a reply is at most {cap} messages.", colour=TEXT_COLOUR
    )
    while last.embeds and (
        len(last.embeds) >= EMBEDS_PER_MESSAGE or last.embed_chars() + len(note) > EMBED_TOTAL_CHARS
    ):
        last.embeds.pop()
    last.embeds.append(note)
    return kept
