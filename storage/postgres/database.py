"""`PostgresDatabase`: the `SqlDatabase` protocol (storage/sql.py) on a PostgreSQL server, for several bot
processes on one database.

A psycopg connection pool serves the process. Reads run on any pooled connection in autocommit. A write
transaction takes one transaction-scoped advisory lock first, so write transactions run one at a time across
every process, as they do on SQLite (`BEGIN IMMEDIATE`): the stores' read-then-write steps stay correct
unchanged. Imports and work queues that are built for concurrency ask for `transaction(exclusive=False)`.

When the server cannot be reached (it restarts, the network drops), a command gets `DatabaseUnavailableError`,
which says nothing was changed and to try again; the pool reconnects by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool

from storage.postgres.translate import to_postgres
from storage.sql import DatabaseError, DatabaseWriteError

log = logging.getLogger(__name__)

WRITE_LOCK = 7_245_163_001
"""The advisory lock key every exclusive write transaction holds: one writer at a time, in every process."""
POOL_SIZE = 8
CONNECT_TIMEOUT_SECONDS = 10.0
PROBE_AFTER_SECONDS = 1.0
"""How long a command waits for a pooled connection before checking that the server is there at all."""
PROBE_TIMEOUT_SECONDS = 3
UNAVAILABLE_MESSAGE = (
    "The bot's database cannot be reached right now (it may be restarting); nothing was changed."
)
UNAVAILABLE_HINT = "Try again in a moment."


class DatabaseUnavailableError(DatabaseWriteError):
    """The server could not be reached or dropped the connection; the command's transaction was rolled back."""

    def __init__(self, detail: str) -> None:
        super().__init__(UNAVAILABLE_MESSAGE, UNAVAILABLE_HINT)
        self.detail = detail


class PgRow(tuple[Any, ...]):
    """A result row read by column index or name, like `sqlite3.Row`."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> PgRow:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def pg_rows(cursor: Any) -> RowMaker[PgRow]:
    """psycopg row factory: `PgRow`s that share one name index per result."""
    description = cursor.description or []
    names = {column.name: index for index, column in enumerate(description)}

    def make(values: Sequence[Any]) -> PgRow:
        return PgRow(values, names)

    return make


def _params(parameters: Iterable[Any] | None) -> tuple[Any, ...] | None:
    """SQLite stores booleans as 0/1 and the stores bind Python bools to INTEGER columns: do the same here."""
    if parameters is None:
        return None
    return tuple(int(value) if isinstance(value, bool) else value for value in parameters)


class _Execution:
    """What `execute` returns: awaited, the cursor; entered with `async with`, the cursor too (aiosqlite's
    two ways, which the stores use)."""

    def __init__(
        self, conn: psycopg.AsyncConnection[PgRow], sql: str, parameters: Iterable[Any] | None
    ) -> None:
        self._conn = conn
        self._sql = sql
        self._parameters = parameters

    async def _run(self) -> psycopg.AsyncCursor[PgRow]:
        cursor = self._conn.cursor()
        await cursor.execute(to_postgres(self._sql), _params(self._parameters))
        return cursor

    def __await__(self) -> Any:
        return self._run().__await__()

    async def __aenter__(self) -> psycopg.AsyncCursor[PgRow]:
        return await self._run()

    async def __aexit__(self, *exc: object) -> None:
        return None


class PostgresConnection:
    """The connection a transaction hands out, with aiosqlite's `execute` and `executemany`."""

    def __init__(self, conn: psycopg.AsyncConnection[PgRow]) -> None:
        self.raw = conn
        """The psycopg connection itself, for COPY in the PostgreSQL stores."""

    def execute(self, sql: str, parameters: Iterable[Any] | None = None, /) -> _Execution:
        return _Execution(self.raw, sql, parameters)

    async def executemany(self, sql: str, seq: Iterable[Iterable[Any]], /) -> psycopg.AsyncCursor[PgRow]:
        cursor = self.raw.cursor()
        rows = [_params(parameters) or () for parameters in seq]
        if rows:
            await cursor.executemany(to_postgres(sql), rows)
        return cursor


def unavailable(error: BaseException) -> bool:
    """The connection failed or was closed under us (not a constraint or syntax error)."""
    return isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)) and not isinstance(
        error, psycopg.errors.QueryCanceled
    )


Pool = AsyncConnectionPool[psycopg.AsyncConnection[PgRow]]


def connection_lost(error: BaseException) -> bool:
    """The server went away (no SQLSTATE: the client lost it; 08: connection; 57P: shutdown, starting up), as
    opposed to a deadlock or a serialization failure on a server that is there."""
    state = getattr(error, "sqlstate", None)
    return state is None or state.startswith(("08", "57P"))


class PostgresDatabase:
    """A pool of connections to one PostgreSQL database, that finds its way back after the server restarts.

    Once a command has found the server unreachable, the next ones first try one direct connection: while the
    server is down they fail at once (not after the pool's wait), and when it is back the pool is replaced by a
    fresh one, so the first command answers at once instead of waiting out the old pool's reconnect backoff
    (which grows to tens of seconds during a long outage). A wait for a pooled connection longer than
    `PROBE_AFTER_SECONDS` checks the server the same way, so a command in flight when the server goes away gets
    its "try again" within seconds, while a merely busy pool keeps it waiting."""

    dialect = "postgresql"

    def __init__(self, pool: Pool, url: str, size: int = POOL_SIZE) -> None:
        self.pool = pool
        self.url = url
        self.size = size
        self.path = redact_url(url)
        """What messages call this database (the URL without its password)."""
        self._reachable = True
        self._renewing = asyncio.Lock()
        self._retired: set[asyncio.Task[None]] = set()
        self._probe: asyncio.Future[None] | None = None
        self._probed_at = 0.0

    @asynccontextmanager
    async def transaction(self, *, exclusive: bool = True) -> AsyncIterator[PostgresConnection]:
        """One transaction, committed at the end or rolled back on any error: nothing half-written survives.
        `exclusive` (the default) waits for the one write lock all processes share."""
        try:
            async with self._pooled() as conn, conn.transaction():
                if exclusive:
                    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                yield PostgresConnection(conn)
        except BaseException as error:
            if unavailable(error):
                self._reachable = self._reachable and not connection_lost(error)
                log.warning("a command on %s was cut off: %s", self.path, error)
                raise DatabaseUnavailableError(str(error)) from error
            raise

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[PostgresConnection]:
        """One pooled connection in autocommit, for a series of reads (or COPY) outside a transaction."""
        try:
            async with self._pooled() as conn:
                yield PostgresConnection(conn)
        except BaseException as error:
            if unavailable(error):
                self._reachable = self._reachable and not connection_lost(error)
                log.warning("a read on %s was cut off: %s", self.path, error)
                raise DatabaseUnavailableError(str(error)) from error
            raise

    @asynccontextmanager
    async def _pooled(self) -> AsyncIterator[psycopg.AsyncConnection[PgRow]]:
        if not self._reachable:
            await self._renew()
        pool = self.pool
        waiting = asyncio.ensure_future(pool.getconn())
        try:
            done, _ = await asyncio.wait({waiting}, timeout=PROBE_AFTER_SECONDS)
            if not done:
                await self._check_server()  # the pool is slow to hand one out: is the server there at all?
            conn = await waiting
        except BaseException:
            if not waiting.done():
                waiting.cancel()  # the pool takes back a connection it was about to hand over
                with contextlib.suppress(BaseException):
                    await waiting
            elif not waiting.cancelled() and waiting.exception() is None:
                await pool.putconn(waiting.result())
            raise
        try:
            yield conn
        finally:
            await pool.putconn(conn)

    async def _check_server(self) -> None:
        """`DatabaseUnavailableError` if the server does not answer one direct connection. Commands waiting at
        once share one probe (and a success for `PROBE_AFTER_SECONDS`), so a busy pool is not met with a
        connection per waiting command; a failed probe is not reused, so the server's return is seen at once."""
        probe = self._probe
        if probe is None or (probe.done() and not self._fresh_success(probe)):
            self._probed_at = time.monotonic()
            probe = self._probe = asyncio.ensure_future(self._connect_once())
            probe.add_done_callback(lambda done: done.cancelled() or done.exception())
        await asyncio.shield(probe)

    def _fresh_success(self, probe: asyncio.Future[None]) -> bool:
        if probe.cancelled() or probe.exception() is not None:
            return False
        return time.monotonic() - self._probed_at <= PROBE_AFTER_SECONDS

    async def _connect_once(self) -> None:
        try:
            conn = await psycopg.AsyncConnection.connect(self.url, connect_timeout=PROBE_TIMEOUT_SECONDS)
        except psycopg.Error as error:
            self._reachable = False
            raise DatabaseUnavailableError(str(error)) from error
        await conn.close()

    async def _renew(self) -> None:
        """After the server was unreachable: fail fast while it still is; once it answers, a fresh pool."""
        await self._check_server()
        async with self._renewing:
            if self._reachable:
                return  # another command renewed it meanwhile
            old, self.pool = self.pool, new_pool(self.url, self.size)
            await self.pool.open(wait=False)
            self._reachable = True
            log.warning("%s answers again; reconnected", self.path)
        retiring = asyncio.create_task(old.close(timeout=PROBE_TIMEOUT_SECONDS))
        self._retired.add(retiring)
        retiring.add_done_callback(self._retired.discard)

    async def fetchall(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> list[PgRow]:
        async with self.connection() as conn, conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> PgRow | None:
        async with self.connection() as conn, conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def close(self) -> None:
        await asyncio.gather(*self._retired, return_exceptions=True)
        await self.pool.close()


def redact_url(url: str) -> str:
    """The URL with any password replaced, for logs and error messages (secrets are never logged)."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the PostgreSQL database (its URL could not be read)"
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    name = info.get("dbname") or info.get("user") or ""
    return f"postgresql://{host}:{port}/{name}"


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    conn.row_factory = pg_rows


SCHEMES = ("postgresql://", "postgres://")


def connect_failure(url: str, error: BaseException) -> str:
    """What an operator reads when the first connection fails: the server's own reason, then the likely fix."""
    reason = " ".join(str(error).split()) or type(error).__name__
    text = reason.lower()
    if "does not exist" in text and "database" in text:
        fix = "create the database (createdb NAME, as the postgres user) or fix its name in the URL"
    elif "password" in text or "authentication" in text or "role" in text:
        fix = "check the user name and password in the URL, and pg_hba.conf on the server"
    elif "invalid" in text or "missing" in text or "unrecognized" in text:
        fix = "write the URL as postgresql://user:password@host:port/name"
    else:
        fix = "check that the server is running and that the URL's host and port reach it"
    stop = " " if reason.endswith((".", "?", "!")) else ". "
    return f"cannot connect to {redact_url(url)}: {reason}{stop}Fix: {fix} (THREADBOT_DATABASE_URL; docs/deploy.md)."


async def _probe(url: str) -> None:
    """One direct connection first: the server's reason for refusing at once, rather than a pool's timeout."""
    if "://" in url and not url.startswith(SCHEMES):
        scheme = url.split("://", 1)[0]
        raise DatabaseError(
            f"THREADBOT_DATABASE_URL must be a PostgreSQL URL, postgresql://user:password@host:port/name, "
            f"not a {scheme}:// one (unset it to use the SQLite file THREADBOT_DB)."
        )
    try:
        conn = await psycopg.AsyncConnection.connect(url, connect_timeout=int(CONNECT_TIMEOUT_SECONDS))
    except psycopg.Error as error:
        raise DatabaseError(connect_failure(url, error)) from error
    await conn.close()


def new_pool(url: str, size: int) -> Pool:
    """A pool (not yet open) of autocommit connections, each checked before it is handed out."""
    return AsyncConnectionPool(
        url,
        min_size=1,
        max_size=size,
        kwargs={"autocommit": True},
        configure=_configure,
        check=AsyncConnectionPool.check_connection,
        open=False,
        timeout=CONNECT_TIMEOUT_SECONDS,
        name="threadbot",
    )


async def connect_pool(url: str, *, size: int = POOL_SIZE) -> PostgresDatabase:
    """Open a pool on `url` and check the server answers; a clear `DatabaseError` if it does not."""
    await _probe(url)
    pool = new_pool(url, size)
    try:
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS)
    except Exception as error:  # psycopg_pool.PoolTimeout carries the server's last refusal in its text
        await pool.close()
        raise DatabaseError(
            f"cannot connect to {redact_url(url)}: {error}. Check THREADBOT_DATABASE_URL and that the server "
            "is running (docs/deploy.md)."
        ) from error
    return PostgresDatabase(pool, url, size)
