"""Block Kit building blocks within Slack's limits: text objects, sections, contexts, headers and cited quotes.

Every mrkdwn object is `verbatim`, so Slack parses no names or links of its own in our text; callers pass text
that is already escaped (`escape`), and cutting never splits an `&amp;`-style entity.
"""

from __future__ import annotations

from typing import Any

from adapters.capping import clipped
from adapters.plain_render import emphasise
from adapters.slack.escape import clip_escaped, entity_start, escape, inert_plain, link
from adapters.slack.limits import MAX_CONTEXT_CHARS, MAX_HEADER_CHARS, MAX_SECTION_CHARS, QUOTE_CHARS
from adapters.text import clip_line
from bot.models import Quote

MAX_FALLBACK_CHARS = 3000
"""The notification text is kept this short (Slack takes more, nobody reads it)."""
CITATION_RESERVE = 400

Block = dict[str, Any]


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(clip_escaped(text, MAX_SECTION_CHARS))}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(clip_escaped(text, MAX_CONTEXT_CHARS))]}


def header(text: str) -> Block:
    """A header of plain (unescaped) text: made inert, since titles carry topics, claims and names members
    chose, and clipped to Slack's limit."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip_line(inert_plain(text), MAX_HEADER_CHARS), "emoji": False},
    }


DIVIDER: Block = {"type": "divider"}


def split_line(line: str, budget: int) -> list[str]:
    """An escaped line in pieces of at most `budget` characters, cut at spaces and never inside an entity."""
    pieces: list[str] = []
    while len(line) > budget:
        cut = line.rfind(" ", budget // 2, budget)
        if cut == -1:
            cut = entity_start(line, budget) or budget
        pieces.append(line[:cut])
        line = line[cut:].lstrip(" ")
    pieces.append(line)
    return pieces


def blockquote_chunks(text: str, budget: int) -> list[str]:
    """Escaped mrkdwn text as `> ` quoted lines, grouped into chunks of at most `budget` characters."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for piece in split_line(line, budget - 2):
            quoted = f"> {piece}" if piece else ">"
            added = len(quoted) + (1 if current else 0)
            if current and size + added > budget:
                chunks.append("\n".join(current))
                current, size, added = [], 0, len(quoted)
            current.append(quoted)
            size += added
    if current:
        chunks.append("\n".join(current))
    return chunks


def emphasised(quote: Quote) -> str:
    """The quote's text, escaped, with its highlighted spans in bold."""
    return emphasise(quote, "*", "*", escape)


def citation(quote: Quote) -> str:
    """`— alice · <url|2024-05-01>`: who said it, and a link to where."""
    when = quote.created_at[:10] if quote.created_at else "source"
    parts = [f"*{escape(quote.author or 'anonymous')}*"]
    if quote.url:
        parts.append(link(quote.url, when))
    elif quote.created_at:
        parts.append(escape(when))
    return "\u2014 " + " \u00b7 ".join(parts)


def cited_sections(quote: Quote, lead: str = "") -> list[Block]:
    """The quote as `> ` sections (as many as its length needs, up to `QUOTE_CHARS` of it: a longer one is
    clipped with a note), `lead` above it and the citation below."""
    budget = MAX_SECTION_CHARS - CITATION_RESERVE - len(lead)
    chunks = blockquote_chunks(emphasised(clipped(quote, QUOTE_CHARS)), budget)
    chunks[0] = lead + chunks[0]
    chunks[-1] += "\n" + citation(quote)
    return [section(chunk) for chunk in chunks]


def quote_blocks(quote: Quote) -> list[Block]:
    return [*cited_sections(quote), context(f"archive `{escape(quote.archive)}`")]
