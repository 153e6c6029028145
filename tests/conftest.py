"""Shared fixtures: a real SQLite file in a temporary folder, the whole bot, and the console adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.settings import Settings
from storage.db import open_database
from storage.sql import SqlDatabase
from tests.pg_server import fresh_database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


BACKENDS = ("sqlite", "postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `sqlite_only` (SQLite's file, locks and disk errors) have no PostgreSQL variant."""
    kept, dropped = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("backend")
        (dropped if backend == "postgresql" and item.get_closest_marker("sqlite_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every test of stored behaviour runs on both databases; PostgreSQL's skips, saying why, when no test
    server is given (tests/pg_server.py)."""
    return str(request.param)


@pytest.fixture
def settings(tmp_path: Path, backend: str) -> Iterator[Settings]:
    if backend == "sqlite":
        yield Settings(db=tmp_path / "threadbot.db")
        return
    with fresh_database() as url:
        yield Settings(db=tmp_path / "threadbot.db", database_url=url)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """For tests of SQLite itself (its file, its locks, its staging): SQLite only."""
    return Settings(db=tmp_path / "threadbot.db")


@pytest.fixture
async def db(tmp_path: Path, backend: str) -> AsyncIterator[SqlDatabase]:
    """A bare migrated database (a temporary SQLite file, or a fresh PostgreSQL database), for tests of one store."""
    if backend == "sqlite":
        database = await open_database(tmp_path / "store.db")
        try:
            yield database
        finally:
            await database.close()
        return
    from storage.stores import postgres_stores

    with fresh_database() as url:
        stores = await postgres_stores(url)
        try:
            yield stores.database
        finally:
            await stores.close()


@pytest.fixture
def no_models(settings: Settings, tmp_path: Path) -> None:
    """The bot runs on the engine's word-based fallback (an empty model folder): for tests of a feature's
    mechanics, not of the models (loading them takes seconds; tests/stance covers them)."""
    empty = tmp_path / "no-models"
    empty.mkdir(exist_ok=True)
    settings.model_dir = empty


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[Bot]:
    async with open_bot(settings) as opened:
        yield opened


@pytest.fixture
def console(bot: Bot) -> ConsoleAdapter:
    return ConsoleAdapter(bot)
