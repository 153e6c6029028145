"""Neutral replies as Slack Block Kit messages, within Slack's limits, with a plain-text fallback.

One render function per reply type; a type this module does not know yet (a feature added later) is shown as
its plain-text rendering, so new replies work in Slack before they look their best. Every piece of user text
goes through `escape`, and every text object is `verbatim`, so nothing in a quote can ping anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.plain_render import render_plain
from adapters.slack.escape import escape, link
from bot.models import ErrorReply, Quote, QuotesReply, Reply, TextReply

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_CHARS = 2000
MAX_HEADER_CHARS = 150
MAX_FALLBACK_CHARS = 3000
_CITATION_RESERVE = 400

Block = dict[str, Any]


@dataclass(slots=True)
class SlackMessage:
    """What `chat.postMessage` takes: Block Kit blocks plus the `text` shown in notifications."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    ephemeral: bool = False


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(_clip(text, MAX_SECTION_CHARS))}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(_clip(text, MAX_CONTEXT_CHARS))]}


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": _clip(text, MAX_HEADER_CHARS), "emoji": False},
    }


DIVIDER: Block = {"type": "divider"}


def _clip(text: str, limit: int) -> str:
    """Cut escaped text to `limit` characters without splitting an `&amp;`-style entity."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    amp = text.rfind("&", max(0, cut - 5), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    return text[:cut] + "\u2026"


def _split_line(line: str, budget: int) -> list[str]:
    """An escaped line in pieces of at most `budget` characters, cut at spaces and never inside an entity."""
    pieces: list[str] = []
    while len(line) > budget:
        cut = line.rfind(" ", budget // 2, budget)
        if cut == -1:
            cut = budget
            amp = line.rfind("&", max(0, cut - 5), cut)
            if amp > 0 and ";" not in line[amp:cut]:
                cut = amp
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
        for piece in _split_line(line, budget - 2):
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
    text = quote.text
    out: list[str] = []
    cursor = 0
    for span in sorted(quote.highlights, key=lambda s: s.start):
        if span.start < cursor or span.end <= span.start:
            continue
        out.append(escape(text[cursor : span.start]))
        out.append(f"*{escape(text[span.start : span.end])}*")
        cursor = span.end
    out.append(escape(text[cursor:]))
    return "".join(out)


def citation(quote: Quote) -> str:
    """`— alice · <url|2024-05-01>`: who said it, and a link to where."""
    when = quote.created_at[:10] if quote.created_at else "source"
    parts = [f"*{escape(quote.author or 'anonymous')}*"]
    if quote.url:
        parts.append(link(quote.url, when))
    elif quote.created_at:
        parts.append(escape(when))
    return "\u2014 " + " \u00b7 ".join(parts)


def quote_blocks(quote: Quote) -> list[Block]:
    chunks = blockquote_chunks(emphasised(quote), MAX_SECTION_CHARS - _CITATION_RESERVE)
    chunks[-1] += "\n" + citation(quote)
    blocks = [section(chunk) for chunk in chunks]
    blocks.append(context(f"archive `{escape(quote.archive)}`"))
    return blocks


def render_quotes(reply: QuotesReply) -> list[Block]:
    blocks: list[Block] = []
    if reply.query:
        blocks.append(context(f"Quotes about \u201c{escape(reply.query)}\u201d"))
    for index, quote in enumerate(reply.quotes):
        if index:
            blocks.append(DIVIDER)
        blocks.extend(quote_blocks(quote))
    if reply.note:
        blocks.append(context(escape(reply.note)))
    return blocks


def _list_sections(lines: list[str]) -> list[Block]:
    """Bulleted lines, packed into as few sections as the 3,000-character limit allows."""
    bullets = [f"\u2022 {escape(line)}" for line in lines]
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for bullet in bullets:
        if current and size + len(bullet) + 1 > MAX_SECTION_CHARS:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        current.append(bullet)
        size += len(bullet) + 1
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def _text_sections(text: str) -> list[Block]:
    return [section(chunk) for chunk in _split_line(escape(text), MAX_SECTION_CHARS)] if text else []


def render_text(reply: TextReply) -> list[Block]:
    blocks: list[Block] = [header(reply.title)] if reply.title else []
    blocks += _text_sections(reply.text)
    blocks += _list_sections(reply.lines)
    return blocks


def render_error(reply: ErrorReply) -> list[Block]:
    blocks = [section(f":warning: {escape(reply.message)}")]
    if reply.hint:
        blocks.append(context(escape(reply.hint)))
    return blocks


def render_other(reply: Reply) -> list[Block]:
    """Reply types added after this module: their plain-text rendering, escaped."""
    return _text_sections(render_plain(reply))


RENDERERS: dict[type, Callable[[Any], list[Block]]] = {
    QuotesReply: render_quotes,
    TextReply: render_text,
    ErrorReply: render_error,
}


def fit(blocks: list[Block]) -> list[Block]:
    """At most 50 blocks; when cut, the last one says so."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    return [*blocks[: MAX_BLOCKS - 1], context("\u2026 cut to fit Slack's 50-block limit.")]


def fallback_quotes(reply: QuotesReply) -> str:
    """A notification shows one line or two: the first quote and who said it, without highlight marks."""
    if not reply.quotes:
        return reply.note or "No quotes."
    first = reply.quotes[0]
    more = f" (+{len(reply.quotes) - 1} more)" if len(reply.quotes) > 1 else ""
    return f"\u201c{first.text}\u201d \u2014 {first.author or 'anonymous'}{more}"


FALLBACKS: dict[type, Callable[[Any], str]] = {QuotesReply: fallback_quotes}


def fallback_text(reply: Reply) -> str:
    """The notification and screen-reader text (the plain rendering for most replies), escaped and kept short."""
    plain = FALLBACKS.get(type(reply), render_plain)(reply)
    return _clip(escape(plain), MAX_FALLBACK_CHARS) or "Done."


def render(reply: Reply, *, asked: str | None = None) -> SlackMessage:
    """`asked` ("alice asked: quote tokens") is shown above a slash command's answer, which Slack does not echo."""
    renderer = RENDERERS.get(type(reply), render_other)
    blocks = renderer(reply)
    if asked:
        blocks.insert(0, context(escape(asked)))
    if not blocks:
        blocks = [section(fallback_text(reply))]
    return SlackMessage(
        text=fallback_text(reply), blocks=fit(blocks), ephemeral=bool(getattr(reply, "ephemeral", False))
    )
