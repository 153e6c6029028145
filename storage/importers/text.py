"""Plain text: one comment per line, or per paragraph when blank lines separate multi-line comments.

Copied threads are often pasted twice (a partial capture, then the full one), so exact repeats (same words,
ignoring case and spacing) are dropped and counted; ids are fingerprints of the text, so a re-import adds nothing.
"""

from __future__ import annotations

import re

from storage.importers.common import decode_utf8, finish
from storage.importers.records import CommentRecord, ParsedThread, content_hash

_SEPARATOR = re.compile(r"[\s\-=_*~#.·•—–]*")  # "--", "***", "———": dividers, not comments


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def split_comments(text: str) -> list[str]:
    """The comment candidates of a text file, before duplicates and dividers are dropped.

    Paragraph mode needs both signals: blank lines that separate (two or more paragraphs) and a paragraph that
    spans lines. A file without blank lines is one comment per line, however long it is.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = _paragraphs(lines)
    if len(paragraphs) >= 2 and any(len(paragraph) > 1 for paragraph in paragraphs):
        return ["\n".join(line.rstrip() for line in paragraph).strip() for paragraph in paragraphs]
    return [line.strip() for line in lines if line.strip()]


def parse(data: bytes, name: str) -> ParsedThread:
    """Comments of a UTF-8 text file, without exact duplicates or divider lines."""
    thread = ParsedThread(format="text")
    seen: set[str] = set()
    for body in split_comments(decode_utf8(data, name)):
        if _SEPARATOR.fullmatch(body):
            thread.skip("separator")
            continue
        digest = content_hash(body)
        if digest in seen:
            thread.skip("duplicate")
            continue
        seen.add(digest)
        thread.records.append(CommentRecord(source_id=digest[:16], text=body))
    return finish(thread, name)
