"""All SQL of the prompt pool (bot/prompts/mining.py): the disagreements mined per archive and the items
moderators dropped, as named statements.

A pool is written whole, in one transaction (its items replaced, its state row upserted), and is keyed by the
archive's revision at the start of mining: a pool whose revision is not the archive's is stale, and the miner
rebuilds it. Items go with their comments (ON DELETE CASCADE), pools with their archives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from storage.interface import ArchiveInfo, StoredComment
from storage.sql import Row, SqlDatabase
from storage.visibility import HIDDEN_ARCHIVES, STAGED_FROM
from storage.work_claims import claim_work

SELECT_POOL = """
SELECT archive_id, revision, identity, mined_at, seconds, comments_read, claims_weighed, complete
FROM prompt_pools WHERE archive_id = ?
"""
UPSERT_POOL = """
INSERT INTO prompt_pools (archive_id, revision, identity, mined_at, seconds, comments_read, claims_weighed, complete)
SELECT id, ?, ?, ?, ?, ?, ?, ? FROM archives WHERE id = ?
ON CONFLICT (archive_id) DO UPDATE SET
    revision = excluded.revision, identity = excluded.identity, mined_at = excluded.mined_at,
    seconds = excluded.seconds, comments_read = excluded.comments_read, claims_weighed = excluded.claims_weighed,
    complete = excluded.complete
"""
DELETE_ITEMS = "DELETE FROM prompt_pool_items WHERE archive_id = ?"
INSERT_ITEM = """
INSERT INTO prompt_pool_items (archive_id, prompt_key, rank, source, comment_id, claim, score, rough, agree_id,
                               disagree_id, judged_json)
SELECT ?, ?, ?, ?, id, ?, ?, ?, ?, ?, ? FROM comments WHERE id = ?
ON CONFLICT (archive_id, prompt_key) DO NOTHING
"""
ITEM_COLUMNS = """
id, archive_id, prompt_key, rank, source, comment_id, claim, score, rough, agree_id, disagree_id, judged_json
"""
SELECT_ITEMS = f"SELECT {ITEM_COLUMNS} FROM prompt_pool_items WHERE archive_id = ? ORDER BY rank, id"
SELECT_ITEM = f"SELECT {ITEM_COLUMNS} FROM prompt_pool_items WHERE id = ?"
SELECT_ARCHIVE_STATES = f"""
SELECT a.id, a.space_key, a.name, a.title, a.created_at, a.comment_count, a.revision,
       p.revision AS pool_revision, p.identity AS pool_identity
FROM archives a LEFT JOIN prompt_pools p ON p.archive_id = a.id
WHERE a.id NOT IN {HIDDEN_ARCHIVES} AND (CAST(? AS BIGINT) IS NULL OR a.id = ?)
ORDER BY a.created_at DESC, a.id DESC
"""
INSERT_DROP = """
INSERT INTO prompt_pool_drops (space_key, prompt_key, comment_id, dropped_by, dropped_at)
SELECT ?, ?, id, ?, ? FROM comments WHERE id = ?
ON CONFLICT (space_key, prompt_key) DO NOTHING
"""
SELECT_DROPS = """
SELECT d.prompt_key FROM prompt_pool_drops d JOIN comments c ON c.id = d.comment_id
WHERE d.space_key = ? AND c.archive_id = ?
"""
COMMENT_COLUMNS = "c.id, a.name AS archive, c.source_id, c.text, c.parent_source_id, c.author, c.created_at, c.url"
SELECT_SPREAD = f"""
SELECT {COMMENT_COLUMNS} FROM comments c JOIN archives a ON a.id = c.archive_id
WHERE c.archive_id = ? AND length(c.text) BETWEEN ? AND ? AND c.id % ? = 0 AND c.id < {STAGED_FROM}
ORDER BY c.id LIMIT ?
"""


@dataclass(frozen=True, slots=True)
class Judged:
    """One comment as the stance pipeline read it against a pooled claim."""

    comment_id: int
    label: str
    confidence: float
    relevance: float


@dataclass(frozen=True, slots=True)
class PoolItem:
    """One mined disagreement: a verbatim claim sentence of comment `comment_id`, the comments read against it,
    and the quotes chosen for each side (None: the side has none). `id` is None until stored."""

    key: str
    rank: int
    source: str  # mined, reply (a reply judged to push back on its parent), discussed (much replied) or quote
    comment_id: int
    claim: str
    score: float
    rough: bool
    agree_id: int | None
    disagree_id: int | None
    judged: tuple[Judged, ...]
    id: int | None = None
    archive_id: int | None = None


@dataclass(frozen=True, slots=True)
class PoolState:
    """What a stored pool was mined from: the archive's revision and the engine's identity at the time."""

    archive_id: int
    revision: int
    identity: str
    mined_at: str
    seconds: float
    comments_read: int
    claims_weighed: int
    complete: bool


@dataclass(frozen=True, slots=True)
class ArchiveMining:
    """An archive as the miner sees it: its current revision and its pool's (None: never mined)."""

    archive: ArchiveInfo
    revision: int
    pool_revision: int | None
    pool_identity: str | None


def _judged_json(judged: Sequence[Judged]) -> str:
    return json.dumps([[j.comment_id, j.label, round(j.confidence, 4), round(j.relevance, 4)] for j in judged])


def _item(row: Row) -> PoolItem:
    judged = tuple(Judged(int(c), str(label), float(conf), float(rel)) for c, label, conf, rel in json.loads(row["judged_json"]))
    return PoolItem(
        id=int(row["id"]),
        archive_id=int(row["archive_id"]),
        key=row["prompt_key"],
        rank=int(row["rank"]),
        source=row["source"],
        comment_id=int(row["comment_id"]),
        claim=row["claim"],
        score=float(row["score"]),
        rough=bool(row["rough"]),
        agree_id=row["agree_id"],
        disagree_id=row["disagree_id"],
        judged=judged,
    )


def _state(row: Row) -> PoolState:
    return PoolState(
        archive_id=int(row["archive_id"]),
        revision=int(row["revision"]),
        identity=row["identity"],
        mined_at=row["mined_at"],
        seconds=float(row["seconds"]),
        comments_read=int(row["comments_read"]),
        claims_weighed=int(row["claims_weighed"]),
        complete=bool(row["complete"]),
    )


class PoolStore:
    """Mined prompt pools per archive and the items each space dropped, on one database."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def claim_mining(self, archive_id: int) -> AbstractAsyncContextManager[bool]:
        """Hold the mining of one archive's pool (storage/work_claims.py): False while another process mines
        it, so several processes on one database mine each archive once."""
        return claim_work(self.db, f"mining:{archive_id}")

    async def state(self, archive_id: int) -> PoolState | None:
        row = await self.db.fetchone(SELECT_POOL, (archive_id,))
        return _state(row) if row else None

    async def items(self, archive_id: int) -> list[PoolItem]:
        """The archive's pooled disagreements, best first."""
        return [_item(row) for row in await self.db.fetchall(SELECT_ITEMS, (archive_id,))]

    async def item(self, item_id: int) -> PoolItem | None:
        row = await self.db.fetchone(SELECT_ITEM, (item_id,))
        return _item(row) if row else None

    async def replace(self, state: PoolState, items: Sequence[PoolItem]) -> None:
        """The archive's new pool, whole, in one transaction (nothing if the archive was deleted meanwhile)."""
        pool = (
            state.revision,
            state.identity,
            state.mined_at,
            state.seconds,
            state.comments_read,
            state.claims_weighed,
            int(state.complete),
            state.archive_id,
        )
        rows = [
            (
                state.archive_id,
                item.key,
                item.rank,
                item.source,
                item.claim,
                item.score,
                int(item.rough),
                item.agree_id,
                item.disagree_id,
                _judged_json(item.judged),
                item.comment_id,
            )
            for item in items
        ]
        async with self.db.transaction() as conn:
            await conn.execute(DELETE_ITEMS, (state.archive_id,))
            await conn.executemany(INSERT_ITEM, rows)
            await conn.execute(UPSERT_POOL, pool)

    async def archives(self, archive_id: int | None = None) -> list[ArchiveMining]:
        """Every visible archive of every space (or only `archive_id`), newest first, with its pool's revision
        and identity."""
        rows = await self.db.fetchall(SELECT_ARCHIVE_STATES, (archive_id, archive_id))
        return [
            ArchiveMining(
                archive=ArchiveInfo(
                    id=int(row["id"]),
                    space_key=row["space_key"],
                    name=row["name"],
                    title=row["title"],
                    comment_count=int(row["comment_count"]),
                    created_at=row["created_at"],
                ),
                revision=int(row["revision"]),
                pool_revision=None if row["pool_revision"] is None else int(row["pool_revision"]),
                pool_identity=row["pool_identity"],
            )
            for row in rows
        ]

    async def drop(self, space_key: str, key: str, comment_id: int, by: str, at: str) -> bool:
        """Leave this item out of the space's prompts from now on; False if it was dropped already."""
        params = (space_key, key, by, at, comment_id)
        async with self.db.transaction() as conn, conn.execute(INSERT_DROP, params) as cursor:
            return bool(cursor.rowcount > 0)

    async def dropped(self, space_key: str, archive_id: int) -> set[str]:
        """Keys of this archive's items the space dropped (they stay dropped when the pool is rebuilt)."""
        return {str(row[0]) for row in await self.db.fetchall(SELECT_DROPS, (space_key, archive_id))}

    async def spread(
        self, archive_id: int, min_chars: int, max_chars: int, stride: int, limit: int
    ) -> list[StoredComment]:
        """Comments of a readable length spread over the archive (every `stride`-th id), in id order: where
        mining a big archive starts."""
        rows = await self.db.fetchall(SELECT_SPREAD, (archive_id, min_chars, max_chars, max(1, stride), limit))
        return [
            StoredComment(
                id=int(row["id"]),
                archive=row["archive"],
                source_id=row["source_id"],
                text=row["text"],
                parent_source_id=row["parent_source_id"],
                author=row["author"],
                created_at=row["created_at"],
                url=row["url"],
            )
            for row in rows
        ]
