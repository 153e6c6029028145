"""What one process imports or deletes on a PostgreSQL database, another running process's caches see at once:
its remembered retrievals (keyed by the archive's revision) and its vector matrices (checked again when the
revision moves, not only every few seconds)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.app import open_bot
from bot.core import Bot
from bot.engine.loader import Engine
from bot.retrieval import retrieve
from bot.retrieval.indexer import indexer_for
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord
from storage.interface import SHARED_SPACE
from storage.sample import SAMPLE_ARCHIVE
from storage.stores import postgres_stores
from tests.faults.processes import REPO, clean_env
from tests.faults.test_kill import POINT_TIMEOUT, BotProcess, no_models
from tests.retrieval.conftest import GARDEN, PARAPHRASE, engine

__all__ = ["engine"]  # the installed models, loaded once per session (tests/retrieval/conftest.py)

SPACE = "console:local"
TOWN = [
    ("t0", "Trams should run every five minutes on the main line.", "ann"),
    ("t1", "Trams are too slow in the old town; buses are quicker.", "bob"),
]
GONDOLA = ("t2", "A gondola lift over the river would beat any tram for the hill.", "gina")
NOTHING = "Nothing in the archive `town` matches “gondola”."


async def _import(url: str, space: str, archive: str, rows: list[tuple[str, str, str | None]]) -> None:
    stores = await postgres_stores(url, migrate=False)
    try:
        records = [CommentRecord(source, text, author=author) for source, text, author in rows]
        await stores.archives.import_records(space, archive, records, created_at=iso(utc_now()))
    finally:
        await stores.close()


async def _delete_author(url: str, author: str) -> int:
    stores = await postgres_stores(url, migrate=False)
    try:
        return await stores.archives.delete_comments_by_author(SPACE, "town", author)
    finally:
        await stores.close()


def _ask(bot: BotProcess, command: str, expected: str, times: int = 1) -> None:
    """Send a command to the running bot; wait until its output shows `expected` `times` times."""
    bot.send(command)
    deadline = time.monotonic() + POINT_TIMEOUT
    while bot.output().count(expected) < times:
        assert bot.process.poll() is None, bot.errors()
        assert time.monotonic() < deadline, f"no {expected!r} in {bot.output()!r}: {bot.errors()}"
        time.sleep(0.02)


def _threadbot_import(url: str, folder: Path, rows: list[tuple[str, str, str]]) -> None:
    """`threadbot import FILE --archive town` in its own process."""
    path = folder / "more.jsonl"
    path.write_text("".join(json.dumps({"id": s, "parent_id": None, "author": a, "text": t}) + "\n" for s, t, a in rows))
    env = clean_env(folder / "unused.db", THREADBOT_DATABASE_URL=url, THREADBOT_MODEL_DIR=str(no_models(folder)))
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "import", str(path), "--archive", "town", "--space", SPACE],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


async def test_an_import_in_one_process_is_quoted_by_another_and_a_deletion_is_not(url: str, tmp_path: Path) -> None:
    """A running bot quotes nothing on gondolas; `threadbot import` in another process adds one and the running
    bot quotes it; a third process deletes its author's comments and the running bot finds nothing again (the
    same question each time: its remembered answers follow the archive's revision)."""
    await _import(url, SPACE, "town", list(TOWN))
    running = BotProcess(tmp_path, tmp_path / "unused.db", "running", THREADBOT_DATABASE_URL=url)
    try:
        await asyncio.to_thread(_ask, running, "quote gondola", NOTHING)
        await asyncio.to_thread(_threadbot_import, url, tmp_path, [GONDOLA])
        await asyncio.to_thread(_ask, running, "quote gondola", "would beat any tram")
        assert await _delete_author(url, "gina") == 1
        await asyncio.to_thread(_ask, running, "quote gondola", NOTHING, times=2)
    finally:
        assert running.stop() == 0
    assert running.output().count("would beat any tram") == 1


@pytest.fixture
async def two_bots(url: str, engine: Engine, tmp_path: Path) -> AsyncIterator[tuple[Bot, Bot]]:
    """Two bots (a connection pool each, as two processes have) on one database, on the session's engine. The
    reader's vector matrices are not looked at again by the clock for an hour: only a new revision moves them."""
    await _import(url, SHARED_SPACE, SAMPLE_ARCHIVE, [("s0", "One sample comment about trams.", None)])
    async with (
        open_bot(Settings(db=tmp_path / "a.db", database_url=url)) as writer,
        open_bot(Settings(db=tmp_path / "b.db", database_url=url)) as reader,
    ):
        for bot in (writer, reader):
            bot.context.services.engine = engine
        reader.context.services.vectors.refresh_seconds = 3600.0
        yield writer, reader


async def _import_and_embed(writer: Bot, engine: Engine, texts: list[str]) -> int:
    ctx = writer.context
    records = [CommentRecord(f"g{GARDEN.index(t)}", t) for t in texts]
    imported = await ctx.stores.archives.import_records(SPACE, "garden", records, created_at=iso(utc_now()))
    assert engine.embedder is not None
    await indexer_for(ctx.stores.vectors, engine.embedder).drain()
    return imported.archive.id


async def test_vectors_another_process_adds_are_searched_at_once(two_bots: tuple[Bot, Bot], engine: Engine) -> None:
    """The reader has the archive's matrix cached; the writer imports and embeds a comment that only its meaning
    finds (no word shared with the question): the reader's next search finds it, without waiting for the clock.
    The writer deletes it: the reader no longer finds it."""
    writer, reader = two_bots
    garden = await _import_and_embed(writer, engine, GARDEN[1:])
    assert (await retrieve(reader.context, [garden], PARAPHRASE, 3)).hits == []
    await _import_and_embed(writer, engine, [GARDEN[0]])
    found = await retrieve(reader.context, [garden], PARAPHRASE, 3)
    assert found.dense and [hit.comment.text for hit in found.hits][:1] == [GARDEN[0]]
    db = writer.context.stores.database
    await db.fetchone("UPDATE comments SET author = 'ann' WHERE source_id = 'g0' RETURNING id")
    assert await writer.context.stores.archives.delete_comments_by_author(SPACE, "garden", "ann") == 1
    assert GARDEN[0] not in [hit.comment.text for hit in (await retrieve(reader.context, [garden], PARAPHRASE, 3)).hits]
