"""What every importer produces: plain records, independent of the source format.

Importers only parse; `storage.store` writes. Keeping the two apart means a parse error can never leave
half an import in the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def normalise_text(text: str) -> str:
    """Collapse runs of white space so the same words always hash the same."""
    return " ".join(text.split())


def content_hash(text: str) -> str:
    """A stable fingerprint of a comment's words, used to drop exact duplicates."""
    return hashlib.sha256(normalise_text(text).casefold().encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CommentRecord:
    """One comment as found in a source file.

    `source_id` is the id the comment had in its source (a Reddit id, an HN item id, ...); formats without ids
    use a fingerprint of the text, so re-importing the same file adds nothing.
    """

    source_id: str
    text: str
    parent_id: str | None = None
    author: str | None = None
    created_at: str | None = None  # ISO 8601, UTC where the source says so
    url: str | None = None


@dataclass(slots=True)
class ParsedThread:
    """Everything one source file holds: its comments in source order, and what was skipped and why."""

    format: str
    records: list[CommentRecord] = field(default_factory=list)
    title: str | None = None
    url: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    """Source ids the source itself marks as deleted or removed (a tombstone in the tree): a re-import of a
    linked thread deletes them from the archive even when it could not fetch the whole thread."""

    def skip(self, reason: str, gone_id: str | None = None) -> None:
        """Count a skipped item; `gone_id` names a comment the source says was deleted."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        if gone_id is not None:
            self.gone.add(gone_id)


class ImportFormatError(ValueError):
    """Input that cannot be imported. The message says what, where (file, line or field) and how to fix it."""


class EmptyThreadError(ImportFormatError):
    """Input of the right shape that holds no comment to import (all skipped, or none yet). `thread` is what was
    read, for a caller that can use an empty thread (a followed thread that has no comments yet)."""

    def __init__(self, message: str, thread: ParsedThread) -> None:
        super().__init__(message)
        self.thread = thread
