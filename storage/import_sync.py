"""Re-importing a linked thread: which records are new, which stored comments were edited or deleted at the
source, and applying the edits and deletions inside the import's one publish transaction.

A new comment is staged like any import's (storage/staging.py). An edit replaces the stored row (deleted, then
inserted again with the new text, its FTS row and a new id), so everything derived from the old words goes with
it: its vectors, its cached stance results and a moderator's label for it. Deletions are applied in the same
publish transaction, so readers see the thread before or after the re-import, never half of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storage.importers.records import CommentRecord, content_hash
from storage.interface import SyncScope
from storage.sql import Connection, SqlDatabase

LOOKUP_CHUNK = 500
_PART = re.compile(r"#p\d+$")

SELECT_BY_SOURCE = """
SELECT id, source_id, text, origin FROM comments WHERE archive_id = ? AND id < ? AND source_id IN ({ids})
"""
SELECT_OF_ORIGIN = "SELECT id, source_id FROM comments WHERE archive_id = ? AND origin = ? AND id < ?"
DELETE_BY_ID = "DELETE FROM comments WHERE id IN ({ids})"
CLAIM_ORIGIN = "UPDATE comments SET origin = ? WHERE id IN ({ids})"
INSERT_EDITED = """
INSERT INTO comments (archive_id, source_id, parent_source_id, author, created_at, url, text, content_hash, origin)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id
"""
INDEX_ONE = "INSERT INTO comments_fts (rowid, text) VALUES (?, ?)"


@dataclass(slots=True)
class SyncPlan:
    """What a re-import changes, decided before anything is written."""

    fresh: list[CommentRecord] = field(default_factory=list)
    """Records with no stored comment of their id: staged as new comments."""
    edited: list[tuple[int, CommentRecord]] = field(default_factory=list)
    """(stored id, the new version) of comments whose text changed."""
    claimed: list[int] = field(default_factory=list)
    """Unchanged comments imported from a file, now kept in step with this origin."""
    deleted: list[int] = field(default_factory=list)
    """Stored comments of this origin the source no longer has."""


def _base_id(source_id: str) -> str:
    """The comment a stored part (`<id>#p2`, storage/splitting.py) belongs to."""
    return _PART.sub("", source_id)


async def plan_sync(
    db: SqlDatabase, archive_id: int, first_id: int, records: Sequence[CommentRecord], sync: SyncScope
) -> SyncPlan:
    """Compare the records with the archive's published comments (ids below `first_id`)."""
    stored: dict[str, tuple[int, str, str | None]] = {}
    ids = [record.source_id for record in records]
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        sql = SELECT_BY_SOURCE.format(ids=",".join("?" * len(chunk)))
        for row in await db.fetchall(sql, [archive_id, first_id, *chunk]):
            stored[str(row[1])] = (int(row[0]), str(row[2]), row[3])
    plan = SyncPlan()
    for record in records:
        found = stored.get(record.source_id)
        if found is None:
            plan.fresh.append(record)
            continue
        row_id, text, origin = found
        if origin not in (None, sync.origin):
            continue  # the same id from another linked thread: not this sync's to change
        if text != record.text:
            plan.edited.append((row_id, record))
        elif origin is None:
            plan.claimed.append(row_id)
    present = set(ids)
    for row in await db.fetchall(SELECT_OF_ORIGIN, (archive_id, sync.origin, first_id)):
        source_id = str(row[1])
        if source_id in present:
            continue
        if _base_id(source_id) in sync.gone or source_id in sync.gone or sync.complete:
            plan.deleted.append(int(row[0]))
    return plan


async def apply_sync(
    conn: Connection, archive_id: int, plan: SyncPlan, origin: str, *, index_sql: str | None = INDEX_ONE
) -> None:
    """Deletions, edits and claims, inside the publish transaction (before its id segment is recorded, so the
    edited rows' new ids fall inside it). The delete trigger uncounts each removed row; the caller counts the
    edited rows back in. `index_sql` adds an edited row to SQLite's FTS5 table (PostgreSQL indexes by itself)."""
    gone = plan.deleted + [row_id for row_id, _ in plan.edited]
    for start in range(0, len(gone), LOOKUP_CHUNK):
        chunk = gone[start : start + LOOKUP_CHUNK]
        await conn.execute(DELETE_BY_ID.format(ids=",".join("?" * len(chunk))), chunk)
    for _, record in plan.edited:
        row = comment_row(archive_id, record, content_hash(record.text), origin)
        async with conn.execute(INSERT_EDITED, row) as cursor:
            inserted = await cursor.fetchone()
        if index_sql is not None:
            await conn.execute(index_sql, (int(inserted[0]), record.text))
    for start in range(0, len(plan.claimed), LOOKUP_CHUNK):
        chunk = plan.claimed[start : start + LOOKUP_CHUNK]
        await conn.execute(CLAIM_ORIGIN.format(ids=",".join("?" * len(chunk))), [origin, *chunk])


def comment_row(
    archive_id: int, record: CommentRecord, digest: str, origin: str | None
) -> tuple[object, ...]:
    """A comment's values in the column order of the comments INSERTs (import_writer.py and here)."""
    return (
        archive_id,
        record.source_id,
        record.parent_id,
        record.author,
        record.created_at,
        record.url,
        record.text,
        digest,
        origin,
    )
