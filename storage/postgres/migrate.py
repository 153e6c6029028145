"""PostgreSQL's numbered migrations, recorded in the same `schema_migrations` ledger as on SQLite.

Several processes may start at once: each migration runs in one transaction under an advisory lock, and the
ledger is read again inside it, so exactly one process applies it and the others see it done.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass

from storage.db import load_migrations
from storage.postgres import migrations as migrations_package
from storage.postgres.database import PostgresDatabase
from storage.postgres.translate import postgres_schema
from storage.sql import DatabaseError

log = logging.getLogger(__name__)

MIGRATE_LOCK = 7_245_163_002
"""The advisory lock key held while a process applies a migration."""

LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
)"""


@dataclass(frozen=True, slots=True)
class PgMigration:
    version: int
    name: str
    sql: str


def load_pg_migrations() -> list[PgMigration]:
    """SQLite's numbered migrations (storage/migrations), each in PostgreSQL's words, in version order: the
    module of the same name in storage/postgres/migrations where the dialects differ (search, triggers,
    insertion order), else the SQLite schema with its column types translated (`postgres_schema`)."""
    found: list[PgMigration] = []
    for migration in load_migrations():
        own = f"{migrations_package.__name__}.{migration.name}"
        if importlib.util.find_spec(own) is not None:
            module = importlib.import_module(own)
            if int(module.VERSION) != migration.version:
                raise DatabaseError(f"{own} is version {module.VERSION}, its SQLite twin {migration.version}")
            sql = str(module.SQL)
        else:
            sql = postgres_schema(migration.sql)
        found.append(PgMigration(version=migration.version, name=migration.name, sql=sql))
    return found


async def applied_pg_versions(db: PostgresDatabase) -> set[int]:
    async with db.transaction(exclusive=False) as conn:
        await conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        await conn.raw.execute(LEDGER)
    rows = await db.fetchall("SELECT version FROM schema_migrations")
    return {int(row[0]) for row in rows}


async def pending_pg_migrations(db: PostgresDatabase) -> list[PgMigration]:
    """The migrations this database lacks; a `DatabaseError` if it has one this threadbot does not know."""
    known = load_pg_migrations()
    applied = await applied_pg_versions(db)
    newer = sorted(applied - {m.version for m in known})
    if newer:
        raise DatabaseError(
            f"{db.path} was written by a newer threadbot (it has schema migration {newer[-1]}, which this one "
            "does not know); upgrade threadbot."
        )
    return [m for m in known if m.version not in applied]


async def migrate_pg(db: PostgresDatabase) -> list[str]:
    """Apply every pending migration, each atomically with its ledger row; the names applied here."""
    done: list[str] = []
    for migration in await pending_pg_migrations(db):
        async with db.transaction(exclusive=False) as conn:
            await conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
            cursor = await conn.raw.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s) ON CONFLICT (version) DO NOTHING",
                (migration.version, migration.name),
            )
            if cursor.rowcount == 0:
                log.info("migration %s was applied by another process", migration.name)
                continue
            log.info("applying migration %s", migration.name)
            await conn.raw.execute(migration.sql.encode())  # bytes: a script, no placeholders in it
        done.append(migration.name)
    return done
