"""The PostgreSQL implementation of `storage.interface.Store`: archives, comments, search and channel memory.

Reads share the SQLite store's SQL (storage/sqlite_store.py), which both dialects understand. What differs is
writing an import (one transaction, rows through COPY: storage/postgres/importing.py) and search (tsvector
with BM25: storage/postgres/search.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.importers.records import CommentRecord
from storage.interface import ImportResult, ProgressCallback, SearchHit, SyncScope
from storage.postgres.database import PostgresDatabase
from storage.postgres.importing import write_pg_import
from storage.postgres.search import pg_ranked_ids
from storage.splitting import split_long
from storage.sqlite_store import SqliteStore


class PostgresStore(SqliteStore):
    """Archives on PostgreSQL. Inherits every read and small write, whose SQL is the same on both."""

    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db  # type: ignore[assignment]

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
        written = await write_pg_import(
            self.db,  # type: ignore[arg-type]
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

    async def search(self, archive_ids: Sequence[int], query: str, limit: int) -> list[SearchHit]:
        ranked = await pg_ranked_ids(self.db, archive_ids, query, limit)  # type: ignore[arg-type]
        comments = {c.id: c for c in await self.get_comments([cid for cid, _, _ in ranked])}
        return [
            SearchHit(comment=comments[cid], score=score, highlighted=marked or comments[cid].text)
            for cid, score, marked in ranked
            if cid in comments
        ]
