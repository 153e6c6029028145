"""What `threadbot migrate` reads and does: which numbered migrations a database has and lacks, on either backend.

Opening the stores migrates by itself; this is for operators who want to see the schema first (`--dry-run`
writes nothing, not even the ledger) or apply it before starting several processes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from storage.db import legacy_applied, load_migrations, open_database
from storage.sql import DatabaseError

HAS_LEDGER_SQLITE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
HAS_LEDGER_PG = "SELECT to_regclass('schema_migrations') IS NOT NULL"
SELECT_LEDGER = "SELECT version FROM schema_migrations"


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """One database's migrations: those it has, those this threadbot would add, and any it does not know."""

    where: str
    """The database as messages name it (a file path, or the URL without its password)."""
    backend: str
    applied: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    newer: list[int] = field(default_factory=list)
    """Versions in the database that this threadbot has no migration for: a newer threadbot wrote them."""
    exists: bool = True

    def refusal(self) -> str | None:
        """Why this threadbot must not touch the database, or None."""
        if not self.newer:
            return None
        return (
            f"{self.where} was written by a newer threadbot (it has schema migration {self.newer[-1]}, which this "
            "one does not know); upgrade threadbot."
        )


def _status(where: str, backend: str, applied: set[int], *, exists: bool = True) -> SchemaStatus:
    # Both backends number and name their migrations alike (storage/postgres/migrate.py load_pg_migrations).
    known = load_migrations()
    versions = {m.version for m in known}
    return SchemaStatus(
        where=where,
        backend=backend,
        applied=[m.name for m in known if m.version in applied],
        pending=[m.name for m in known if m.version not in applied],
        newer=sorted(applied - versions),
        exists=exists,
    )


def sqlite_status(path: Path) -> SchemaStatus:
    """Read the SQLite file's ledger (or, for an older file, its `user_version`) without writing anything."""
    where = str(path)
    if not path.exists():
        return _status(where, "sqlite", set(), exists=False)
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder; set THREADBOT_DB (or --db) to a file path.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if conn.execute(HAS_LEDGER_SQLITE).fetchone():
                applied = {int(row[0]) for row in conn.execute(SELECT_LEDGER)}
            else:
                applied = set()
            if not applied:
                applied = legacy_applied(int(conn.execute("PRAGMA user_version").fetchone()[0]))
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise DatabaseError(
            f"{path} is not a usable threadbot database ({error}); point --db at another file."
        ) from error
    return _status(where, "sqlite", applied)


async def migrate_sqlite(path: Path) -> SchemaStatus:
    """Apply what the file lacks (creating it if it does not exist); its status afterwards."""
    before = sqlite_status(path)
    refused = before.refusal()
    if refused:
        raise DatabaseError(refused)
    db = await open_database(path)  # migrates, safely beside other processes starting at once
    await db.close()
    return sqlite_status(path)


async def postgres_status(url: str) -> SchemaStatus:
    """Read the PostgreSQL database's ledger without writing anything."""
    from storage.postgres.database import connect_pool

    db = await connect_pool(url, size=1)
    try:
        row = await db.fetchone(HAS_LEDGER_PG)
        applied: set[int] = set()
        if row is not None and row[0]:
            applied = {int(r[0]) for r in await db.fetchall(SELECT_LEDGER)}
    finally:
        await db.close()
    return _status(db.path, "postgresql", applied)


async def migrate_postgres(url: str) -> SchemaStatus:
    """Apply what the database lacks (one transaction per migration, under the migration lock)."""
    from storage.postgres.database import connect_pool
    from storage.postgres.migrate import migrate_pg

    before = await postgres_status(url)
    refused = before.refusal()
    if refused:
        raise DatabaseError(refused)
    db = await connect_pool(url, size=1)
    try:
        await migrate_pg(db)
    finally:
        await db.close()
    return await postgres_status(url)
