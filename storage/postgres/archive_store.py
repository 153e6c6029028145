"""The PostgreSQL implementation of `storage.interface.Store`: archives, comments, search and channel memory.

Reads share the SQLite store's SQL (storage/sqlite_store.py), which both dialects understand. What differs is
writing an import (one transaction, rows through COPY: storage/postgres/importing.py) and search (tsvector
with BM25: storage/postgres/search.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.import_writer import Written
from storage.importers.records import CommentRecord
from storage.interface import ProgressCallback, SyncScope
from storage.postgres.database import PostgresDatabase
from storage.postgres.importing import write_pg_import
from storage.postgres.search import pg_ranked_ids
from storage.sqlite_store import SqliteStore


class PostgresStore(SqliteStore):
    """Archives on PostgreSQL. Inherits every read and small write, whose SQL is the same on both, and the
    shape of `import_records` and `search`; only how an import is written and how search ranks differ."""

    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db  # type: ignore[assignment]

    async def _write(
        self,
        space_key: str,
        archive_name: str,
        records: Sequence[CommentRecord],
        *,
        created_at: str,
        title: str | None,
        source: str | None,
        progress: ProgressCallback | None,
        sync: SyncScope | None,
    ) -> Written:
        """One transaction, the rows through COPY (storage/postgres/importing.py)."""
        return await write_pg_import(
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

    async def _rank(self, archive_ids: Sequence[int], query: str, limit: int) -> list[tuple[int, float, str]]:
        """BM25 over the GIN index's candidates (storage/postgres/search.py)."""
        return await pg_ranked_ids(self.db, archive_ids, query, limit)  # type: ignore[arg-type]
