"""Comments of bounded size: an import stores a comment longer than `MAX_COMMENT_CHARS` as several parts.

One 10 MB comment made every `quote` that matched it spend seconds to minutes in FTS5 `highlight()` and in
clipping, on the one connection every command shares. So a long comment is split, at paragraph (blank line)
boundaries where it has them, else at sentence ends, else at a space (or, in one unbroken run of characters,
exactly at the limit). Part 1 keeps the comment's source id, so replies to it still find their parent; parts 2,
3, ... get `<source id>#p2`, `#p3`... and the comment's own parent, author, date and link. Each part starts with
"(part k of n) ". The split depends only on the text, so a re-import finds the same parts and adds none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from storage.importers.records import CommentRecord

MAX_COMMENT_CHARS = 20_000
"""The longest comment stored (characters, including the part label)."""
PART_LABEL = "(part {k} of {n}) "
LABEL_ROOM = 40  # room left for the label in every part
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def split_long(records: Sequence[CommentRecord], limit: int = MAX_COMMENT_CHARS) -> list[CommentRecord]:
    """`records` with every comment longer than `limit` replaced by its parts, in order."""
    if all(len(record.text) <= limit for record in records):
        return list(records)
    out: list[CommentRecord] = []
    for record in records:
        if len(record.text) <= limit:
            out.append(record)
            continue
        pieces = list(_pack(record.text, limit - LABEL_ROOM))
        total = len(pieces)
        for k, piece in enumerate(pieces, start=1):
            source_id = record.source_id if k == 1 else f"{record.source_id}#p{k}"
            out.append(replace(record, source_id=source_id, text=PART_LABEL.format(k=k, n=total) + piece))
    return out


def _pack(text: str, size: int) -> Iterator[str]:
    """Pieces of at most `size` characters, each as many whole paragraphs (or sentences) as fit."""
    paragraphs = _PARAGRAPH.split(text.strip())
    yield from _join(_units(paragraphs, size), size, "\n\n")


def _units(paragraphs: list[str], size: int) -> Iterator[str]:
    """Paragraphs that fit; a longer one as runs of its sentences (joined by spaces), each of at most `size`."""
    for paragraph in paragraphs:
        if len(paragraph) <= size:
            yield paragraph
        else:
            yield from _join(_sentences(paragraph, size), size, " ")


def _sentences(paragraph: str, size: int) -> Iterator[str]:
    for sentence in _SENTENCE.split(paragraph):
        while len(sentence) > size:
            cut = sentence.rfind(" ", size // 2, size)
            cut = cut if cut > 0 else size
            yield sentence[:cut].rstrip()
            sentence = sentence[cut:].lstrip()
        if sentence:
            yield sentence


def _join(units: Iterator[str], size: int, glue: str) -> Iterator[str]:
    """Consecutive units joined by `glue` into pieces of at most `size` characters."""
    current: list[str] = []
    length = 0
    for unit in units:
        extra = len(unit) + (len(glue) if current else 0)
        if current and length + extra > size:
            yield glue.join(current)
            current, length = [], 0
            extra = len(unit)
        current.append(unit)
        length += extra
    if current:
        yield glue.join(current)
