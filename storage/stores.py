"""The `Stores` bundle: every store the core reaches, on one database, opened by one factory.

Entry points (the app, the CLI, benches) call `open_stores` and hand the bundle to the core; features use only
these typed stores, never the database under them. A PostgreSQL backend is one more branch in `open_stores`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from storage.db import Database, open_database
from storage.embedding_store import VectorStores
from storage.follow_store import FollowStore
from storage.interface import Store
from storage.locks import AdvisoryLocks, LocalLocks, ProcessLocks
from storage.pool_store import PoolStore
from storage.prompt_store import PromptStore
from storage.session_store import SessionStore
from storage.slack_events import SlackEventStore
from storage.slack_store import SlackInstallationStore
from storage.sql import SqlDatabase
from storage.sqlite_store import SqliteStore
from storage.stance_store import StanceStore


@dataclass(frozen=True, slots=True)
class Stores:
    archives: Store
    """Archives, comments, search and per-channel memory."""
    prompts: PromptStore
    pools: PoolStore
    """The prompt pools mined per archive (bot/prompts/mining.py) and the items moderators dropped."""
    sessions: SessionStore
    stance: StanceStore
    """Claims, moderators' fixes, members' votes and the model caches."""
    vectors: VectorStores
    slack: SlackInstallationStore
    """Slack installations and OAuth states (multi-workspace mode)."""
    follows: FollowStore
    """Threads re-imported from their links on a schedule (`archive follow`)."""
    slack_events: SlackEventStore
    """Slack event ids already handled, so a redelivered event is answered once across workers."""
    locks: ProcessLocks
    """Named locks shared by every process on the database (the adapters' one-at-a-time steps)."""
    database: SqlDatabase
    """The database under the stores, for maintenance tools and tests; features never use it."""
    _owner: _Closable
    backend: str = "sqlite"
    """"sqlite" or "postgresql": for maintenance tools and logs."""

    async def close(self) -> None:
        await self._owner.close()


class _Closable(Protocol):
    def close(self) -> Awaitable[None]: ...


def _stores(
    db: SqlDatabase, archives: Store, owner: _Closable, backend: str, locks: ProcessLocks
) -> Stores:
    return Stores(
        archives=archives,
        prompts=PromptStore(db),
        pools=PoolStore(db),
        sessions=SessionStore(db),
        stance=StanceStore(db),
        vectors=VectorStores(db),
        slack=SlackInstallationStore(db),
        follows=FollowStore(db),
        slack_events=SlackEventStore(db),
        locks=locks,
        database=db,
        _owner=owner,
        backend=backend,
    )


def sqlite_stores(db: Database) -> Stores:
    """Every store on one open SQLite database."""
    return _stores(db, SqliteStore(db), db, "sqlite", LocalLocks())


async def postgres_stores(url: str, *, migrate: bool = True) -> Stores:
    """Every store on one PostgreSQL database (migrated first, unless `migrate` is False)."""
    from storage.postgres.archive_store import PostgresStore  # psycopg is needed only on this path
    from storage.postgres.database import connect_pool
    from storage.postgres.migrate import migrate_pg

    db = await connect_pool(url)
    try:
        if migrate:
            await migrate_pg(db)
    except BaseException:
        await db.close()
        raise
    return _stores(db, PostgresStore(db), db, "postgresql", AdvisoryLocks(db))


async def open_stores(path: Path | str, url: str | None = None) -> Stores:
    """Open (and migrate) the database: PostgreSQL at `url` when given, else the SQLite file at `path`."""
    if url:
        return await postgres_stores(url)
    return sqlite_stores(await open_database(path))


def database_url(settings: object) -> str | None:
    """The PostgreSQL URL from settings (THREADBOT_DATABASE_URL), or None for SQLite."""
    secret = getattr(settings, "database_url", None)
    return secret.get_secret_value() if secret is not None else None
