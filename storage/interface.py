"""The small async interface the core uses to reach stored data.

The core depends on this Protocol only, so a PostgreSQL implementation can serve several bot processes
(Discord shards, Slack workers) without the core changing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from storage.importers.records import CommentRecord

SHARED_SPACE = "*"
"""Archives in this space (the bundled sample) are readable from every space."""


@dataclass(frozen=True, slots=True)
class ArchiveInfo:
    id: int
    space_key: str
    name: str
    title: str | None
    comment_count: int
    created_at: str

    @property
    def shared(self) -> bool:
        return self.space_key == SHARED_SPACE


@dataclass(frozen=True, slots=True)
class StoredComment:
    id: int
    archive: str
    source_id: str
    text: str
    parent_source_id: str | None = None
    author: str | None = None
    created_at: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    comment: StoredComment
    score: float  # higher is more relevant
    highlighted: str  # the text with \x02 ... \x03 around matched words


@dataclass(frozen=True, slots=True)
class ImportResult:
    archive: ArchiveInfo
    added: int
    skipped_existing: int
    updated: int = 0
    """Comments whose text changed at the source since the last import of the same link (sync only)."""
    deleted: int = 0
    """Comments gone from the source since the last import of the same link (sync only)."""


@dataclass(frozen=True, slots=True)
class SyncScope:
    """An import that mirrors one source thread, keyed by the source's comment ids (a link import).

    `origin` names the thread (`hn:17`); a stored comment of that origin, or of none (a file import), whose
    text differs from the record with its source id is replaced by it. Deletions stay within the origin: the
    ids in `gone` (tombstones), and, when `complete` (the whole thread was fetched), every stored comment of
    the origin that the records no longer hold."""

    origin: str
    complete: bool
    gone: frozenset[str] = frozenset()


ProgressCallback = Callable[[int, int], None]


class Store(Protocol):
    async def close(self) -> None: ...

    # archives
    async def list_archives(self, space_key: str) -> list[ArchiveInfo]:
        """Archives this space can read: its own and the shared ones."""
        ...

    async def find_archive(self, space_key: str, name: str) -> ArchiveInfo | None:
        """An archive by name as seen from this space (its own first, then shared), or None."""
        ...

    async def import_records(
        self,
        space_key: str,
        archive_name: str,
        records: Sequence[CommentRecord],
        *,
        created_at: str,
        title: str | None = None,
        source: str | None = None,
        progress: ProgressCallback | None = None,
        sync: SyncScope | None = None,
    ) -> ImportResult:
        """Add records to the archive (created if new, dated `created_at`, the caller's clock as stored text)
        in one transaction; existing comments are skipped, or, with `sync`, edited and deleted to match."""
        ...

    async def delete_archive(self, space_key: str, name: str) -> bool: ...

    async def delete_comments_by_author(self, space_key: str, archive_name: str, author: str) -> int:
        """Delete every comment by `author` in this space's own archive (never a shared one); how many went."""
        ...

    # comments
    async def search(self, archive_ids: Sequence[int], query: str, limit: int) -> list[SearchHit]:
        """Comments matching the words of `query`, best first. `query` is user text, never FTS syntax."""
        ...

    async def random_comment(self, archive_ids: Sequence[int], exclude: set[int]) -> StoredComment | None: ...

    async def get_comments(self, comment_ids: Sequence[int]) -> list[StoredComment]: ...

    async def comments_by_source(self, archive_id: int, source_ids: Sequence[str]) -> dict[str, StoredComment]:
        """The archive's comments with these source ids (e.g. the parents of some replies), by source id."""
        ...

    async def replies_to(self, archive_id: int, source_ids: Sequence[str], limit: int) -> list[StoredComment]:
        """At most `limit` comments of the archive that reply to one of these source ids, oldest first."""
        ...

    async def count_comments(self, archive_ids: Sequence[int]) -> int: ...

    async def archive_revisions(self, archive_ids: Sequence[int]) -> dict[int, int]:
        """Each archive's revision: a token that changes whenever its comments do (absent: no such archive)."""
        ...

    # per-channel memory
    async def shown_in_channel(
        self, space_key: str, channel: str, comment_ids: Sequence[int]
    ) -> set[int]: ...

    async def shown_ids(self, space_key: str, channel: str, archive_ids: Sequence[int]) -> set[int]:
        """Every comment of these archives already shown in the channel."""
        ...

    async def record_shown(
        self, space_key: str, channel: str, comment_ids: Sequence[int], at: str
    ) -> None: ...

    async def forget_shown(self, space_key: str, channel: str, comment_ids: Sequence[int]) -> None: ...

    async def get_channel_setting(self, space_key: str, channel: str, key: str) -> str | None: ...

    async def set_channel_setting(
        self, space_key: str, channel: str, key: str, value: str | None
    ) -> None: ...
