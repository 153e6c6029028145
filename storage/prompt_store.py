"""All SQL of daily discussion prompts (bot/prompts), as named statements.

Written against the one `SqlDatabase` protocol (storage/sql.py), so the prompt feature's type hints name no
SQLite class. Every row is scoped by space key and channel; one logical write is
one transaction. The row `UNIQUE (schedule_id, local_date)` in `prompt_posts` is what makes a scheduled prompt
post at most once a day, however many processes tick and whenever one of them dies. On PostgreSQL a process
also holds the schedule's row (`FOR UPDATE SKIP LOCKED`, `hold`) while it decides and claims the day, so
processes ticking at once share the due schedules out instead of all choosing a prompt for each.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from storage.interface import StoredComment
from storage.sql import Connection, Row, SqlDatabase
from storage.visibility import STAGED_FROM

SCHEDULE_COLUMNS = """
id, space_key, channel, place_json, cron, description, timezone, archive_name, notify_role, open_thread,
paused, paused_reason, active_from, created_by, created_at
"""
UPSERT_SCHEDULE = """
INSERT INTO prompt_schedules (space_key, channel, place_json, cron, description, timezone, archive_name,
                              notify_role, open_thread, paused, paused_reason, active_from, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)
ON CONFLICT (space_key, channel) DO UPDATE SET
    place_json = excluded.place_json, cron = excluded.cron, description = excluded.description,
    timezone = excluded.timezone, archive_name = excluded.archive_name, notify_role = excluded.notify_role,
    open_thread = excluded.open_thread, paused = 0, paused_reason = NULL, active_from = excluded.active_from,
    created_by = excluded.created_by
RETURNING id
"""
SELECT_SCHEDULE = f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE space_key = ? AND channel = ?"
SELECT_SPACE_SCHEDULES = (
    f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE space_key = ? ORDER BY channel"
)
SELECT_RUNNING_SCHEDULES = f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE paused = 0 ORDER BY id"
SET_PAUSED = """
UPDATE prompt_schedules SET paused = ?, paused_reason = ?, active_from = coalesce(?, active_from)
WHERE id = ?
"""
DELETE_SCHEDULE = "DELETE FROM prompt_schedules WHERE space_key = ? AND channel = ?"
HOLD_SCHEDULE = "SELECT id FROM prompt_schedules WHERE id = ? AND paused = 0 FOR UPDATE SKIP LOCKED"
"""PostgreSQL only: the running schedule's row, locked until the transaction ends, or nothing when another
process holds it (or it was paused meanwhile)."""

POST_COLUMNS = """
id, schedule_id, local_date, due_at, state, prompt_key, claimed_by, claimed_at, finished_at, message_id,
thread, detail, sending_at
"""
CLAIM_POST = """
INSERT INTO prompt_posts (schedule_id, local_date, due_at, state, prompt_key, claimed_by, claimed_at, finished_at,
                          detail)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (schedule_id, local_date) DO NOTHING
RETURNING id
"""
FINISH_POST = """
UPDATE prompt_posts SET state = ?, finished_at = ?, message_id = ?, thread = ?, detail = ?
WHERE id = ? AND state = 'intent'
"""
MARK_SENDING = """
UPDATE prompt_posts SET sending_at = ? WHERE id = ? AND state = 'intent' AND sending_at IS NULL
"""
RELEASE_POST = "DELETE FROM prompt_posts WHERE id = ? AND state = 'intent' AND sending_at IS NULL"
SELECT_POST = f"SELECT {POST_COLUMNS} FROM prompt_posts WHERE schedule_id = ? AND local_date = ?"
SELECT_POSTS_FROM = f"""
SELECT {POST_COLUMNS} FROM prompt_posts WHERE schedule_id = ? AND local_date >= ? ORDER BY local_date
"""
SELECT_STALE_INTENTS = f"""
SELECT {POST_COLUMNS} FROM prompt_posts WHERE state = 'intent' AND claimed_at < ? ORDER BY id
"""
SELECT_RECENT_POSTS = f"""
SELECT {POST_COLUMNS} FROM prompt_posts WHERE schedule_id = ? ORDER BY local_date DESC LIMIT ?
"""
DELETE_SKIPS_FROM = "DELETE FROM prompt_posts WHERE schedule_id = ? AND state = 'skipped' AND local_date >= ?"

SELECT_USED_KEYS = "SELECT prompt_key FROM prompt_history WHERE space_key = ? AND channel = ?"
SELECT_LAST_KIND = """
SELECT kind FROM prompt_history WHERE space_key = ? AND channel = ? ORDER BY shown_at DESC, rowid DESC LIMIT 1
"""
UPSERT_HISTORY = """
INSERT INTO prompt_history (space_key, channel, prompt_key, kind, shown_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (space_key, channel, prompt_key) DO UPDATE SET kind = excluded.kind, shown_at = excluded.shown_at
"""
DELETE_HISTORY = "DELETE FROM prompt_history WHERE space_key = ? AND channel = ?"

INSERT_SUGGESTION = """
INSERT INTO prompt_suggestions (space_key, channel, text, author_id, author_name, suggested_at)
VALUES (?, ?, ?, ?, ?, ?)
RETURNING id
"""
SUGGESTION_COLUMNS = "id, space_key, channel, text, author_id, author_name, state, suggested_at, decided_at"
SELECT_SUGGESTIONS = f"""
SELECT {SUGGESTION_COLUMNS} FROM prompt_suggestions
WHERE space_key = ? AND channel = ? AND state = ? ORDER BY coalesce(decided_at, suggested_at), id
"""
SELECT_SUGGESTION = (
    f"SELECT {SUGGESTION_COLUMNS} FROM prompt_suggestions WHERE space_key = ? AND channel = ? AND id = ?"
)
COUNT_PENDING_BY = """
SELECT count(*) FROM prompt_suggestions WHERE space_key = ? AND channel = ? AND author_id = ? AND state = 'pending'
"""
SELECT_SAME_SUGGESTION = """
SELECT id FROM prompt_suggestions
WHERE space_key = ? AND channel = ? AND lower(text) = lower(?) AND state != 'rejected' LIMIT 1
"""
DECIDE_SUGGESTION = """
UPDATE prompt_suggestions SET state = ?, decided_by = ?, decided_at = ?
WHERE space_key = ? AND channel = ? AND id = ? AND state = 'pending'
"""

PARENT_COLUMNS = (
    "p.id, a.name AS archive, p.source_id, p.text, p.parent_source_id, p.author, p.created_at, p.url"
)
REPLY_COLUMNS = """
r.id AS r_id, a.name AS r_archive, r.source_id AS r_source_id, r.text AS r_text, r.parent_source_id AS r_parent,
r.author AS r_author, r.created_at AS r_created_at, r.url AS r_url
"""
REPLY_PAIRS_MATCHING = f"""
SELECT {PARENT_COLUMNS}, {REPLY_COLUMNS}
FROM comments_fts f
JOIN comments r ON r.id = f.rowid
JOIN comments p ON p.archive_id = r.archive_id AND p.source_id = r.parent_source_id
JOIN archives a ON a.id = r.archive_id
WHERE comments_fts MATCH ? AND r.archive_id = ? AND r.id < {STAGED_FROM}
LIMIT ?
"""
REPLY_PAIRS = f"""
SELECT {PARENT_COLUMNS}, {REPLY_COLUMNS}
FROM comments r
JOIN comments p ON p.archive_id = r.archive_id AND p.source_id = r.parent_source_id
JOIN archives a ON a.id = r.archive_id
WHERE r.archive_id = ? AND r.parent_source_id IS NOT NULL AND r.id < {STAGED_FROM}
ORDER BY r.id DESC
LIMIT ?
"""
MOST_REPLIED = f"""
SELECT {PARENT_COLUMNS}, counted.replies
FROM (
    SELECT parent_source_id, count(*) AS replies FROM comments
    WHERE archive_id = ? AND parent_source_id IS NOT NULL AND id < {STAGED_FROM}
    GROUP BY parent_source_id HAVING count(*) >= ?
    ORDER BY replies DESC LIMIT ?
) counted
JOIN comments p ON p.archive_id = ? AND p.source_id = counted.parent_source_id
JOIN archives a ON a.id = p.archive_id
"""
HAS_REPLIES = f"""
SELECT 1 FROM comments WHERE archive_id = ? AND parent_source_id IS NOT NULL AND id < {STAGED_FROM} LIMIT 1
"""
NOTABLE = f"""
SELECT {PARENT_COLUMNS} FROM comments p JOIN archives a ON a.id = p.archive_id
WHERE p.archive_id = ? AND length(p.text) BETWEEN ? AND ? AND p.id < {STAGED_FROM}
ORDER BY p.id LIMIT ?
"""


@dataclass(frozen=True, slots=True)
class ScheduleRecord:
    id: int
    space_key: str
    channel: str
    place_json: str
    cron: str
    description: str
    timezone: str
    archive_name: str | None
    notify_role: str | None
    open_thread: bool
    paused: bool
    paused_reason: str | None
    active_from: str
    created_by: str
    created_at: str


@dataclass(frozen=True, slots=True)
class NewSchedule:
    space_key: str
    channel: str
    place_json: str
    cron: str
    description: str
    timezone: str
    archive_name: str | None
    notify_role: str | None
    open_thread: bool
    active_from: str
    created_by: str
    created_at: str


@dataclass(frozen=True, slots=True)
class PostRecord:
    id: int
    schedule_id: int
    local_date: str
    due_at: str
    state: str
    prompt_key: str | None
    claimed_by: str
    claimed_at: str
    finished_at: str | None
    message_id: str | None
    thread: str | None
    detail: str | None
    sending_at: str | None = None
    """When the prompt was handed to the platform; None: it never was, so nothing can have been posted."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A row to insert for one schedule and local day: an intent to post, or a final skipped/missed/failed."""

    schedule_id: int
    local_date: str
    due_at: str
    state: str
    claimed_by: str
    at: str
    prompt_key: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A prompt shown in a channel; `restart` forgets the channel's earlier prompts first (pool exhausted)."""

    space_key: str
    channel: str
    key: str
    kind: str
    at: str
    restart: bool = False


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    id: int
    space_key: str
    channel: str
    text: str
    author_id: str
    author_name: str
    state: str
    suggested_at: str
    decided_at: str | None


@dataclass(frozen=True, slots=True)
class ReplyPair:
    """A comment and a direct reply to it, from the same archive."""

    parent: StoredComment
    reply: StoredComment


def _schedule(row: Row) -> ScheduleRecord:
    return ScheduleRecord(
        id=int(row["id"]),
        space_key=row["space_key"],
        channel=row["channel"],
        place_json=row["place_json"],
        cron=row["cron"],
        description=row["description"],
        timezone=row["timezone"],
        archive_name=row["archive_name"],
        notify_role=row["notify_role"],
        open_thread=bool(row["open_thread"]),
        paused=bool(row["paused"]),
        paused_reason=row["paused_reason"],
        active_from=row["active_from"],
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


def _post(row: Row) -> PostRecord:
    return PostRecord(
        id=int(row["id"]),
        schedule_id=int(row["schedule_id"]),
        local_date=row["local_date"],
        due_at=row["due_at"],
        state=row["state"],
        prompt_key=row["prompt_key"],
        claimed_by=row["claimed_by"],
        claimed_at=row["claimed_at"],
        finished_at=row["finished_at"],
        message_id=row["message_id"],
        thread=row["thread"],
        detail=row["detail"],
        sending_at=row["sending_at"],
    )


def _suggestion(row: Row) -> SuggestionRecord:
    return SuggestionRecord(
        id=int(row["id"]),
        space_key=row["space_key"],
        channel=row["channel"],
        text=row["text"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        state=row["state"],
        suggested_at=row["suggested_at"],
        decided_at=row["decided_at"],
    )


def _comment(row: Row, prefix: str = "") -> StoredComment:
    def field(name: str) -> Any:
        return row[f"{prefix}{name}"]

    return StoredComment(
        id=int(row["r_id" if prefix else "id"]),
        archive=field("archive"),
        source_id=field("source_id"),
        text=field("text"),
        parent_source_id=row["r_parent" if prefix else "parent_source_id"],
        author=field("author"),
        created_at=field("created_at"),
        url=field("url"),
    )


class ScheduleHold:
    """A schedule this process holds (`PromptStore.hold`): claims of its day go through here."""

    def __init__(self, store: PromptStore, conn: Connection | None) -> None:
        self._store = store
        self._conn = conn

    async def claim(self, claim: Claim, shown: HistoryEntry | None = None) -> int | None:
        """As `PromptStore.claim`; on PostgreSQL written in the hold's transaction (committed when it ends)."""
        if self._conn is None:
            return await self._store.claim(claim, shown)
        return await self._store._claim(self._conn, claim, shown)


class PromptStore:
    """Schedules, the per-day post guard, channel history and suggestions, on one database."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    # schedules
    async def save_schedule(self, new: NewSchedule) -> int:
        """Create this channel's schedule or replace its rule in place (same id: today's post still counts)."""
        params = (
            new.space_key,
            new.channel,
            new.place_json,
            new.cron,
            new.description,
            new.timezone,
            new.archive_name,
            new.notify_role,
            int(new.open_thread),
            new.active_from,
            new.created_by,
            new.created_at,
        )
        async with self.db.transaction() as conn, conn.execute(UPSERT_SCHEDULE, params) as cursor:
            row = await cursor.fetchone()
        return int(row[0])

    async def schedule(self, space_key: str, channel: str) -> ScheduleRecord | None:
        row = await self.db.fetchone(SELECT_SCHEDULE, (space_key, channel))
        return _schedule(row) if row else None

    async def space_schedules(self, space_key: str) -> list[ScheduleRecord]:
        return [_schedule(row) for row in await self.db.fetchall(SELECT_SPACE_SCHEDULES, (space_key,))]

    async def running_schedules(self) -> list[ScheduleRecord]:
        """Every schedule that is not paused, in every space: the scheduler's work list."""
        return [_schedule(row) for row in await self.db.fetchall(SELECT_RUNNING_SCHEDULES)]

    async def set_paused(
        self, schedule_id: int, paused: bool, reason: str | None = None, active_from: str | None = None
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(SET_PAUSED, (int(paused), reason, active_from, schedule_id))

    async def delete_schedule(self, space_key: str, channel: str) -> bool:
        async with (
            self.db.transaction() as conn,
            conn.execute(DELETE_SCHEDULE, (space_key, channel)) as cursor,
        ):
            return bool(cursor.rowcount > 0)

    # the per-day guard
    async def claim(self, claim: Claim, shown: HistoryEntry | None = None) -> int | None:
        """Insert the day's row (and the prompt into the channel's history) in one transaction.

        Returns the row id, or None when the day already has a row: another process, or an earlier run,
        got there first, and nothing is written."""
        async with self.db.transaction() as conn:
            return await self._claim(conn, claim, shown)

    @asynccontextmanager
    async def hold(self, schedule_id: int) -> AsyncIterator[ScheduleHold | None]:
        """This running schedule, held by this process until the block ends (None: another process holds it,
        or it is paused): what it claims through the hold is committed when the block ends.

        On PostgreSQL the hold is the schedule's row locked `FOR UPDATE SKIP LOCKED` in a transaction that takes
        no write lock (so a moderator's change to the schedule waiting for the row never waits on it in turn);
        the claim is written in that transaction. SQLite has no row locks and one writer at a time: the hold
        is only the store, and each claim its own transaction."""
        if self.db.dialect != "postgresql":
            yield ScheduleHold(self, None)
            return
        transaction: Any = self.db.transaction
        async with transaction(exclusive=False) as conn:
            async with conn.execute(HOLD_SCHEDULE, (schedule_id,)) as cursor:
                row = await cursor.fetchone()
            yield ScheduleHold(self, conn) if row is not None else None

    async def _claim(self, conn: Connection, claim: Claim, shown: HistoryEntry | None) -> int | None:
        params = (
            claim.schedule_id,
            claim.local_date,
            claim.due_at,
            claim.state,
            claim.prompt_key,
            claim.claimed_by,
            claim.at,
            None if claim.state == "intent" else claim.at,
            claim.detail,
        )
        async with conn.execute(CLAIM_POST, params) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        if shown is not None:
            await self._record_shown(conn, shown)
        return int(row[0])

    async def finish(
        self,
        post_id: int,
        state: str,
        at: str,
        *,
        message_id: str | None = None,
        thread: str | None = None,
        detail: str | None = None,
    ) -> bool:
        """Move an intent to its final state; False if it was no longer an intent (already reconciled)."""
        params = (state, at, message_id, thread, detail, post_id)
        async with self.db.transaction() as conn, conn.execute(FINISH_POST, params) as cursor:
            return bool(cursor.rowcount > 0)

    async def mark_sending(self, post_id: int, at: str) -> bool:
        """Record that the claimed prompt is being handed to the platform now; False if the claim was released
        meanwhile (then it must not be sent: another run may post it)."""
        async with self.db.transaction() as conn, conn.execute(MARK_SENDING, (at, post_id)) as cursor:
            return bool(cursor.rowcount > 0)

    async def release(self, post_id: int) -> bool:
        """Delete a claim that was never handed to the platform, so the day can be claimed and posted again;
        False if it had been (it is left as it is)."""
        async with self.db.transaction() as conn, conn.execute(RELEASE_POST, (post_id,)) as cursor:
            return bool(cursor.rowcount > 0)

    async def post_for(self, schedule_id: int, local_date: str) -> PostRecord | None:
        row = await self.db.fetchone(SELECT_POST, (schedule_id, local_date))
        return _post(row) if row else None

    async def posts_from(self, schedule_id: int, local_date: str) -> list[PostRecord]:
        """The rows of this day and later (skips, or today's post)."""
        return [_post(row) for row in await self.db.fetchall(SELECT_POSTS_FROM, (schedule_id, local_date))]

    async def recent_posts(self, schedule_id: int, limit: int) -> list[PostRecord]:
        return [_post(row) for row in await self.db.fetchall(SELECT_RECENT_POSTS, (schedule_id, limit))]

    async def stale_intents(self, claimed_before: str) -> list[PostRecord]:
        return [_post(row) for row in await self.db.fetchall(SELECT_STALE_INTENTS, (claimed_before,))]

    async def clear_skips(self, schedule_id: int, from_date: str) -> int:
        async with (
            self.db.transaction() as conn,
            conn.execute(DELETE_SKIPS_FROM, (schedule_id, from_date)) as cursor,
        ):
            return max(int(cursor.rowcount), 0)

    # what each channel has seen
    async def used_keys(self, space_key: str, channel: str) -> set[str]:
        rows = await self.db.fetchall(SELECT_USED_KEYS, (space_key, channel))
        return {str(row[0]) for row in rows}

    async def last_kind(self, space_key: str, channel: str) -> str | None:
        row = await self.db.fetchone(SELECT_LAST_KIND, (space_key, channel))
        return str(row[0]) if row else None

    async def record_shown(self, shown: HistoryEntry) -> None:
        async with self.db.transaction() as conn:
            await self._record_shown(conn, shown)

    @staticmethod
    async def _record_shown(conn: Connection, shown: HistoryEntry) -> None:
        if shown.restart:
            await conn.execute(DELETE_HISTORY, (shown.space_key, shown.channel))
        await conn.execute(UPSERT_HISTORY, (shown.space_key, shown.channel, shown.key, shown.kind, shown.at))

    # members' suggestions
    async def add_suggestion(
        self, space_key: str, channel: str, text: str, author_id: str, author_name: str, at: str
    ) -> int:
        params = (space_key, channel, text, author_id, author_name, at)
        async with self.db.transaction() as conn, conn.execute(INSERT_SUGGESTION, params) as cursor:
            row = await cursor.fetchone()
        return int(row[0])

    async def same_suggestion(self, space_key: str, channel: str, text: str) -> int | None:
        """A pending or approved suggestion with the same words (ignoring case), if any."""
        row = await self.db.fetchone(SELECT_SAME_SUGGESTION, (space_key, channel, text))
        return int(row[0]) if row else None

    async def pending_count(self, space_key: str, channel: str, author_id: str) -> int:
        row = await self.db.fetchone(COUNT_PENDING_BY, (space_key, channel, author_id))
        return int(row[0]) if row else 0

    async def suggestions(self, space_key: str, channel: str, state: str) -> list[SuggestionRecord]:
        rows = await self.db.fetchall(SELECT_SUGGESTIONS, (space_key, channel, state))
        return [_suggestion(row) for row in rows]

    async def suggestion(self, space_key: str, channel: str, suggestion_id: int) -> SuggestionRecord | None:
        row = await self.db.fetchone(SELECT_SUGGESTION, (space_key, channel, suggestion_id))
        return _suggestion(row) if row else None

    async def decide(
        self, space_key: str, channel: str, suggestion_id: int, state: str, by: str, at: str
    ) -> bool:
        """Approve or reject a pending suggestion of this channel; False if there is no such pending one."""
        params = (state, by, at, space_key, channel, suggestion_id)
        async with self.db.transaction() as conn, conn.execute(DECIDE_SUGGESTION, params) as cursor:
            return bool(cursor.rowcount > 0)

    # the archive, read for prompt material
    async def reply_pairs(self, archive_id: int, match: str | None, limit: int) -> list[ReplyPair]:
        """Comments with a direct reply; with `match` (FTS5 syntax), only replies matching it."""
        if match is None:
            rows = await self.db.fetchall(REPLY_PAIRS, (archive_id, limit))
        else:
            rows = await self.db.fetchall(REPLY_PAIRS_MATCHING, (match, archive_id, limit))
        return [ReplyPair(parent=_comment(row), reply=_comment(row, "r_")) for row in rows]

    async def most_replied(
        self, archive_id: int, min_replies: int, limit: int
    ) -> list[tuple[StoredComment, int]]:
        """Comments with at least `min_replies` direct replies, most replied first."""
        rows = await self.db.fetchall(MOST_REPLIED, (archive_id, min_replies, limit, archive_id))
        return [(_comment(row), int(row["replies"])) for row in rows]

    async def has_replies(self, archive_id: int) -> bool:
        return await self.db.fetchone(HAS_REPLIES, (archive_id,)) is not None

    async def notable(
        self, archive_id: int, min_chars: int, max_chars: int, limit: int
    ) -> list[StoredComment]:
        """Comments of a readable length, in archive order: prompt material for archives without replies."""
        rows = await self.db.fetchall(NOTABLE, (archive_id, min_chars, max_chars, limit))
        return [_comment(row) for row in rows]
