"""Render neutral replies as plain text for the console (and as the fallback text other adapters need)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard, assert_never, get_args

from adapters.text import bar
from bot.models import (
    CounterReply,
    ErrorReply,
    PromptReply,
    Quote,
    QuotesReply,
    Reply,
    StanceReply,
    TextReply,
)


def emphasise(
    quote: Quote, open_mark: str = "**", close_mark: str = "**", escape: Callable[[str], str] = str
) -> str:
    """The quote's text with its highlighted spans wrapped in marks; every piece of text goes through
    `escape` first, so each platform can neutralise its own markup (Discord markdown, Slack's <, >, &)."""
    text = quote.text
    out: list[str] = []
    cursor = 0
    for span in sorted(quote.highlights, key=lambda s: s.start):
        if span.start < cursor or span.end <= span.start:
            continue
        out.append(escape(text[cursor : span.start]))
        out.append(f"{open_mark}{escape(text[span.start : span.end])}{close_mark}")
        cursor = span.end
    out.append(escape(text[cursor:]))
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


REPLY_TYPES: tuple[type, ...] = get_args(get_args(Reply)[0])
"""The classes of the `Reply` union (its first argument; the second is its discriminator)."""


def is_reply(value: object) -> TypeGuard[Reply]:
    """Whether `value` is one of the core's reply types, the ones every renderer's `match` covers.

    Anything else (a model the core added before an adapter knew it) is shown as its fields, never lost."""
    return isinstance(value, REPLY_TYPES)


def render_plain(reply: Reply) -> str:
    """The reply as plain text; the one place a reply type chooses its console rendering."""
    match reply:
        case QuotesReply():
            blocks = [f"\u201c{emphasise(q)}\u201d\n  {citation(q)}" for q in reply.quotes]
            if reply.note:
                blocks.append(reply.note)
            return "\n\n".join(blocks)
        case TextReply():
            parts = [p for p in (reply.title, reply.text) if p]
            parts += [f"  \u2022 {line}" for line in reply.lines]
            return "\n".join(parts)
        case ErrorReply():
            return f"Error: {reply.message}" + (f"\n{reply.hint}" if reply.hint else "")
        case PromptReply():
            return render_prompt(reply)
        case StanceReply():
            return render_stance(reply)
        case CounterReply():
            return render_counter(reply)
        case _:
            assert_never(reply)


def render_prompt(reply: PromptReply) -> str:
    """The question (and a disagreement's counts), then each side's quote with its citation; a configured role is
    named, never pinged here."""
    head = f"@{reply.notify_role} " if reply.notify_role else ""
    blocks = [f"{head}{reply.question}"]
    if reply.suggested_by:
        blocks[0] += f"\n  (suggested by {reply.suggested_by})"
    if reply.tally is not None:
        blocks[0] += f"\n  {reply.tally.line()}"
    blocks += [
        f"{side.label}: \u201c{side.quote.text}\u201d\n  {citation(side.quote)}" for side in reply.sides
    ]
    if reply.note:
        blocks.append(reply.note)
    return "\n\n".join(blocks)


NO_COUNTER = "I found no comment that argues against that."


def numbered_citation(quote: Quote) -> str:
    """The citation plus the comment's number, which `stance fix` takes."""
    return f"{citation(quote)} \u00b7 #{quote.comment_id}"


def render_stance(reply: StanceReply) -> str:
    """The claim, a bar per stance, the members' votes, the clearest quote on each side, the items (--all, with
    their numbers; a moderator-set label is marked "fixed") and the note."""
    counts = reply.counts.model_dump()
    total = sum(counts.values())
    blocks = [f"Stance toward “{reply.claim}”" + (" (rough)" if reply.rough else "")]
    blocks.append("\n".join(f"{name:<9} {bar(n, total)} {n}" for name, n in counts.items()))
    if reply.fixed_ids:
        blocks[-1] += f"\n({len(reply.fixed_ids)} labelled by a moderator)"
    if reply.members is not None:
        blocks.append("Members voted: " + " \u00b7 ".join(f"{n} {vote}" for vote, n in reply.members.counts()))
    for label, quote in (("Agrees", reply.agree), ("Disagrees", reply.disagree)):
        if quote is not None:
            blocks.append(f"{label}: “{quote.text}”\n  {numbered_citation(quote)}")
    if reply.items:
        fixed = set(reply.fixed_ids)
        blocks.append(
            "\n".join(
                f"  #{i.comment_id} [{i.label}{' (fixed)' if i.comment_id in fixed else ''}] {i.score:.2f} "
                f"{i.text[:120]}"
                for i in reply.items
            )
        )
    if reply.note:
        blocks.append(reply.note)
    return "\n\n".join(blocks)


def render_counter(reply: CounterReply) -> str:
    """The best counterargument with its citation, or a plain "none found"; then the note."""
    if reply.quote is None:
        blocks = [reply.note or NO_COUNTER]
    else:
        blocks = [f"Against “{reply.claim}”:", f"“{reply.quote.text}”\n  {numbered_citation(reply.quote)}"]
        if reply.note:
            blocks.append(reply.note)
    return "\n\n".join(blocks)
