"""Opening the SQLite database: pragmas, numbered migrations, and one transaction per logical write.

One aiosqlite connection serves the whole process; an asyncio lock keeps concurrent commands from
interleaving their transactions on it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
import random
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import aiosqlite

from storage import migrations as migrations_package
from storage.sql import (
    DatabaseBusyError,
    DatabaseError,
    DatabaseUnwritableError,
    DatabaseWriteError,
    Unwritable,
)

log = logging.getLogger(__name__)

__all__ = [
    "LEGACY_VERSIONS",
    "Database",
    "DatabaseBusyError",
    "DatabaseError",
    "DatabaseUnwritableError",
    "DatabaseWriteError",
    "load_migrations",
    "open_database",
]

WRITE_WAIT_SECONDS = 10.0
"""How long a write keeps retrying BEGIN IMMEDIATE while another process holds the write lock."""
BUSY_TIMEOUT_MS = 10000
"""SQLite's own wait while opening and migrating (one statement may wait this long)."""
WRITE_BUSY_TIMEOUT_MS = 20
"""SQLite's own wait per attempt once open: short, so `transaction` polls often and slips in between the
short chunks an import commits (SQLite's busy handler sleeps up to 100 ms between its tries)."""


def is_busy(error: BaseException) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock this statement needs."""
    text = str(error)
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def unwritable(error: BaseException) -> Unwritable | None:
    """SQLITE_FULL (the disk, or the page limit) or SQLITE_READONLY (the file, its folder, a read-only mount):
    writing cannot work until the operator fixes the disk, so the user is told so rather than "try again"."""
    code = getattr(error, "sqlite_errorcode", None) if isinstance(error, sqlite3.Error) else None
    if code is None:
        return None
    primary = int(code) & 0xFF  # extended codes (SQLITE_READONLY_DBMOVED, ...) keep the primary in the low byte
    if primary == sqlite3.SQLITE_FULL:
        return "full"
    if primary == sqlite3.SQLITE_READONLY:
        return "read-only"
    return None


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

    dialect = "sqlite"
    """Which SQL the stores may use beyond what both databases share (`PostgresDatabase.dialect` is
    "postgresql"): SQLite has no row locks, so `FOR UPDATE SKIP LOCKED` is PostgreSQL's only."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error, COMMIT's own included: nothing half-written
        survives, and the connection is never left inside a transaction.

        While another process holds the write lock, BEGIN is retried with short, jittered pauses for up to
        `WRITE_WAIT_SECONDS`; then `DatabaseBusyError` says the change was not stored. A full disk or a
        read-only file raises `DatabaseUnwritableError`, which says so."""
        async with self._lock:
            await self._begin()
            try:
                yield self.conn
                await self.conn.execute("COMMIT")
            except BaseException as error:
                await self._rollback(error)
                refused = self._refusal(error)
                if refused is not None:
                    raise refused from error
                raise

    async def _rollback(self, cause: BaseException) -> None:
        """Undo the open transaction. SQLite may have rolled it back already (it does on a full disk), and
        then a ROLLBACK would fail and hide `cause`."""
        if not self.conn.in_transaction:
            return
        try:
            await self.conn.execute("ROLLBACK")
        except sqlite3.Error as error:
            log.warning("could not roll back after %r: %s", cause, error)

    def _refusal(self, error: BaseException) -> DatabaseWriteError | None:
        """The user-facing error for a write SQLite refused, or None for any other failure."""
        if isinstance(error, DatabaseWriteError):
            return None
        if is_busy(error):
            return DatabaseBusyError()
        reason = unwritable(error)
        return DatabaseUnwritableError(self.path, reason, str(error)) if reason is not None else None

    async def _begin(self) -> None:
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        pause = 0.005
        while True:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    refused = self._refusal(error)
                    if refused is not None:
                        raise refused from error
                    raise
                if time.monotonic() >= deadline:
                    log.warning("gave up a write after %.0f s: %s", WRITE_WAIT_SECONDS, error)
                    raise DatabaseBusyError() from error
            await asyncio.sleep(random.uniform(pause / 2, pause))
            pause = min(pause * 1.5, 0.012)

    async def fetchall(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> list[sqlite3.Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> sqlite3.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def close(self) -> None:
        await self.conn.close()


WAL_ATTEMPTS = 100


async def _use_wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL. SQLite answers "locked" at once, without waiting, when another connection is creating
    the same new file, so retry for a few seconds (the other process soon finishes that)."""
    for attempt in range(WAL_ATTEMPTS):
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == WAL_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.05)


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
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: switching to WAL may wait too
        await _use_wal(conn)
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports stay in memory until commit
        await migrate(db)
        await conn.execute(f"PRAGMA busy_timeout = {WRITE_BUSY_TIMEOUT_MS}")
    except sqlite3.DatabaseError as error:
        await conn.close()
        reason = unwritable(error)
        if reason is not None:
            raise DatabaseUnwritableError(path, reason, str(error)) from error
        raise DatabaseError(
            f"{path} is not a usable threadbot database ({error}); point --db at another file."
        ) from error
    except BaseException:
        await conn.close()
        raise
    return db


LEGACY_VERSIONS = (1, 20, 30, 40)
"""The migrations that existed when only `PRAGMA user_version` recorded the schema: a database from then, at
version V, has exactly those of them that are <= V."""

LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
)"""


async def applied_versions(db: Database) -> set[int]:
    """Which migrations this database has: its ledger, seeded once from `user_version` for older databases."""
    await db.conn.execute(LEDGER)
    rows = await db.fetchall("SELECT version FROM schema_migrations")
    if rows:
        return {int(row[0]) for row in rows}
    row = await db.fetchone("PRAGMA user_version")
    legacy = legacy_applied(int(row[0]) if row else 0)
    if legacy - set(LEGACY_VERSIONS):
        return legacy  # not written by a threadbot we know: `migrate` refuses it without writing
    await db.conn.executemany(
        "INSERT OR IGNORE INTO schema_migrations (version, name) VALUES (?, 'before the ledger')",
        [(v,) for v in sorted(legacy)],
    )
    return legacy


def legacy_applied(user_version: int) -> set[int]:
    """The migrations a database without a ledger has, from its `PRAGMA user_version` alone; a version above
    every legacy one comes back as itself (a newer threadbot wrote it)."""
    if user_version > max(LEGACY_VERSIONS):
        return {user_version}
    return {v for v in LEGACY_VERSIONS if v <= user_version}


async def migrate(db: Database) -> int:
    """Apply every migration this database lacks, in version order, each atomically with its ledger row.

    A ledger (not only the highest number) because feature ranges are numbered apart: a database at 40 may
    still lack a later-written 10. Two processes starting at once are safe: the ledger row goes in first, so
    the second one's attempt fails on its key, rolls back, and skips that migration.
    """
    known = load_migrations()
    applied = await applied_versions(db)
    newer = sorted(applied - {m.version for m in known})
    if newer:
        raise DatabaseError(
            f"{db.path} was written by a newer threadbot (it has schema migration {newer[-1]}, which this one "
            "does not know); upgrade threadbot."
        )
    for migration in known:
        if migration.version in applied:
            continue
        log.info("applying migration %s", migration.name)
        top = max(applied | {migration.version})
        script = (
            "BEGIN IMMEDIATE;\n"
            f"INSERT INTO schema_migrations (version, name) VALUES ({migration.version}, '{migration.name}');\n"
            f"{migration.sql}\nPRAGMA user_version = {top};\nCOMMIT;"
        )
        try:
            await db.conn.executescript(script)
        except sqlite3.IntegrityError:
            if db.conn.in_transaction:
                await db.conn.execute("ROLLBACK")
            log.info("migration %s was applied by another process", migration.name)
        except BaseException:
            if db.conn.in_transaction:
                await db.conn.execute("ROLLBACK")
            raise
        applied.add(migration.version)
    return max(applied, default=0)
