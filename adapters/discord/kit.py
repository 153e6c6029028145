"""Embed building blocks within Discord's limits: the colours, a cited quote as an embed, a quote fitted to a
length, and one side of a prompt or a stance (a label above a cited quote).

Quoted text is shown verbatim: markdown is escaped, and mentions in it stay inert through
`AllowedMentions.none()`. Links are only ever http(s): Discord rejects an embed whose url is anything else.
"""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from adapters.capping import clipped
from adapters.discord.limits import EMBED_AUTHOR_CHARS, EMBED_DESCRIPTION_CHARS, EMBED_TITLE_CHARS
from adapters.plain_render import emphasise
from adapters.text import ELLIPSIS, clip_line
from bot.models import Quote

QUOTE_COLOUR = discord.Colour(0x5865F2)
TEXT_COLOUR = discord.Colour(0x2B2D31)
FOOTER_CHARS = 200
SIDE_LABEL_CHARS = 64


def quote_markdown(quote: Quote) -> str:
    """The quote's words, markdown-escaped so they show as written, with matched words in bold."""
    return emphasise(quote, "**", "**", escape_markdown)


def _web_url(url: str | None) -> str | None:
    """Only http(s) links: Discord rejects an embed whose url is anything else."""
    return url if url is not None and url.startswith(("https://", "http://")) else None


def clipped_markdown(quote: Quote, limit: int = EMBED_DESCRIPTION_CHARS) -> str:
    """The quote as markdown in at most `limit` characters: whole if it fits, else clipped with a note of its
    length (`capping.clipped`), so a huge comment is one embed, not dozens of messages."""
    if len(quote.text) <= limit:
        whole = quote_markdown(quote)
        if len(whole) <= limit:
            return whole
    cut = limit
    while cut > 0:  # escaping lengthens the text: clip shorter until the markdown fits
        shown = quote_markdown(clipped(quote, cut))
        if len(shown) <= limit:
            return shown
        cut -= len(shown) - limit
    return ELLIPSIS


def quote_embed(quote: Quote, limit: int = EMBED_DESCRIPTION_CHARS) -> discord.Embed:
    """Who said it (linked to the source), the words (at most `limit` characters), and where from in the
    footer."""
    embed = discord.Embed(description=clipped_markdown(quote, limit) or "\u200b", colour=QUOTE_COLOUR)
    embed.title = clip_line(quote.author or "anonymous", EMBED_TITLE_CHARS)
    embed.url = _web_url(quote.url)
    footer = [f"archive {quote.archive}"]
    if quote.created_at:
        footer.append(quote.created_at[:10])
    embed.set_footer(text=clip_line(" \u00b7 ".join(footer), FOOTER_CHARS))
    return embed


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
