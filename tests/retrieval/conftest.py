"""Fixtures for retrieval: the real installed models (loaded once), a bot on a temporary database that uses them,
and a small archive whose comments a query can match by meaning without sharing a word."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.app import open_bot
from bot.core import Bot
from bot.engine.loader import Engine, load_engine
from bot.engine.modelfiles import default_embedder_files
from bot.retrieval.indexer import indexer_for
from bot.settings import Settings
from bot.times import now_iso
from storage.importers.records import CommentRecord
from storage.interface import ArchiveInfo

SPACE = "console:local"
GARDEN = [
    "The physician prescribed antibiotics to cure the infection quickly.",
    "Tomatoes ripen faster when the summer is hot and dry.",
    "Our team lost the final match after extra time.",
    "Interest rates went up again, so mortgages cost more.",
    "My cat sleeps on the keyboard whenever I try to work.",
    "Electric cars need a denser network of chargers on motorways.",
]
PARAPHRASE = "a doctor gave medicine to heal someone who was ill"  # shares no word with GARDEN[0]


@pytest.fixture(scope="session")
def engine() -> Engine:
    if default_embedder_files() is None:
        pytest.skip("threadbot[models] not installed")
    return load_engine()


@pytest.fixture(scope="session")
def embedded_template(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh database whose bundled sample is already embedded, made once and copied per test (saves time)."""
    path = tmp_path_factory.mktemp("template") / "threadbot.db"

    async def build() -> None:
        assert engine.embedder is not None
        async with open_bot(Settings(db=path)) as opened:
            indexer = indexer_for(opened.context.stores.vectors, engine.embedder)
            assert indexer is not None
            await indexer.drain()

    asyncio.run(build())
    return path


@pytest.fixture
async def bot(tmp_path: Path, engine: Engine, embedded_template: Path) -> AsyncIterator[Bot]:
    """The whole bot, sharing the session's loaded engine; vector checks are never cached stale."""
    shutil.copy(embedded_template, tmp_path / "threadbot.db")
    async with open_bot(Settings(db=tmp_path / "threadbot.db")) as opened:
        opened.context.services.engine = engine
        opened.context.services.vectors.refresh_seconds = 0.0
        yield opened


async def import_garden(bot: Bot, name: str = "garden", texts: list[str] | None = None) -> ArchiveInfo:
    records = [CommentRecord(source_id=f"g{i}", text=t) for i, t in enumerate(texts or GARDEN)]
    return (
        await bot.context.stores.archives.import_records(SPACE, name, records, created_at=now_iso(bot.context))
    ).archive
