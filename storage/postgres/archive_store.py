"""The PostgreSQL implementation of `storage.interface.Store`: archives, comments, search and channel memory.

Reads share the SQLite store's SQL (storage/sqlite_store.py), which both dialects understand. What differs is
writing an import (one transaction, rows through COPY: storage/postgres/importing.py) and search (tsvector
with BM25: storage/postgres/search.py).
"""

from __future__ import annotations

from storage.postgres.database import PostgresDatabase
from storage.postgres.importing import write_pg_import
from storage.postgres.search import pg_ranked_ids
from storage.sqlite_store import SqliteStore


class PostgresStore(SqliteStore):
    """Archives on PostgreSQL. Inherits every read and small write, whose SQL is the same on both, and the
    shape of `import_records` and `search`; only how an import is written and how search ranks differ."""

    write_import = staticmethod(write_pg_import)  # type: ignore[assignment]
    """One transaction, the rows through COPY (storage/postgres/importing.py)."""
    ranked_ids = staticmethod(pg_ranked_ids)  # type: ignore[assignment]
    """BM25 over the GIN index's candidates (storage/postgres/search.py)."""

    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db  # type: ignore[assignment]
