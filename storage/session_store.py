"""All SQL of reading-group sessions (bot/sessions), as named statements against the
`SqlDatabase` protocol (storage/sql.py).

Every row is scoped by the space key and channel of the session it belongs to; one logical write is one
transaction. Message *content* is never stored here: only who wrote, how many words, and what replied to what.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from storage.sql import Row, SqlDatabase

INSERT_SESSION = """
INSERT INTO sessions
    (space_key, channel, place_json, topic, claim, archive_name, started_by, started_at, ends_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id
"""
SESSION_COLUMNS = """
id, space_key, channel, place_json, topic, claim, archive_name, started_by, started_at, ends_at, closed_at,
closed_by, recap_json
"""
SELECT_OPEN_SESSION = (
    f"SELECT {SESSION_COLUMNS} FROM sessions WHERE space_key = ? AND channel = ? AND closed_at IS NULL"
)
SELECT_SESSION = f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?"
SELECT_DUE_SESSIONS = f"""
SELECT {SESSION_COLUMNS} FROM sessions WHERE closed_at IS NULL AND ends_at <= ? ORDER BY ends_at
"""
SELECT_CLOSED_SESSIONS = f"""
SELECT {SESSION_COLUMNS} FROM sessions
WHERE space_key = ? AND channel = ? AND closed_at IS NOT NULL
ORDER BY closed_at DESC, id DESC
LIMIT ? OFFSET ?
"""
COUNT_CLOSED_SESSIONS = """
SELECT count(*) FROM sessions WHERE space_key = ? AND channel = ? AND closed_at IS NOT NULL
"""
CLOSE_SESSION = """
UPDATE sessions SET closed_at = ?, closed_by = ?, recap_json = ? WHERE id = ? AND closed_at IS NULL
"""
SET_SESSION_PLACE = "UPDATE sessions SET place_json = ? WHERE id = ?"
DELETE_SESSION_VOTES = "DELETE FROM session_votes WHERE session_id = ?"
DELETE_SESSION_QUEUE = "DELETE FROM session_queue WHERE session_id = ?"
DELETE_SESSION_MESSAGES = "DELETE FROM session_messages WHERE session_id = ?"

JOIN_PARTICIPANT = """
INSERT INTO session_participants (session_id, user_id, display_name, joined_at) VALUES (?, ?, ?, ?)
ON CONFLICT (session_id, user_id) DO UPDATE SET display_name = excluded.display_name
"""
INSERT_MESSAGE = """
INSERT INTO session_messages (session_id, message_id, user_id, display_name, reply_to, url, at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (session_id, message_id) DO NOTHING
"""
COUNT_MESSAGE = """
INSERT INTO session_participants (session_id, user_id, display_name, messages, words, joined_at)
VALUES (?, ?, ?, 1, ?, ?)
ON CONFLICT (session_id, user_id) DO UPDATE SET
    display_name = excluded.display_name,
    messages = session_participants.messages + 1,
    words = session_participants.words + excluded.words
"""
SELECT_PARTICIPANTS = """
SELECT user_id, display_name, messages, words, turns, joined_at FROM session_participants
WHERE session_id = ? ORDER BY words DESC, messages DESC, joined_at
"""
INSERT_EXPECTED = """
INSERT INTO session_expected (session_id, name) VALUES (?, ?) ON CONFLICT (session_id, name) DO NOTHING
"""
SELECT_EXPECTED = "SELECT name FROM session_expected WHERE session_id = ? ORDER BY rowid"

RAISE_HAND = """
INSERT INTO session_queue (session_id, user_id, display_name, raised_at) VALUES (?, ?, ?, ?)
ON CONFLICT (session_id, user_id) DO NOTHING
"""
LOWER_HAND = "DELETE FROM session_queue WHERE session_id = ? AND user_id = ?"
SELECT_QUEUE = """
SELECT q.user_id, q.display_name, q.raised_at,
       coalesce(p.turns, 0) AS turns, coalesce(p.messages, 0) AS messages
FROM session_queue q
LEFT JOIN session_participants p ON p.session_id = q.session_id AND p.user_id = q.user_id
WHERE q.session_id = ?
ORDER BY q.raised_at, q.user_id
"""
ADD_TURN = "UPDATE session_participants SET turns = turns + 1 WHERE session_id = ? AND user_id = ?"

UPSERT_VOTE = """
INSERT INTO session_votes (session_id, user_id, choice, voted_at) VALUES (?, ?, ?, ?)
ON CONFLICT (session_id, user_id) DO UPDATE SET choice = excluded.choice, voted_at = excluded.voted_at
"""
SELECT_VOTE = "SELECT choice FROM session_votes WHERE session_id = ? AND user_id = ?"
SELECT_TALLY = "SELECT choice, count(*) FROM session_votes WHERE session_id = ? GROUP BY choice"

SELECT_MOST_REPLIED = """
SELECT target.message_id, target.display_name, target.url, count(*) AS replies
FROM session_messages reply
JOIN session_messages target
  ON target.session_id = reply.session_id AND target.message_id = reply.reply_to
WHERE reply.session_id = ? AND reply.message_id != target.message_id
GROUP BY target.session_id, target.message_id  -- the key: the other columns follow from it
ORDER BY replies DESC, target.at
LIMIT ?
"""

INSERT_CITATION = """
INSERT INTO session_citations (session_id, comment_id) VALUES (?, ?)
ON CONFLICT (session_id, comment_id) DO NOTHING
"""
SELECT_CITATIONS = "SELECT comment_id FROM session_citations WHERE session_id = ? ORDER BY rowid"
SELECT_SHOWN_BETWEEN = """
SELECT comment_id FROM quote_history
WHERE space_key = ? AND channel = ? AND shown_at >= ? AND shown_at <= ?
ORDER BY shown_at
"""

INSERT_NOTIFY = """
INSERT INTO session_notify (space_key, user_id) VALUES (?, ?) ON CONFLICT (space_key, user_id) DO NOTHING
"""
DELETE_NOTIFY = "DELETE FROM session_notify WHERE space_key = ? AND user_id = ?"
SELECT_NOTIFY = "SELECT 1 FROM session_notify WHERE space_key = ? AND user_id = ?"

SELECT_LABEL_OWNER = """
SELECT user_id FROM group_authors WHERE space_key = ? AND archive_name = ? AND author = ?
"""
INSERT_LABEL = """
INSERT INTO group_authors (space_key, archive_name, author, user_id) VALUES (?, ?, ?, ?)
ON CONFLICT (space_key, archive_name, author) DO NOTHING
"""
SELECT_LABELS_OF_USER = """
SELECT archive_name, author FROM group_authors WHERE space_key = ? AND user_id = ?
ORDER BY archive_name, author
"""
DELETE_LABEL = "DELETE FROM group_authors WHERE space_key = ? AND archive_name = ? AND author = ?"
INSERT_OPTOUT = """
INSERT INTO group_optouts (space_key, user_id, at) VALUES (?, ?, ?)
ON CONFLICT (space_key, user_id) DO UPDATE SET at = excluded.at
"""
DELETE_OPTOUT = "DELETE FROM group_optouts WHERE space_key = ? AND user_id = ?"
SELECT_OPTOUT = "SELECT 1 FROM group_optouts WHERE space_key = ? AND user_id = ?"

READING_COLUMNS = "id, space_key, channel, place_json, title, due_date, added_by, added_at, reminded_at"
INSERT_READING = f"""
INSERT INTO readings (space_key, channel, place_json, title, due_date, added_by, added_at, reminded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
RETURNING {READING_COLUMNS}
"""
SELECT_READINGS = f"""
SELECT {READING_COLUMNS} FROM readings WHERE space_key = ? AND channel = ? AND due_date >= ?
ORDER BY due_date, id
"""
SELECT_READING = f"SELECT {READING_COLUMNS} FROM readings WHERE space_key = ? AND channel = ? AND id = ?"
DELETE_READING = "DELETE FROM readings WHERE space_key = ? AND channel = ? AND id = ?"
SELECT_PENDING_READINGS = f"""
SELECT {READING_COLUMNS} FROM readings WHERE reminded_at IS NULL AND due_date <= ? ORDER BY due_date, id
"""
MARK_REMINDED = "UPDATE readings SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL"


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    space_key: str
    channel: str
    place_json: str
    topic: str
    claim: str | None
    archive_name: str | None
    started_by: str
    started_at: str
    ends_at: str
    closed_at: str | None
    closed_by: str | None
    recap_json: str | None


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    user_id: str
    display_name: str
    messages: int
    words: int
    turns: int
    joined_at: str


@dataclass(frozen=True, slots=True)
class QueueRow:
    user_id: str
    display_name: str
    raised_at: str
    turns: int
    messages: int


@dataclass(frozen=True, slots=True)
class RepliedMessage:
    message_id: str
    display_name: str
    url: str | None
    replies: int


@dataclass(frozen=True, slots=True)
class ReadingRow:
    id: int
    space_key: str
    channel: str
    place_json: str
    title: str
    due_date: str  # YYYY-MM-DD
    added_by: str
    added_at: str
    reminded_at: str | None


def _session(row: Row) -> SessionRow:
    return SessionRow(*row)  # the columns are selected in the field order


def _reading(row: Row) -> ReadingRow:
    return ReadingRow(*row)


class SessionStore:
    """Sessions with their queues, votes and counts, group-archive labels and reading plans."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    # sessions
    async def open_session(
        self,
        *,
        space_key: str,
        channel: str,
        place_json: str,
        topic: str,
        claim: str | None,
        archive_name: str | None,
        started_by: str,
        started_at: str,
        ends_at: str,
        cited: Sequence[int] = (),
    ) -> SessionRow | None:
        """Open a session in the channel with the comments its opening cites, in one transaction (a session
        is never open without them); None if one is already open there."""
        params = (space_key, channel, place_json, topic, claim, archive_name, started_by, started_at, ends_at)
        try:
            async with self.db.transaction() as conn:
                async with conn.execute(INSERT_SESSION, params) as cursor:
                    row = await cursor.fetchone()
                assert row is not None
                await conn.executemany(INSERT_CITATION, [(int(row[0]), cid) for cid in cited])
        except sqlite3.IntegrityError as error:
            if "UNIQUE" not in str(error):
                raise
            return None
        assert row is not None
        return await self.get_session(int(row[0]))

    async def set_place(self, session_id: int, place_json: str) -> None:
        """Where the session's own messages go (the thread opened for it, once posted)."""
        async with self.db.transaction() as conn:
            await conn.execute(SET_SESSION_PLACE, (place_json, session_id))

    async def get_session(self, session_id: int) -> SessionRow | None:
        row = await self.db.fetchone(SELECT_SESSION, (session_id,))
        return _session(row) if row else None

    async def open_in(self, space_key: str, channel: str) -> SessionRow | None:
        row = await self.db.fetchone(SELECT_OPEN_SESSION, (space_key, channel))
        return _session(row) if row else None

    async def due_sessions(self, now: str) -> list[SessionRow]:
        """Open sessions (in every space) whose time is up."""
        return [_session(row) for row in await self.db.fetchall(SELECT_DUE_SESSIONS, (now,))]

    async def close_session(
        self, session_id: int, *, closed_at: str, closed_by: str, recap_json: str
    ) -> bool:
        """Close the session with its recap, dropping individual votes, the queue and message metadata.

        False if it was already closed (by a moderator and the timer at once: only one of them wins)."""
        async with self.db.transaction() as conn:
            async with conn.execute(CLOSE_SESSION, (closed_at, closed_by, recap_json, session_id)) as cursor:
                if cursor.rowcount != 1:
                    return False
            for statement in (DELETE_SESSION_VOTES, DELETE_SESSION_QUEUE, DELETE_SESSION_MESSAGES):
                await conn.execute(statement, (session_id,))
        return True

    async def closed_sessions(
        self, space_key: str, channel: str, limit: int, offset: int = 0
    ) -> list[SessionRow]:
        rows = await self.db.fetchall(SELECT_CLOSED_SESSIONS, (space_key, channel, limit, offset))
        return [_session(row) for row in rows]

    async def count_closed(self, space_key: str, channel: str) -> int:
        row = await self.db.fetchone(COUNT_CLOSED_SESSIONS, (space_key, channel))
        return int(row[0]) if row else 0

    # participation
    async def join(self, session_id: int, user_id: str, display_name: str, at: str) -> None:
        """Make someone a participant (hand, vote) without counting a message."""
        async with self.db.transaction() as conn:
            await conn.execute(JOIN_PARTICIPANT, (session_id, user_id, display_name, at))

    async def count_message(
        self,
        session_id: int,
        *,
        message_id: str,
        user_id: str,
        display_name: str,
        words: int,
        reply_to: str | None,
        url: str | None,
        at: str,
    ) -> bool:
        """Count one message; False (and nothing counted) if this message id was already seen."""
        async with self.db.transaction() as conn:
            params = (session_id, message_id, user_id, display_name, reply_to, url, at)
            async with conn.execute(INSERT_MESSAGE, params) as cursor:
                if cursor.rowcount != 1:
                    return False
            await conn.execute(COUNT_MESSAGE, (session_id, user_id, display_name, words, at))
        return True

    async def participants(self, session_id: int) -> list[ParticipantRow]:
        rows = await self.db.fetchall(SELECT_PARTICIPANTS, (session_id,))
        return [ParticipantRow(*row) for row in rows]

    async def expect(self, session_id: int, names: Sequence[str]) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(INSERT_EXPECTED, [(session_id, name) for name in names])

    async def expected(self, session_id: int) -> list[str]:
        return [str(row[0]) for row in await self.db.fetchall(SELECT_EXPECTED, (session_id,))]

    async def most_replied(self, session_id: int, limit: int) -> list[RepliedMessage]:
        rows = await self.db.fetchall(SELECT_MOST_REPLIED, (session_id, limit))
        return [RepliedMessage(*row) for row in rows]

    # the speaking queue
    async def raise_hand(self, session_id: int, user_id: str, display_name: str, at: str) -> bool:
        """Join the queue (and the session); False if already waiting."""
        async with self.db.transaction() as conn:
            await conn.execute(JOIN_PARTICIPANT, (session_id, user_id, display_name, at))
            async with conn.execute(RAISE_HAND, (session_id, user_id, display_name, at)) as cursor:
                return bool(cursor.rowcount == 1)

    async def lower_hand(self, session_id: int, user_id: str) -> bool:
        async with self.db.transaction() as conn, conn.execute(LOWER_HAND, (session_id, user_id)) as cursor:
            return bool(cursor.rowcount == 1)

    async def queue(self, session_id: int) -> list[QueueRow]:
        """Everyone waiting, in the order they raised their hands (fairness is decided by the caller)."""
        return [QueueRow(*row) for row in await self.db.fetchall(SELECT_QUEUE, (session_id,))]

    async def give_turn(self, session_id: int, user_id: str) -> bool:
        """Take someone off the queue and count one turn for them; False if they were no longer waiting."""
        async with self.db.transaction() as conn:
            async with conn.execute(LOWER_HAND, (session_id, user_id)) as cursor:
                if cursor.rowcount != 1:
                    return False
            await conn.execute(ADD_TURN, (session_id, user_id))
        return True

    # votes
    async def vote(
        self, session_id: int, user_id: str, display_name: str, choice: str, at: str
    ) -> str | None:
        """Record or change a vote; returns the previous choice, if any."""
        async with self.db.transaction() as conn:
            async with conn.execute(SELECT_VOTE, (session_id, user_id)) as cursor:
                row = await cursor.fetchone()
            await conn.execute(JOIN_PARTICIPANT, (session_id, user_id, display_name, at))
            await conn.execute(UPSERT_VOTE, (session_id, user_id, choice, at))
        return str(row[0]) if row else None

    async def tally(self, session_id: int) -> dict[str, int]:
        """Votes by choice; a choice nobody made is absent."""
        return {str(row[0]): int(row[1]) for row in await self.db.fetchall(SELECT_TALLY, (session_id,))}

    # archive quotes cited during a session
    async def add_citations(self, session_id: int, comment_ids: Sequence[int]) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(INSERT_CITATION, [(session_id, cid) for cid in comment_ids])

    async def citations(self, session_id: int) -> list[int]:
        """Comment ids cited in the session; deleted comments (`forget me`, a deleted archive) drop out."""
        return [int(row[0]) for row in await self.db.fetchall(SELECT_CITATIONS, (session_id,))]

    async def shown_between(self, space_key: str, channel: str, start: str, end: str) -> list[int]:
        """Comments that `quote` (and other quoting features) showed in the channel between two times."""
        rows = await self.db.fetchall(SELECT_SHOWN_BETWEEN, (space_key, channel, start, end))
        return [int(row[0]) for row in rows]

    # pings
    async def set_notify(self, space_key: str, user_id: str, on: bool) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(INSERT_NOTIFY if on else DELETE_NOTIFY, (space_key, user_id))

    async def notify_on(self, space_key: str, user_id: str) -> bool:
        return await self.db.fetchone(SELECT_NOTIFY, (space_key, user_id)) is not None

    # the group's own archive
    async def claim_label(
        self, space_key: str, archive_name: str, user_id: str, wanted: Sequence[str]
    ) -> str:
        """The first of `wanted` author labels that is free or already this user's, claimed for them.

        A label belongs to one user, so `forget me` deletes exactly that user's comments."""
        async with self.db.transaction() as conn:
            for label in wanted:
                async with conn.execute(SELECT_LABEL_OWNER, (space_key, archive_name, label)) as cursor:
                    row = await cursor.fetchone()
                if row is None:
                    await conn.execute(INSERT_LABEL, (space_key, archive_name, label, user_id))
                    return label
                if row[0] == user_id:
                    return label
        raise ValueError("no free author label")

    async def labels_of(self, space_key: str, user_id: str) -> list[tuple[str, str]]:
        """(archive name, author label) pairs under which this user's messages were recorded."""
        rows = await self.db.fetchall(SELECT_LABELS_OF_USER, (space_key, user_id))
        return [(str(row[0]), str(row[1])) for row in rows]

    async def drop_label(self, space_key: str, archive_name: str, author: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(DELETE_LABEL, (space_key, archive_name, author))

    async def set_opted_out(self, space_key: str, user_id: str, out: bool, at: str) -> None:
        async with self.db.transaction() as conn:
            if out:
                await conn.execute(INSERT_OPTOUT, (space_key, user_id, at))
            else:
                await conn.execute(DELETE_OPTOUT, (space_key, user_id))

    async def opted_out(self, space_key: str, user_id: str) -> bool:
        return await self.db.fetchone(SELECT_OPTOUT, (space_key, user_id)) is not None

    # reading plan
    async def add_reading(
        self,
        *,
        space_key: str,
        channel: str,
        place_json: str,
        title: str,
        due_date: str,
        added_by: str,
        added_at: str,
        reminded_at: str | None,
    ) -> ReadingRow:
        params = (space_key, channel, place_json, title, due_date, added_by, added_at, reminded_at)
        async with self.db.transaction() as conn, conn.execute(INSERT_READING, params) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return _reading(row)

    async def readings(self, space_key: str, channel: str, from_date: str) -> list[ReadingRow]:
        rows = await self.db.fetchall(SELECT_READINGS, (space_key, channel, from_date))
        return [_reading(row) for row in rows]

    async def get_reading(self, space_key: str, channel: str, reading_id: int) -> ReadingRow | None:
        row = await self.db.fetchone(SELECT_READING, (space_key, channel, reading_id))
        return _reading(row) if row else None

    async def remove_reading(self, space_key: str, channel: str, reading_id: int) -> bool:
        params = (space_key, channel, reading_id)
        async with self.db.transaction() as conn, conn.execute(DELETE_READING, params) as cursor:
            return bool(cursor.rowcount == 1)

    async def pending_readings(self, up_to: str) -> list[ReadingRow]:
        """Readings (in every space) due on or before `up_to` that have not been announced yet."""
        return [_reading(row) for row in await self.db.fetchall(SELECT_PENDING_READINGS, (up_to,))]

    async def mark_reminded(self, reading_id: int, at: str) -> bool:
        async with self.db.transaction() as conn, conn.execute(MARK_REMINDED, (at, reading_id)) as cursor:
            return bool(cursor.rowcount == 1)
