"""The SQLite implementation of `storage.interface.Store`. All SQL of the core lives here, as named constants."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from storage.db import Database, open_database
from storage.import_writer import write_import
from storage.importers.records import CommentRecord
from storage.interface import (
    SHARED_SPACE,
    ArchiveInfo,
    ImportResult,
    ProgressCallback,
    SearchHit,
    StoredComment,
    SyncScope,
)
from storage.search import ranked_ids
from storage.splitting import split_long
from storage.visibility import HIDDEN_ARCHIVES, STAGED_FROM

SELECT_ARCHIVES = f"""
SELECT a.id, a.space_key, a.name, a.title, a.created_at, a.comment_count
FROM archives a
WHERE a.space_key IN (?, ?) AND a.id NOT IN {HIDDEN_ARCHIVES}
ORDER BY a.space_key = ? DESC, a.created_at DESC, a.id DESC
"""
SELECT_ARCHIVE_BY_NAME = f"""
SELECT a.id, a.space_key, a.name, a.title, a.created_at, a.comment_count
FROM archives a
WHERE a.space_key IN (?, ?) AND a.name = ? AND a.id NOT IN {HIDDEN_ARCHIVES}
ORDER BY a.space_key = ? DESC
LIMIT 1
"""
DELETE_ARCHIVE = f"DELETE FROM archives WHERE space_key = ? AND name = ? AND id NOT IN {HIDDEN_ARCHIVES}"
DELETE_COMMENTS_BY_AUTHOR = f"""
DELETE FROM comments
WHERE author = ? AND id < {STAGED_FROM} AND archive_id IN (SELECT id FROM archives WHERE space_key = ? AND name = ?)
"""
COMMENT_COLUMNS = (
    "c.id, a.name AS archive, c.source_id, c.text, c.parent_source_id, c.author, c.created_at, c.url"
)
SELECT_ID_RANGE = "SELECT min(first_id), max(last_id) FROM archive_segments WHERE archive_id IN ({ids})"
SELECT_FROM_ID = f"""
SELECT {COMMENT_COLUMNS} FROM comments c JOIN archives a ON a.id = c.archive_id
WHERE c.archive_id IN ({{ids}}) AND c.id >= ? AND c.id < {STAGED_FROM} ORDER BY c.id LIMIT ?
"""
SELECT_COMMENTS = f"""
SELECT {COMMENT_COLUMNS} FROM comments c JOIN archives a ON a.id = c.archive_id WHERE c.id IN ({{ids}})
"""
SELECT_BY_SOURCE = f"""
SELECT {COMMENT_COLUMNS} FROM comments c JOIN archives a ON a.id = c.archive_id
WHERE c.archive_id = ? AND c.source_id IN ({{ids}}) AND c.id < {STAGED_FROM}
"""
SELECT_REPLIES = f"""
SELECT {COMMENT_COLUMNS} FROM comments c JOIN archives a ON a.id = c.archive_id
WHERE c.archive_id = ? AND c.parent_source_id IN ({{ids}}) AND c.id < {STAGED_FROM} ORDER BY c.id LIMIT ?
"""
COUNT_COMMENTS = "SELECT coalesce(sum(comment_count), 0) FROM archives WHERE id IN ({ids})"
SELECT_REVISIONS = "SELECT id, revision FROM archives WHERE id IN ({ids})"
SELECT_SHOWN = """
SELECT comment_id FROM quote_history WHERE space_key = ? AND channel = ? AND comment_id IN ({ids})
"""
SELECT_SHOWN_IN_ARCHIVES = """
SELECT h.comment_id FROM quote_history h JOIN comments c ON c.id = h.comment_id
WHERE h.space_key = ? AND h.channel = ? AND c.archive_id IN ({ids})
"""
INSERT_SHOWN = """
INSERT INTO quote_history (space_key, channel, comment_id, shown_at) VALUES (?, ?, ?, ?)
ON CONFLICT (space_key, channel, comment_id) DO UPDATE SET shown_at = excluded.shown_at
"""
DELETE_SHOWN = "DELETE FROM quote_history WHERE space_key = ? AND channel = ? AND comment_id IN ({ids})"
SELECT_SETTING = "SELECT value FROM channel_settings WHERE space_key = ? AND channel = ? AND key = ?"
UPSERT_SETTING = """
INSERT INTO channel_settings (space_key, channel, key, value) VALUES (?, ?, ?, ?)
ON CONFLICT (space_key, channel, key) DO UPDATE SET value = excluded.value
"""
DELETE_SETTING = "DELETE FROM channel_settings WHERE space_key = ? AND channel = ? AND key = ?"


def _placeholders(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _archive(row: sqlite3.Row) -> ArchiveInfo:
    return ArchiveInfo(
        id=row["id"],
        space_key=row["space_key"],
        name=row["name"],
        title=row["title"],
        comment_count=row["comment_count"],
        created_at=row["created_at"],
    )


def _comment(row: sqlite3.Row) -> StoredComment:
    return StoredComment(
        id=row["id"],
        archive=row["archive"],
        source_id=row["source_id"],
        text=row["text"],
        parent_source_id=row["parent_source_id"],
        author=row["author"],
        created_at=row["created_at"],
        url=row["url"],
    )


class SqliteStore:
    """Archives and per-channel memory in one SQLite file."""

    write_import = staticmethod(write_import)
    """How an import is written (storage/import_writer.py); PostgreSQL's store has its own."""
    ranked_ids = staticmethod(ranked_ids)
    """How search ranks (FTS5, storage/search.py); PostgreSQL's store has its own."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    async def open(cls, path: Path | str) -> SqliteStore:
        return cls(await open_database(path))

    async def close(self) -> None:
        await self.db.close()

    async def list_archives(self, space_key: str) -> list[ArchiveInfo]:
        rows = await self.db.fetchall(SELECT_ARCHIVES, (space_key, SHARED_SPACE, space_key))
        return [_archive(row) for row in rows]

    async def find_archive(self, space_key: str, name: str) -> ArchiveInfo | None:
        row = await self.db.fetchone(SELECT_ARCHIVE_BY_NAME, (space_key, SHARED_SPACE, name, space_key))
        return _archive(row) if row else None

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
        records = split_long(records)
        written = await self.write_import(
            self.db,
            space_key,
            archive_name,
            records,
            created_at=created_at,
            title=title,
            source=source,
            progress=progress,
            sync=sync,
        )
        archive = await self.find_archive(space_key, archive_name)
        assert archive is not None
        return ImportResult(
            archive=archive,
            added=written.added,
            skipped_existing=len(records) - written.added - written.updated,
            updated=written.updated,
            deleted=written.deleted,
        )

    async def delete_archive(self, space_key: str, name: str) -> bool:
        async with self.db.transaction() as conn, conn.execute(DELETE_ARCHIVE, (space_key, name)) as cursor:
            return cursor.rowcount > 0

    async def delete_comments_by_author(self, space_key: str, archive_name: str, author: str) -> int:
        params = (author, space_key, archive_name)
        async with self.db.transaction() as conn, conn.execute(DELETE_COMMENTS_BY_AUTHOR, params) as cursor:
            return max(cursor.rowcount, 0)

    async def search(self, archive_ids: Sequence[int], query: str, limit: int) -> list[SearchHit]:
        ranked = await self.ranked_ids(self.db, archive_ids, query, limit)
        comments = {c.id: c for c in await self.get_comments([cid for cid, _, _ in ranked])}
        return [
            SearchHit(comment=comments[cid], score=score, highlighted=marked or comments[cid].text)
            for cid, score, marked in ranked
            if cid in comments
        ]

    async def random_comment(self, archive_ids: Sequence[int], exclude: set[int]) -> StoredComment | None:
        """A uniformly-ish random comment not in `exclude`, without scanning the table (fast at 1M rows)."""
        if not archive_ids:
            return None
        ids = _placeholders(archive_ids)
        row = await self.db.fetchone(SELECT_ID_RANGE.format(ids=ids), list(archive_ids))
        if row is None or row[0] is None:
            return None
        low, high = int(row[0]), int(row[1])
        for _ in range(8):
            start = random.randint(low, high)
            rows = await self.db.fetchall(SELECT_FROM_ID.format(ids=ids), [*archive_ids, start, 64])
            fresh = [r for r in rows if r["id"] not in exclude]
            if fresh:
                return _comment(random.choice(fresh))
        rows = await self.db.fetchall(SELECT_FROM_ID.format(ids=ids), [*archive_ids, low, len(exclude) + 1])
        fresh = [r for r in rows if r["id"] not in exclude]
        return _comment(fresh[0]) if fresh else None

    async def get_comments(self, comment_ids: Sequence[int]) -> list[StoredComment]:
        if not comment_ids:
            return []
        rows = await self.db.fetchall(
            SELECT_COMMENTS.format(ids=_placeholders(comment_ids)), list(comment_ids)
        )
        by_id = {row["id"]: _comment(row) for row in rows}
        return [by_id[i] for i in comment_ids if i in by_id]

    async def comments_by_source(self, archive_id: int, source_ids: Sequence[str]) -> dict[str, StoredComment]:
        wanted = list(dict.fromkeys(source_ids))
        if not wanted:
            return {}
        rows = await self.db.fetchall(SELECT_BY_SOURCE.format(ids=_placeholders(wanted)), [archive_id, *wanted])
        return {row["source_id"]: _comment(row) for row in rows}

    async def replies_to(self, archive_id: int, source_ids: Sequence[str], limit: int) -> list[StoredComment]:
        wanted = list(dict.fromkeys(source_ids))
        if not wanted or limit <= 0:
            return []
        sql = SELECT_REPLIES.format(ids=_placeholders(wanted))
        return [_comment(row) for row in await self.db.fetchall(sql, [archive_id, *wanted, limit])]

    async def count_comments(self, archive_ids: Sequence[int]) -> int:
        if not archive_ids:
            return 0
        row = await self.db.fetchone(COUNT_COMMENTS.format(ids=_placeholders(archive_ids)), list(archive_ids))
        return int(row[0]) if row else 0

    async def archive_revisions(self, archive_ids: Sequence[int]) -> dict[int, int]:
        if not archive_ids:
            return {}
        rows = await self.db.fetchall(SELECT_REVISIONS.format(ids=_placeholders(archive_ids)), list(archive_ids))
        return {int(row[0]): int(row[1]) for row in rows}

    async def shown_in_channel(self, space_key: str, channel: str, comment_ids: Sequence[int]) -> set[int]:
        if not comment_ids:
            return set()
        sql = SELECT_SHOWN.format(ids=_placeholders(comment_ids))
        rows = await self.db.fetchall(sql, [space_key, channel, *comment_ids])
        return {int(row[0]) for row in rows}

    async def shown_ids(self, space_key: str, channel: str, archive_ids: Sequence[int]) -> set[int]:
        if not archive_ids:
            return set()
        sql = SELECT_SHOWN_IN_ARCHIVES.format(ids=_placeholders(archive_ids))
        rows = await self.db.fetchall(sql, [space_key, channel, *archive_ids])
        return {int(row[0]) for row in rows}

    async def record_shown(self, space_key: str, channel: str, comment_ids: Sequence[int], at: str) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(INSERT_SHOWN, [(space_key, channel, cid, at) for cid in comment_ids])

    async def forget_shown(self, space_key: str, channel: str, comment_ids: Sequence[int]) -> None:
        if not comment_ids:
            return
        sql = DELETE_SHOWN.format(ids=_placeholders(comment_ids))
        async with self.db.transaction() as conn:
            await conn.execute(sql, [space_key, channel, *comment_ids])

    async def get_channel_setting(self, space_key: str, channel: str, key: str) -> str | None:
        row = await self.db.fetchone(SELECT_SETTING, (space_key, channel, key))
        return str(row[0]) if row else None

    async def set_channel_setting(self, space_key: str, channel: str, key: str, value: str | None) -> None:
        async with self.db.transaction() as conn:
            if value is None:
                await conn.execute(DELETE_SETTING, (space_key, channel, key))
            else:
                await conn.execute(UPSERT_SETTING, (space_key, channel, key, value))
