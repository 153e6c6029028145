"""Imports that never lock out the bot: one import at a time per database, chunks staged, one short publish.

An import holds the *import lock* (an exclusive lock on a small `<db>-import.lock` SQLite file beside the
database, which the operating system releases if the process dies, even on kill -9), so a second import waits
its turn. It then writes its comments in chunks of a few tens of milliseconds each, every chunk committed with
its FTS5 rows, and records the run in `import_staging`: every read leaves out comments with id >= the run's
`first_id` (storage/visibility.py) and an archive the run created. The publish transaction adds the archive's id
segment and count and deletes the staging row: the archive appears whole, at once. A run found in
`import_staging` while holding the lock is dead (killed, or failed): `discard_staged` deletes its rows in chunks.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from storage.db import Database

log = logging.getLogger(__name__)

SELECT_STAGED = "SELECT archive_id, first_id, new_archive FROM import_staging ORDER BY first_id"
INSERT_STAGING = (
    "INSERT INTO import_staging (archive_id, first_id, new_archive, started_at) VALUES (?, ?, ?, ?)"
)
DELETE_STAGING = "DELETE FROM import_staging WHERE archive_id = ?"
NEXT_COMMENT_ID = "SELECT coalesce(max(id), 0) + 1 FROM comments"
DELETE_STAGED_CHUNK = """
DELETE FROM comments WHERE id IN (SELECT id FROM comments WHERE id >= ? ORDER BY id LIMIT ?)
"""
# The delete trigger counts each deleted row off its archive; staged rows were never counted.
UNCOUNT = "UPDATE archives SET comment_count = comment_count + ? WHERE id = ?"
DELETE_NEW_ARCHIVE = "DELETE FROM archives WHERE id = ?"

DISCARD_CHUNK = 2000
LOCK_POLL_SECONDS = 0.2


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-import.lock")


@asynccontextmanager
async def import_lock(db_path: Path, waiting_note: str) -> AsyncIterator[None]:
    """Hold this database's import lock; while another process (or task) holds it, log `waiting_note` once and
    wait. An exclusive SQLite lock on a side file: released by the OS when its holder dies."""
    conn = sqlite3.connect(lock_path(db_path), timeout=0, isolation_level=None)
    try:
        said = False
        started = time.monotonic()
        while True:
            try:
                conn.execute("BEGIN EXCLUSIVE")
                break
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
            if not said:
                log.warning("%s", waiting_note)
                said = True
            await asyncio.sleep(LOCK_POLL_SECONDS)
        if said:
            log.warning("the other import finished after %.0f s; importing now", time.monotonic() - started)
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()


async def begin_staging(db: Database, archive_id: int, new_archive: bool, started_at: str) -> int:
    """Record a staged run for `archive_id` (inside the caller's transaction); the first comment id it gets."""
    row = await db.fetchone(NEXT_COMMENT_ID)
    first_id = int(row[0]) if row else 1
    await db.conn.execute(INSERT_STAGING, (archive_id, first_id, int(new_archive), started_at))
    return first_id


async def discard_staged(db: Database) -> int:
    """Delete every staged run's comments (and the archives they created), in short chunks; how many comments
    went. Call only while holding the import lock, so no live import is staged."""
    discarded = 0
    for archive_id, first_id, new_archive in [tuple(r) for r in await db.fetchall(SELECT_STAGED)]:
        while True:
            async with db.transaction() as conn:
                cursor = await conn.execute(DELETE_STAGED_CHUNK, (first_id, DISCARD_CHUNK))
                gone = max(cursor.rowcount, 0)
                await cursor.close()
                await conn.execute(UNCOUNT, (gone, archive_id))
                if gone < DISCARD_CHUNK:
                    if new_archive:
                        await conn.execute(DELETE_NEW_ARCHIVE, (archive_id,))
                    await conn.execute(DELETE_STAGING, (archive_id,))
            discarded += gone
            if gone < DISCARD_CHUNK:
                break
            await asyncio.sleep(0)
    if discarded:
        log.warning("removed %d comments an interrupted import had left unpublished", discarded)
    return discarded
