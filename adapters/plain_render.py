"""Render neutral replies as plain text for the console (and as the fallback text other adapters need)."""

from __future__ import annotations

from bot.models import ErrorReply, PromptReply, Quote, QuotesReply, Reply, TextReply


def emphasise(quote: Quote, open_mark: str = "**", close_mark: str = "**") -> str:
    """The quote's text with its highlighted spans wrapped in marks."""
    text = quote.text
    out: list[str] = []
    cursor = 0
    for span in sorted(quote.highlights, key=lambda s: s.start):
        if span.start < cursor:
            continue
        out.append(text[cursor : span.start])
        out.append(f"{open_mark}{text[span.start : span.end]}{close_mark}")
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def citation(quote: Quote) -> str:
    """Who said it, where: `\u2014 alice \u00b7 2024-05-01 \u00b7 https://... \u00b7 archive sample`."""
    parts = [quote.author or "anonymous"]
    if quote.created_at:
        parts.append(quote.created_at[:10])
    if quote.url:
        parts.append(quote.url)
    parts.append(f"archive {quote.archive}")
    return "\u2014 " + " \u00b7 ".join(parts)


def render_plain(reply: Reply) -> str:
    if isinstance(reply, QuotesReply):
        blocks = [f"\u201c{emphasise(q)}\u201d\n  {citation(q)}" for q in reply.quotes]
        if reply.note:
            blocks.append(reply.note)
        return "\n\n".join(blocks)
    if isinstance(reply, TextReply):
        parts = [p for p in (reply.title, reply.text) if p]
        parts += [f"  \u2022 {line}" for line in reply.lines]
        return "\n".join(parts)
    if isinstance(reply, ErrorReply):
        return f"Error: {reply.message}" + (f"\n{reply.hint}" if reply.hint else "")
    if isinstance(reply, PromptReply):
        return render_prompt(reply)
    return str(reply)


def render_prompt(reply: PromptReply) -> str:
    """The question, then each side's quote with its citation; a configured role is named, never pinged here."""
    head = f"@{reply.notify_role} " if reply.notify_role else ""
    blocks = [f"{head}{reply.question}"]
    if reply.suggested_by:
        blocks[0] += f"\n  (suggested by {reply.suggested_by})"
    blocks += [f"{side.label}: \u201c{side.quote.text}\u201d\n  {citation(side.quote)}" for side in reply.sides]
    if reply.note:
        blocks.append(reply.note)
    return "\n\n".join(blocks)
