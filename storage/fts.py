"""Turning user text into a safe FTS5 query.

User words are never passed as FTS5 syntax: each word becomes a quoted string, so `NOT`, `*`, `"`, `:` or
`NEAR(` in a chat message are just text.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16

STOPWORDS = frozenset(
    (
        "a about above after again against all am an and any are as at be because been before being below "
        "between both but by can could did do does doing down during each few for from further had has have "
        "having he her here hers herself him himself his how i if in into is it its itself just me more most "
        "my myself no nor not of off on once only or other our ours ourselves out over own same she should so "
        "some such than that the their theirs them themselves then there these they this those through to too "
        "under until up very was we were what when where which while who whom why will with would you your "
        "yours yourself yourselves s t don isn aren wasn weren ll ve re d m "
    ).split()
)


def query_terms(text: str) -> list[str]:
    """The distinct content words of `text`, in order; stop words only if nothing else is left."""
    words = [w.casefold() for w in _WORD.findall(text)]
    content = [w for w in words if w not in STOPWORDS]
    chosen = content or words
    seen: dict[str, None] = {}
    for word in chosen:
        seen.setdefault(word, None)
    return list(seen)[:MAX_TERMS]


def match_any(terms: list[str]) -> str:
    """An FTS5 expression matching comments containing any of the terms (BM25 ranks those with more first)."""
    return " OR ".join(f'"{term}"' for term in terms)


def match_all(terms: list[str]) -> str:
    return " AND ".join(f'"{term}"' for term in terms)


HIGHLIGHT_OPEN = "\x02"
HIGHLIGHT_CLOSE = "\x03"


def highlight_spans(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Strip highlight markers from FTS5 `highlight()` output; return the text and the marked spans."""
    spans: list[tuple[int, int]] = []
    out: list[str] = []
    length = 0
    start: int | None = None
    for char in marked:
        if char == HIGHLIGHT_OPEN:
            start = length
        elif char == HIGHLIGHT_CLOSE:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            out.append(char)
            length += 1
    return "".join(out), spans
