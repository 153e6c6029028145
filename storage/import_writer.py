"""Writing one import: under the import lock, staged in short chunks, published in one short transaction.

See storage/staging.py for why. Each chunk transaction is sized to hold the write lock for about
`CHUNK_TARGET_SECONDS` and is followed by a pause, so the bot's writes (votes, quote history) get in between.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Database
from storage.import_sync import SyncPlan, apply_sync, comment_row, plan_sync
from storage.importers.records import CommentRecord, content_hash
from storage.interface import ProgressCallback, SyncScope
from storage.staging import begin_staging, discard_staged, import_lock

CHUNK_TARGET_SECONDS = 0.06
CHUNK_PAUSE_SECONDS = 0.015
FIRST_CHUNK = 500
IMPORT_AUTOCHECKPOINT_PAGES = 0  # none while staging
DEFAULT_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default
MIN_CHUNK, MAX_CHUNK = 50, 20000

SELECT_ARCHIVE_ID = "SELECT id FROM archives WHERE space_key = ? AND name = ?"
INSERT_ARCHIVE = """
INSERT INTO archives (space_key, name, title, source, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id
"""
SELECT_HASH_AUTHOR = "SELECT content_hash, coalesce(author, '') FROM comments WHERE archive_id = ? AND id < ?"
INSERT_COMMENT = """
INSERT INTO comments (archive_id, source_id, parent_source_id, author, created_at, url, text, content_hash, origin)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (archive_id, source_id) DO NOTHING
"""
SELECT_MAX_ID = "SELECT coalesce(max(id), 0) FROM comments"
INDEX_NEW_COMMENTS = "INSERT INTO comments_fts (rowid, text) SELECT id, text FROM comments WHERE id > ?"
INSERT_SEGMENT = """
INSERT INTO archive_segments (archive_id, first_id, last_id)
SELECT ?, (SELECT min(id) FROM comments WHERE id >= ?), (SELECT max(id) FROM comments)
WHERE EXISTS (SELECT 1 FROM comments WHERE id >= ?)
"""
PUBLISH = """
UPDATE archives SET comment_count = comment_count + ?, revision = random(), title = coalesce(?, title)
WHERE id = ?
"""
DELETE_STAGING = "DELETE FROM import_staging WHERE archive_id = ?"


@dataclass(frozen=True, slots=True)
class Written:
    """What one import changed: comments added, and (a sync only) edited and deleted."""

    added: int
    updated: int = 0
    deleted: int = 0




async def write_import(
    db: Database,
    space_key: str,
    archive_name: str,
    records: Sequence[CommentRecord],
    *,
    created_at: str,
    title: str | None,
    source: str | None,
    progress: ProgressCallback | None,
    sync: SyncScope | None = None,
) -> Written:
    """Add `records` to the archive (created if new) and publish them at once. With `sync`, also replace
    edited comments and delete those gone from the source (storage/import_sync.py), in the same publish. On
    any failure the staged rows are discarded (or, if the process dies, by the next import)."""
    note = f"another import into {db.path.name} is running; this one waits for it to finish"
    async with import_lock(db.path, note):
        await discard_staged(db)
        async with db.transaction() as conn:
            async with conn.execute(SELECT_ARCHIVE_ID, (space_key, archive_name)) as cursor:
                found = await cursor.fetchone()
            if found is None:
                async with conn.execute(
                    INSERT_ARCHIVE, (space_key, archive_name, title, source, created_at)
                ) as cur:
                    inserted = await cur.fetchone()
                assert inserted is not None
                archive_id = int(inserted[0])
            else:
                archive_id = int(found[0])
            first_id = await begin_staging(db, archive_id, found is None, created_at)
        # Checkpoints wait for the disk; one per chunk commit would double the import's time. The WAL grows as
        # it did when an import was one transaction, and is checkpointed once at the end.
        await db.conn.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_AUTOCHECKPOINT_PAGES}")
        try:
            plan = SyncPlan(fresh=list(records))
            if sync is not None:
                plan = await plan_sync(db, archive_id, first_id, records, sync)
            origin = sync.origin if sync is not None else None
            added = await _stage(db, archive_id, first_id, plan.fresh, progress, origin)
            async with db.transaction() as conn:
                if sync is not None:
                    await apply_sync(conn, archive_id, plan, sync.origin)
                await conn.execute(INSERT_SEGMENT, (archive_id, first_id, first_id))
                await conn.execute(PUBLISH, (added + len(plan.edited), title, archive_id))
                await conn.execute(DELETE_STAGING, (archive_id,))
        except BaseException:
            await asyncio.shield(discard_staged(db))
            raise
        finally:
            await db.conn.execute(f"PRAGMA wal_autocheckpoint = {DEFAULT_AUTOCHECKPOINT_PAGES}")
    if progress:
        progress(len(records), len(records))
    return Written(added=added, updated=len(plan.edited), deleted=len(plan.deleted))


async def _stage(
    db: Database,
    archive_id: int,
    first_id: int,
    records: Sequence[CommentRecord],
    progress: ProgressCallback | None,
    origin: str | None,
) -> int:
    seen = {(h, a) for h, a in await db.fetchall(SELECT_HASH_AUTHOR, (archive_id, first_id))}
    added = 0
    size = FIRST_CHUNK
    position = 0
    indexed_up_to = first_id - 1
    while position < len(records):
        batch: list[tuple[object, ...]] = []
        while position < len(records) and len(batch) < size:
            record = records[position]
            position += 1
            digest = content_hash(record.text)
            key = (digest, record.author or "")
            if key not in seen:
                seen.add(key)
                batch.append(comment_row(archive_id, record, digest, origin))
        if batch:
            started = time.perf_counter()
            async with db.transaction() as conn:
                cursor = await conn.executemany(INSERT_COMMENT, batch)
                added += max(cursor.rowcount, 0)
                await cursor.close()
                await conn.execute(INDEX_NEW_COMMENTS, (indexed_up_to,))
                async with conn.execute(SELECT_MAX_ID) as cur:
                    top = await cur.fetchone()
                indexed_up_to = int(top[0]) if top else indexed_up_to
            elapsed = time.perf_counter() - started
            rate = len(batch) / max(elapsed, 1e-4)
            size = max(MIN_CHUNK, min(MAX_CHUNK, int(rate * CHUNK_TARGET_SECONDS)))
            await asyncio.sleep(CHUNK_PAUSE_SECONDS)
        if progress:
            progress(position, len(records))
    return added
