"""A stored comment as a citable `Quote`: the one way every feature re-posts a comment (verbatim, with its
author, link and the words that matched highlighted)."""

from __future__ import annotations

from bot.models import Quote, Span
from storage.fts import highlight_spans
from storage.interface import StoredComment


def to_quote(comment: StoredComment, highlighted: str | None = None, score: float | None = None) -> Quote:
    """A stored comment as a citable quote; `highlighted` carries FTS5 markers around matched words."""
    spans: list[Span] = []
    if highlighted is not None:
        text, raw_spans = highlight_spans(highlighted)
        if text == comment.text:
            spans = [Span(start=s, end=e) for s, e in raw_spans]
    return Quote(
        comment_id=comment.id,
        source_id=comment.source_id,
        text=comment.text,
        author=comment.author,
        url=comment.url,
        archive=comment.archive,
        created_at=comment.created_at,
        highlights=spans,
        score=score,
    )
