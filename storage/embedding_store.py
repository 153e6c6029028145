"""All SQL of comment vectors (bot/retrieval), as named statements.

Written against the small `SqlDatabase` protocol (storage/sql.py), so retrieval names no SQLite class. Vectors are float16 blobs keyed by (comment, model). Writes are short transactions of one batch
and never conflict: a vector another process wrote first is kept (ON CONFLICT DO NOTHING), and a comment
deleted meanwhile gets none (the INSERT selects from `comments`). So that two processes do not both compute a
batch in the first place, the indexer claims the block of ids it embeds in (`claim`, on PostgreSQL). Sentence-window vectors (`WindowVectorStore`)
follow the same contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from storage.sql import SqlDatabase
from storage.visibility import STAGED_FROM
from storage.work_claims import claim_work

VECTOR_DTYPE = np.dtype("<f2")
SCAN_WINDOW = 4096  # comment ids looked at per pending query, so one query never walks a whole archive


# Up to a staged import's first id: its comments get vectors once it is published (storage/visibility.py).
CORPUS_STATE = f"""
SELECT coalesce(max(id), 0), (SELECT coalesce(sum(comment_count), 0) FROM archives) FROM comments
WHERE id < {STAGED_FROM}
"""
PENDING_IN_WINDOW = """
SELECT c.id, c.text FROM comments c
WHERE c.id > ? AND c.id <= ?
  AND NOT EXISTS (SELECT 1 FROM comment_vectors v WHERE v.comment_id = c.id AND v.model = ?)
ORDER BY c.id LIMIT ?
"""
COUNT_PENDING = f"""
SELECT count(*) FROM comments c
WHERE c.id < {STAGED_FROM} AND NOT EXISTS (SELECT 1 FROM comment_vectors v WHERE v.comment_id = c.id AND v.model = ?)
"""
INSERT_VECTOR = """
INSERT INTO comment_vectors (comment_id, model, archive_id, vector)
SELECT id, ?, archive_id, ? FROM comments WHERE id = ?
ON CONFLICT (comment_id, model) DO NOTHING
"""
SELECT_VECTORS = "SELECT comment_id, vector FROM comment_vectors WHERE model = ? AND comment_id IN ({ids})"
ARCHIVE_STATE = """
SELECT count(*), coalesce(max(comment_id), 0) FROM comment_vectors WHERE model = ? AND archive_id = ?
"""
ARCHIVE_VECTORS_AFTER = """
SELECT comment_id, vector FROM comment_vectors WHERE model = ? AND archive_id = ? AND comment_id > ?
ORDER BY comment_id
"""
COUNT_ARCHIVE_VECTORS = "SELECT count(*) FROM comment_vectors WHERE model = ? AND archive_id = ?"
# Sentence-window vectors (storage/migrations/m0013_window_vectors.py): one row of all a comment's windows.
PENDING_WINDOWS = """
SELECT c.id, c.text FROM comments c
WHERE c.id > ? AND c.id <= ?
  AND NOT EXISTS (SELECT 1 FROM window_vectors w WHERE w.comment_id = c.id AND w.model = ?)
ORDER BY c.id LIMIT ?
"""
INSERT_WINDOWS = """
INSERT INTO window_vectors (comment_id, model, windows, vectors)
SELECT id, ?, ?, ? FROM comments WHERE id = ?
ON CONFLICT (comment_id, model) DO NOTHING
"""
SELECT_WINDOWS = "SELECT comment_id, windows, vectors FROM window_vectors WHERE model = ? AND comment_id IN ({ids})"


@dataclass(frozen=True, slots=True)
class CorpusState:
    """Highest comment id and number of comments: when neither changed, nothing new can need a vector."""

    max_id: int
    comments: int


@dataclass(frozen=True, slots=True)
class ArchiveVectorState:
    count: int
    max_id: int


@dataclass(frozen=True, slots=True)
class VectorRows:
    """Comment ids (ascending) and their vectors, one float16 row each."""

    ids: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float16]


def to_blob(vector: npt.ArrayLike) -> bytes:
    return np.asarray(vector, dtype=VECTOR_DTYPE).tobytes()


def from_blobs(blobs: Sequence[bytes]) -> npt.NDArray[np.float16]:
    """Blobs of equal length as a matrix, one row each (0 x 0 when there are none)."""
    if not blobs:
        return np.zeros((0, 0), dtype=VECTOR_DTYPE)
    dim = len(blobs[0]) // VECTOR_DTYPE.itemsize
    return np.frombuffer(b"".join(blobs), dtype=VECTOR_DTYPE).reshape(len(blobs), dim)


async def scan_pending(
    db: SqlDatabase, sql: str, model: str, after_id: int, up_to: int, limit: int
) -> tuple[list[tuple[int, str]], int]:
    """Up to `limit` (id, text) rows of `sql` (a pending query over an id range, for `model`) with id in
    (after_id, up_to], and the id scanned up to; `SCAN_WINDOW` ids per query, so a mostly-done archive is walked
    in cheap steps."""
    cursor = after_id
    while cursor < up_to:
        window_end = min(cursor + SCAN_WINDOW, up_to)
        rows = await db.fetchall(sql, (cursor, window_end, model, limit))
        if rows:
            found = [(int(r[0]), str(r[1])) for r in rows]
            return found, found[-1][0] if len(found) == limit else window_end
        cursor = window_end
    return [], max(cursor, after_id)


def _placeholders(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class _ModelVectors:
    """Vectors one model made, on one database: what the indexer walks (bot/retrieval/indexer.py)."""

    kind = "vectors"

    def __init__(self, db: SqlDatabase, model: str) -> None:
        self.db = db
        self.model = model

    def claim(self, block: int) -> AbstractAsyncContextManager[bool]:
        """Hold one block of comment ids for this model's indexing while a batch of it is embedded and stored
        (storage/work_claims.py): False when another process is embedding in it now."""
        return claim_work(self.db, f"{self.kind}:{self.model}:{block}")

    async def corpus_state(self) -> CorpusState:
        row = await self.db.fetchone(CORPUS_STATE)
        return CorpusState(int(row[0]), int(row[1])) if row else CorpusState(0, 0)


class EmbeddingStore(_ModelVectors):
    """Vectors of one embedding model (`model` is its identity, e.g. file name and content hash)."""

    @property
    def ids_reused(self) -> bool:
        """Whether a deleted comment's id can be given to a later comment: on SQLite (`max(id) + 1`, no
        AUTOINCREMENT), so the same vector count and highest id do not prove the same vectors; never on
        PostgreSQL (an identity column)."""
        return self.db.dialect != "postgresql"

    async def pending(self, after_id: int, up_to: int, limit: int) -> tuple[list[tuple[int, str]], int]:
        """Up to `limit` comments with id in (after_id, up_to] and no vector yet, and the id scanned up to.

        Looks at `SCAN_WINDOW` ids per query, so a mostly-embedded archive is walked in cheap steps."""
        return await scan_pending(self.db, PENDING_IN_WINDOW, self.model, after_id, up_to, limit)

    async def count_pending(self) -> int:
        row = await self.db.fetchone(COUNT_PENDING, (self.model,))
        return int(row[0]) if row else 0

    async def save(self, comment_ids: Sequence[int], vectors: npt.ArrayLike) -> None:
        """Store one batch in one short transaction; rows another process stored first are left as they are."""
        matrix = np.asarray(vectors)
        if matrix.ndim != 2 or matrix.shape[0] != len(comment_ids):
            raise ValueError(
                f"expected one vector per comment ({len(comment_ids)}), got shape {matrix.shape}"
            )
        params = [(self.model, to_blob(row), cid) for cid, row in zip(comment_ids, matrix, strict=True)]
        if not params:
            return
        async with self.db.transaction() as conn:
            await conn.executemany(INSERT_VECTOR, params)

    async def vectors(self, comment_ids: Sequence[int]) -> dict[int, npt.NDArray[np.float16]]:
        """The stored vectors of these comments (missing ones are absent)."""
        found: dict[int, npt.NDArray[np.float16]] = {}
        for start in range(0, len(comment_ids), 500):
            chunk = list(comment_ids[start : start + 500])
            rows = await self.db.fetchall(
                SELECT_VECTORS.format(ids=_placeholders(chunk)), [self.model, *chunk]
            )
            for row in rows:
                found[int(row[0])] = np.frombuffer(row[1], dtype=VECTOR_DTYPE)
        return found

    async def archive_state(self, archive_id: int) -> ArchiveVectorState:
        row = await self.db.fetchone(ARCHIVE_STATE, (self.model, archive_id))
        return ArchiveVectorState(int(row[0]), int(row[1])) if row else ArchiveVectorState(0, 0)

    async def archive_vectors(self, archive_id: int, after_id: int = 0) -> VectorRows:
        """The archive's vectors with comment id above `after_id`, in id order."""
        rows = await self.db.fetchall(ARCHIVE_VECTORS_AFTER, (self.model, archive_id, after_id))
        ids = np.fromiter((int(r[0]) for r in rows), dtype=np.int64, count=len(rows))
        return VectorRows(ids=ids, vectors=from_blobs([bytes(r[1]) for r in rows]))

    async def count_archive(self, archive_id: int) -> int:
        row = await self.db.fetchone(COUNT_ARCHIVE_VECTORS, (self.model, archive_id))
        return int(row[0]) if row else 0




class WindowVectorStore(_ModelVectors):
    """Window vectors of one window model (`model`: the embedder's identity and the windowing's)."""

    kind = "windows"

    async def pending(self, after_id: int, up_to: int, limit: int) -> tuple[list[tuple[int, str]], int]:
        """Up to `limit` comments with id in (after_id, up_to] and no window row yet, and the id scanned up to."""
        return await scan_pending(self.db, PENDING_WINDOWS, self.model, after_id, up_to, limit)

    async def save(self, comment_ids: Sequence[int], matrices: Sequence[npt.ArrayLike]) -> None:
        """Store one batch (a matrix of window rows per comment, possibly empty) in one short transaction."""
        if len(comment_ids) != len(matrices):
            raise ValueError(f"expected one matrix per comment ({len(comment_ids)}), got {len(matrices)}")
        params = []
        for cid, matrix in zip(comment_ids, matrices, strict=True):
            rows = np.asarray(matrix, dtype=VECTOR_DTYPE)
            params.append((self.model, int(rows.shape[0]) if rows.size else 0, rows.tobytes(), cid))
        if params:
            async with self.db.transaction() as conn:
                await conn.executemany(INSERT_WINDOWS, params)

    async def vectors(self, comment_ids: Sequence[int]) -> dict[int, npt.NDArray[np.float16]]:
        """The stored window rows of these comments (windows x dim; comments without a row are absent)."""
        found: dict[int, npt.NDArray[np.float16]] = {}
        for start in range(0, len(comment_ids), 500):
            chunk = list(comment_ids[start : start + 500])
            sql = SELECT_WINDOWS.format(ids=",".join("?" * len(chunk)))
            for row in await self.db.fetchall(sql, [self.model, *chunk]):
                count = int(row[1])
                flat = np.frombuffer(row[2], dtype=VECTOR_DTYPE)
                found[int(row[0])] = flat.reshape(count, -1) if count else flat.reshape(0, 0)
        return found


class VectorStores:
    """Every model's vectors on one database: `for_model(key)` is that embedder's store, `windows_for(key)` the
    store of sentence-window vectors made by one embedder and windowing."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def for_model(self, model: str) -> EmbeddingStore:
        return EmbeddingStore(self.db, model)

    def windows_for(self, model: str) -> WindowVectorStore:
        return WindowVectorStore(self.db, model)
