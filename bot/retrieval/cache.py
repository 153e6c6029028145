"""A per-process cache of each archive's vector matrix, so dense search is one matrix product, not a table scan.

An entry is checked against the database at most every `refresh_seconds`, and at once when the archive's
revision (changed by every import, deletion or edit, in any process) is not the one it was checked at; when the
indexer has added vectors only the new rows are read and appended, and when vectors went away (comments
deleted) the matrix is reloaded. Where the database gives a deleted comment's id to a later one (SQLite: the next
id is max(id) + 1), counts cannot tell the old vector from the new one, so there a new revision reloads the
matrix. Archives with more vectors than `cap` are not cached: retrieval then only re-ranks BM25's candidates.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from storage.embedding_store import EmbeddingStore, VectorRows

FloatMatrix = npt.NDArray[np.float32]

DENSE_CAP = 200_000  # vectors per archive held in memory (float32: ~300 MB at 384 dims)
REFRESH_SECONDS = 2.0


@dataclass(slots=True)
class ArchiveMatrix:
    """An archive's comment ids (ascending) and their unit vectors as float32 rows."""

    ids: npt.NDArray[np.int64]
    matrix: FloatMatrix
    max_id: int
    checked_at: float
    revision: int | None = None
    """The archive's revision when the entry was last checked."""

    @property
    def count(self) -> int:
        return int(self.ids.shape[0])

    def rows_of(self, comment_ids: list[int]) -> dict[int, int]:
        """Row index of each of these comments that has a vector here."""
        if not comment_ids or not self.count:
            return {}
        wanted = np.asarray(comment_ids, dtype=np.int64)
        at = np.searchsorted(self.ids, wanted)
        at = np.minimum(at, self.count - 1)
        found = self.ids[at] == wanted
        return {int(cid): int(row) for cid, row, ok in zip(wanted, at, found, strict=True) if ok}


@dataclass(frozen=True, slots=True)
class DenseView:
    """What dense search can use for one archive: its matrix, or only the count (0, or above the cap)."""

    matrix: ArchiveMatrix | None
    count: int


def _as_float32(rows: VectorRows) -> FloatMatrix:
    return np.ascontiguousarray(rows.vectors, dtype=np.float32)


def _append(entry: ArchiveMatrix, rows: VectorRows) -> tuple[npt.NDArray[np.int64], FloatMatrix]:
    return np.concatenate([entry.ids, rows.ids]), np.concatenate([entry.matrix, _as_float32(rows)])


@dataclass(slots=True)
class VectorCache:
    cap: int = DENSE_CAP
    refresh_seconds: float = REFRESH_SECONDS
    _entries: dict[tuple[str, int], ArchiveMatrix] = field(default_factory=dict)
    _counts: dict[tuple[str, int], tuple[int, float, int | None]] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def view(self, store: EmbeddingStore, archive_id: int, revision: int | None = None) -> DenseView:
        """The archive's dense view; `revision` is its current revision (`Store.archive_revisions`)."""
        key = (store.model, archive_id)
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry.revision == revision and now - entry.checked_at < self.refresh_seconds:
            return DenseView(entry, entry.count)
        counted = self._counts.get(key)
        if entry is None and counted is not None and counted[2] == revision and now - counted[1] < self.refresh_seconds:
            return DenseView(None, counted[0])
        async with self._lock:
            return await self._refresh(store, archive_id, key, now, revision)

    async def _refresh(
        self, store: EmbeddingStore, archive_id: int, key: tuple[str, int], now: float, revision: int | None
    ) -> DenseView:
        state = await store.archive_state(archive_id)
        entry = self._entries.get(key)
        if state.count == 0 or state.count > self.cap:
            self._entries.pop(key, None)
            self._counts[key] = (state.count, now, revision)
            return DenseView(None, state.count)
        if entry is not None and entry.revision != revision and store.ids_reused:
            entry = None  # the same count and ids may be other comments now
        if entry is not None and entry.count == state.count and entry.max_id == state.max_id:
            entry.checked_at, entry.revision = now, revision
            return DenseView(entry, entry.count)
        if entry is not None and state.max_id > entry.max_id:
            added = await store.archive_vectors(archive_id, entry.max_id)
            if entry.count + added.ids.shape[0] == state.count:
                ids, matrix = await asyncio.to_thread(_append, entry, added)
                fresh = ArchiveMatrix(ids, matrix, int(ids[-1]), now, revision)
                self._entries[key] = fresh
                return DenseView(fresh, fresh.count)
        rows = await store.archive_vectors(archive_id)
        matrix = await asyncio.to_thread(_as_float32, rows)
        fresh = ArchiveMatrix(rows.ids, matrix, int(rows.ids[-1]) if rows.ids.size else 0, now, revision)
        self._entries[key] = fresh
        return DenseView(fresh, fresh.count)
