"""All SQL of followed threads (`archive follow`, bot/features/links), as named statements.

A follow is scoped by space; a run claims it with one conditional UPDATE (a lease with a token only that run
knows), so however many ticks, tasks or processes look at a due follow, one of them runs it, and only that one
can record how it went.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.sql import Row, SqlDatabase

FOLLOW_COLUMNS = """
id, space_key, channel, place_json, url, origin, archive_name, every_seconds, next_run_at, running_since,
running_by, last_run_at, last_result, failures, created_by, created_at
"""
UPSERT_FOLLOW = f"""
INSERT INTO link_follows (space_key, channel, place_json, url, origin, archive_name, every_seconds, next_run_at,
                          created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (space_key, origin, archive_name) DO UPDATE SET
    channel = excluded.channel, place_json = excluded.place_json, url = excluded.url,
    every_seconds = excluded.every_seconds, next_run_at = excluded.next_run_at, created_by = excluded.created_by
RETURNING {FOLLOW_COLUMNS}
"""
SELECT_SPACE_FOLLOWS = f"SELECT {FOLLOW_COLUMNS} FROM link_follows WHERE space_key = ? ORDER BY id"
SELECT_DUE_FOLLOWS = f"""
SELECT {FOLLOW_COLUMNS} FROM link_follows
WHERE next_run_at <= ? AND (running_since IS NULL OR running_since < ?) ORDER BY next_run_at, id
"""
CLAIM_FOLLOW = """
UPDATE link_follows SET running_since = ?, running_by = ?
WHERE id = ? AND next_run_at <= ? AND (running_since IS NULL OR running_since < ?)
"""
FINISH_FOLLOW = """
UPDATE link_follows SET running_since = NULL, running_by = NULL, last_run_at = ?, last_result = ?, failures = ?,
    next_run_at = ?
WHERE id = ? AND running_by = ?
"""
RELEASE_FOLLOW = "UPDATE link_follows SET running_since = NULL, running_by = NULL WHERE id = ? AND running_by = ?"
DELETE_FOLLOW = "DELETE FROM link_follows WHERE space_key = ? AND id = ?"


@dataclass(frozen=True, slots=True)
class NewFollow:
    space_key: str
    channel: str
    place_json: str
    url: str
    origin: str
    archive_name: str
    every_seconds: int
    next_run_at: str
    created_by: str
    created_at: str


@dataclass(frozen=True, slots=True)
class FollowRecord:
    id: int
    space_key: str
    channel: str
    place_json: str
    url: str
    origin: str
    archive_name: str
    every_seconds: int
    next_run_at: str
    running_since: str | None
    running_by: str | None
    last_run_at: str | None
    last_result: str | None
    failures: int
    created_by: str
    created_at: str


def _follow(row: Row) -> FollowRecord:
    return FollowRecord(*(row[i] for i in range(16)))


class FollowStore:
    """Followed threads on one database."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    async def follow(self, new: NewFollow) -> FollowRecord:
        """Start following (or change how often and where from): one row per space, thread and archive."""
        params = (new.space_key, new.channel, new.place_json, new.url, new.origin, new.archive_name,
                  new.every_seconds, new.next_run_at, new.created_by, new.created_at)  # fmt: skip
        async with self.db.transaction() as conn, conn.execute(UPSERT_FOLLOW, params) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return _follow(row)

    async def in_space(self, space_key: str) -> list[FollowRecord]:
        return [_follow(row) for row in await self.db.fetchall(SELECT_SPACE_FOLLOWS, (space_key,))]

    async def due(self, now: str, lease_from: str) -> list[FollowRecord]:
        """Follows whose time has come and that no live run holds (a lease older than `lease_from` is dead)."""
        return [_follow(row) for row in await self.db.fetchall(SELECT_DUE_FOLLOWS, (now, lease_from))]

    async def claim(self, follow_id: int, now: str, token: str, lease_from: str) -> bool:
        """Take the follow for one run; False when another run got it first."""
        params = (now, token, follow_id, now, lease_from)
        async with self.db.transaction() as conn, conn.execute(CLAIM_FOLLOW, params) as cursor:
            return int(cursor.rowcount) == 1

    async def finish(
        self, follow_id: int, token: str, *, at: str, result: str, failures: int, next_run_at: str
    ) -> bool:
        """Record a run and when the next is due; False when the lease was no longer this run's."""
        params = (at, result[:500], failures, next_run_at, follow_id, token)
        async with self.db.transaction() as conn, conn.execute(FINISH_FOLLOW, params) as cursor:
            return int(cursor.rowcount) == 1

    async def release(self, follow_id: int, token: str) -> None:
        """Give a claimed follow back without running it (it runs on a later tick)."""
        async with self.db.transaction() as conn:
            await conn.execute(RELEASE_FOLLOW, (follow_id, token))

    async def unfollow(self, space_key: str, follow_id: int) -> bool:
        async with self.db.transaction() as conn, conn.execute(DELETE_FOLLOW, (space_key, follow_id)) as cursor:
            return int(cursor.rowcount) > 0
