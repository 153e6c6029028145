"""Shared fixtures: a real SQLite file in a temporary folder, the whole bot, and the console adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.settings import Settings
from storage.db import Database, open_database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "threadbot.db")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A bare migrated database in a temporary folder, for tests of one store."""
    database = await open_database(tmp_path / "store.db")
    try:
        yield database
    finally:
        await database.close()


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
