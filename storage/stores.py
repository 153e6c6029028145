"""The `Stores` bundle: every store the core reaches, on one database, opened by one factory.

Entry points (the app, the CLI, benches) call `open_stores` and hand the bundle to the core; features use only
these typed stores, never the database under them. A PostgreSQL backend is one more branch in `open_stores`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storage.db import Database, open_database
from storage.embedding_store import VectorStores
from storage.follow_store import FollowStore
from storage.interface import Store
from storage.pool_store import PoolStore
from storage.prompt_store import PromptStore
from storage.session_store import SessionStore
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
    database: SqlDatabase
    """The database under the stores, for maintenance tools and tests; features never use it."""
    _owner: Database

    async def close(self) -> None:
        await self._owner.close()


def sqlite_stores(db: Database) -> Stores:
    """Every store on one open SQLite database."""
    return Stores(
        archives=SqliteStore(db),
        prompts=PromptStore(db),
        pools=PoolStore(db),
        sessions=SessionStore(db),
        stance=StanceStore(db),
        vectors=VectorStores(db),
        slack=SlackInstallationStore(db),
        follows=FollowStore(db),
        database=db,
        _owner=db,
    )


async def open_stores(path: Path | str) -> Stores:
    """Open (and migrate) the database at `path` and build every store on it."""
    return sqlite_stores(await open_database(path))
