"""Opening the SQLite database: pragmas, numbered migrations, and one transaction per logical write.

One aiosqlite connection serves the whole process; an asyncio lock keeps concurrent commands from
interleaving their transactions on it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import aiosqlite

from storage import migrations as migrations_package

log = logging.getLogger(__name__)


class DatabaseError(RuntimeError):
    """The database file cannot be used; the message says which file and what to do."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """Every `storage/migrations/mNNNN_*.py` module, in version order. Versions may leave gaps."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(migrations_package.__path__):
        if not info.name.startswith("m"):
            continue
        module: ModuleType = importlib.import_module(f"{migrations_package.__name__}.{info.name}")
        found.append(Migration(version=int(module.VERSION), name=info.name, sql=str(module.SQL)))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise DatabaseError(f"two migrations share a version number: {versions}")
    return found


class Database:
    """An open connection plus a lock that serialises write transactions."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: nothing half-written survives."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def fetchall(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> list[sqlite3.Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> sqlite3.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def close(self) -> None:
        await self.conn.close()


async def open_database(path: Path | str) -> Database:
    """Open (creating if needed) and migrate the database at `path`."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path} is a folder; set THREADBOT_DB (or --db) to a file path.")
    if not path.parent.exists():
        raise DatabaseError(
            f"the folder {path.parent} does not exist; create it or choose another --db path."
        )
    try:
        conn = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise DatabaseError(f"cannot open database {path}: {error}") from error
    conn.row_factory = sqlite3.Row
    db = Database(conn, path)
    try:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 10000")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports stay in memory until commit
        await migrate(db)
    except sqlite3.DatabaseError as error:
        await conn.close()
        raise DatabaseError(
            f"{path} is not a usable threadbot database ({error}); point --db at another file."
        ) from error
    except BaseException:
        await conn.close()
        raise
    return db


async def migrate(db: Database) -> int:
    """Apply every migration newer than `PRAGMA user_version`, each atomically with its version bump."""
    row = await db.fetchone("PRAGMA user_version")
    current = int(row[0]) if row else 0
    known = load_migrations()
    newest = known[-1].version if known else 0
    if current > newest:
        raise DatabaseError(
            f"{db.path} was written by a newer threadbot (schema {current}, this one knows {newest}); upgrade."
        )
    for migration in known:
        if migration.version <= current:
            continue
        log.info("applying migration %s", migration.name)
        script = f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await db.conn.executescript(script)
        except BaseException:
            if db.conn.in_transaction:
                await db.conn.execute("ROLLBACK")
            raise
        current = migration.version
    return current
