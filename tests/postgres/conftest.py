"""Fixtures of the multi-process PostgreSQL tests: a fresh database per test, and two bots on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.app import open_bot
from bot.core import Bot
from bot.engine.loader import Engine
from bot.settings import Settings
from tests.pg_server import fresh_database
from tests.stance.test_nli_cache import real_engine

__all__ = ["real_engine"]  # the installed models, loaded once (tests/stance/test_nli_cache.py)


@pytest.fixture
def url() -> Iterator[str]:
    """A fresh migrated database (skipped, saying why, without a test server)."""
    with fresh_database() as database:  # not in an async fixture: it may build the template with asyncio.run
        yield database


@pytest.fixture
async def two_bots(url: str, real_engine: Engine, tmp_path: Path) -> AsyncIterator[tuple[Bot, Bot]]:
    """Two bots (a connection pool each, as two processes have) on one database, on the installed models."""
    async with (
        open_bot(Settings(db=tmp_path / "a.db", database_url=url)) as one,
        open_bot(Settings(db=tmp_path / "b.db", database_url=url)) as two,
    ):
        for bot in (one, two):
            bot.context.services.engine = real_engine
        yield one, two
