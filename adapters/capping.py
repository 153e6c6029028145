"""A reply kept to a few messages: how many of its items it shows, the line naming what it left out, and quotes
clipped with a note instead of spread over messages.

Each platform caps a reply at a few messages (`MAX_MESSAGES_PER_REPLY` in its `limits` module): three quotes
of 1 MB were 732 Discord messages, which buries a channel and runs into rate limits. A renderer hands its
drawing to `within_cap`; when the whole reply needs more messages, it is drawn again with fewer of its listed
items (quotes, counted comments, lines) and ends with `more_line`, which says how many were left out and, where
a way exists, how to see them. Pure functions over the neutral replies; each platform escapes the line itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from adapters.text import ELLIPSIS, clip_line
from bot.models import Quote, QuotesReply, Reply, Span, StanceReply, TextReply

Message = TypeVar("Message")

CLAIM_CHARS = 80
"""How much of the claim the `stance ... --all` hint repeats: enough to recognise it, short enough to copy."""


def clipped(quote: Quote, limit: int) -> Quote:
    """The quote if its text fits in `limit` characters; else its start, cut at a word, ending with a note of
    the comment's full length (and that its link has the rest), `limit` characters in all. Highlights past
    the cut are dropped, so a platform can show the clipped quote like any other."""
    text = quote.text
    if len(text) <= limit:
        return quote
    rest = "; the whole comment is at its link" if quote.url else ""
    note = f" {ELLIPSIS} [cut: {len(text):,} characters in all{rest}]"
    room = max(0, limit - len(note))
    head = text[:room]
    space = head.rfind(" ")
    if space >= room // 2 and not text[room : room + 1].isspace():
        head = head[:space]
    head = head.rstrip()
    spans = [Span(start=s.start, end=min(s.end, len(head))) for s in quote.highlights if s.start < len(head)]
    return quote.model_copy(update={"text": (head + note)[:limit], "highlights": spans})


def listed(reply: Reply) -> tuple[int, str]:
    """How many items the reply lists that a cap may leave out, and what one is called (0: none)."""
    if isinstance(reply, QuotesReply):
        return len(reply.quotes), "quote"
    if isinstance(reply, StanceReply):
        return len(reply.items), "comment"
    if isinstance(reply, TextReply):
        return len(reply.lines), "line"
    return 0, ""


def first_items(reply: Reply, count: int) -> Reply:
    """The reply with only the first `count` of its listed items (the order the core ranked them in)."""
    if isinstance(reply, QuotesReply):
        return reply.model_copy(update={"quotes": reply.quotes[:count]})
    if isinstance(reply, StanceReply):
        return reply.model_copy(update={"items": reply.items[:count]})
    if isinstance(reply, TextReply):
        return reply.model_copy(update={"lines": reply.lines[:count]})
    return reply


def more_line(reply: Reply, left: int, cap: int, space_key: str) -> str:
    """`…and N more quotes left out`, with why (the cap) and, for a `stance --all` list, the one way to see
    every comment that really exists: the console, `threadbot ask`, on the machine the bot runs on
    (`space_key` names this server or workspace there, e.g. `discord:SERVER_ID`). Unescaped text."""
    total, noun = listed(reply)
    nouns = noun if left == 1 else f"{noun}s"
    why = f"a reply here is at most {cap} message{'' if cap == 1 else 's'}."
    if not isinstance(reply, StanceReply):
        return f"{ELLIPSIS}and {left:,} more {nouns} left out: {why}"
    claim = clip_line(reply.claim, CLAIM_CHARS).replace("`", "'").replace('"', "'")
    archive = f" --archive {reply.archive}" if reply.archive else ""
    return (
        f"{ELLIPSIS}and {left:,} more of the {total:,} counted {noun}s are not listed: {why} "
        f'Whoever runs threadbot can list them all: `threadbot ask --space {space_key}{archive} "stance {claim} '
        f'--all"`'
    )


def within_cap(reply: Reply, draw: Callable[[Reply, int], list[Message]], cap: int) -> list[Message] | None:
    """The reply as at most `cap` messages: `draw(reply, 0)` if that fits, else `draw(shorter, left)` with as
    many of its first items as fit, `left` being how many were left out (the drawing ends with `more_line`).
    None when it does not fit even without its items (long for another reason): the caller cuts it."""
    whole = draw(reply, 0)
    if len(whole) <= cap:
        return whole
    total, _ = listed(reply)
    best: list[Message] | None = None
    low, high = 0, total - 1
    while low <= high:  # more items never take fewer messages: the most that fit, by halving
        keep = (low + high) // 2
        drawn = draw(first_items(reply, keep), total - keep)
        if len(drawn) <= cap:
            best, low = drawn, keep + 1
        else:
            high = keep - 1
    return best
