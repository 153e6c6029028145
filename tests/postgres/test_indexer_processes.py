"""Two real bot processes indexing one PostgreSQL database: every comment is embedded exactly once between
them (each batch's block of ids is claimed while it is embedded), and a block held by a process that is
killed is embedded by the other.

Each process says which comment ids its indexer embedded and stored (tests/faults/crashable.py); the
embedding model is the installed one, loaded without the stance model.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bot.engine.modelfiles import default_embedder_files
from bot.retrieval.indexer import BATCH_SIZE, BLOCK_BATCHES
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord
from storage.interface import SHARED_SPACE
from storage.sample import SAMPLE_ARCHIVE
from storage.stores import postgres_stores
from tests.faults.test_kill import POINT_TIMEOUT, BotProcess
from tests.pg_server import fresh_database

COMMENTS = 1200  # five blocks of 256 ids (four batches of 64 each)
SPACE = "console:local"
TOPICS = ("remote work", "city trams", "school lunches", "night trains", "public libraries", "bike lanes")


@pytest.fixture
def url() -> Iterator[str]:
    if default_embedder_files() is None:
        pytest.skip("threadbot[models] not installed")
    with fresh_database() as database:
        yield database


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(row) for row in conn.execute(sql)]


async def _import(url: str, archive: str, records: list[CommentRecord]) -> None:
    stores = await postgres_stores(url, migrate=False)
    try:
        await stores.archives.import_records(SHARED_SPACE if archive == SAMPLE_ARCHIVE else SPACE, archive,
                                             records, created_at=iso(utc_now()))  # fmt: skip
    finally:
        await stores.close()


def _thread(count: int) -> list[CommentRecord]:
    return [CommentRecord(f"e{n}", f"Comment {n} on {TOPICS[n % len(TOPICS)]} and what they cost.")
            for n in range(count)]  # fmt: skip


def _indexing_bot(folder: Path, url: str, name: str, point: str = "") -> BotProcess:
    return BotProcess(folder, folder / "unused.db", name, point, THREADBOT_DATABASE_URL=url,
                      FAULT_EMBEDDER_ONLY="1", FAULT_INDEXER_IDLE="0.05")  # fmt: skip


WITHOUT_VECTOR = "SELECT c.id FROM comments c WHERE NOT EXISTS (SELECT 1 FROM comment_vectors v WHERE v.comment_id = c.id)"


def _block_of(comment_id: int) -> int:
    """The block of ids an indexer claims this comment's batch in (bot/retrieval/indexer.py)."""
    return (comment_id - 1) // (BATCH_SIZE * BLOCK_BATCHES)


def _embedded(bot: BotProcess) -> list[int]:
    """Every comment id this process's indexer embedded and stored, in order (repeats kept)."""
    lines = bot.signal.read_text().splitlines() if bot.signal.exists() else []
    return [int(cid) for line in lines if line.startswith("indexed ") for cid in line[8:].split(",")]


def _wait_until_embedded(url: str, bots: list[BotProcess], timeout: float = POINT_TIMEOUT) -> None:
    query = "SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM comment_vectors)"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        total, vectors = _rows(url, query)[0]
        if total == vectors:
            return
        for bot in bots:
            assert bot.process.poll() is None, bot.errors()
        time.sleep(0.05)
    raise AssertionError(f"not every comment was embedded: {[bot.errors() for bot in bots]}")


async def _two_started(url: str, folder: Path, first_point: str = "") -> list[BotProcess]:
    """Both processes up with their indexer running and idle (the sample archive is one comment, so the bot
    adds no bundled sample to embed first)."""
    await _import(url, SAMPLE_ARCHIVE, [CommentRecord("s0", "A single sample comment about remote work.")])
    bots = [_indexing_bot(folder, url, "one", first_point), _indexing_bot(folder, url, "two")]
    for bot in bots:
        await asyncio.to_thread(bot.wait_for, "indexing")
    await asyncio.to_thread(_wait_until_embedded, url, bots)
    return bots


async def test_two_processes_embed_each_comment_exactly_once(url: str, tmp_path: Path) -> None:
    """An import lands while both indexers run: every comment ends with one vector, no comment was embedded
    by both processes' indexers (nor twice by one), and both did part of the work."""
    bots = await _two_started(url, tmp_path)
    try:
        await _import(url, "big", _thread(COMMENTS))
        await asyncio.to_thread(_wait_until_embedded, url, bots)
    finally:
        codes = [bot.stop() for bot in bots]
    assert codes == [0, 0]
    one, two = _embedded(bots[0]), _embedded(bots[1])
    everything = one + two
    assert len(everything) == len(set(everything)), (len(one), len(two))  # none by both, none twice
    assert one and two
    assert len(everything) >= COMMENTS * 0.9  # the indexers did it (commands and the miner embed a few hits)
    assert _rows(url, "SELECT count(*), count(DISTINCT comment_id) FROM comment_vectors") == [
        (COMMENTS + 1, COMMENTS + 1)
    ]


async def test_a_block_held_by_a_killed_process_is_embedded_by_the_other_once(url: str, tmp_path: Path) -> None:
    """The first process freezes with a batch computed and not stored, its block claimed: the other embeds
    everything else and leaves that block alone while the first is alive; killed, its claim goes with its
    connection and the other embeds the rest, once."""
    bots = await _two_started(url, tmp_path, first_point="embed-save")
    frozen, other = bots
    try:
        await _import(url, "big", _thread(COMMENTS))
        await asyncio.to_thread(frozen.wait_for, "embed-save")
        line = next(ln for ln in frozen.signal.read_text().splitlines() if ln.startswith("computed "))
        held = [int(cid) for cid in line[9:].split(",")]
        # Everything but the frozen process's block gets a vector (its miner may embed a few hits in it).
        block = _block_of(min(held))
        deadline = time.monotonic() + POINT_TIMEOUT
        while True:
            left = {int(str(row[0])) for row in _rows(url, WITHOUT_VECTOR)}
            if left and {_block_of(cid) for cid in left} == {block}:
                break
            assert time.monotonic() < deadline, f"the others were not embedded: {other.errors()}"
            await asyncio.sleep(0.05)
        assert not set(held) & set(_embedded(other))  # its indexer left the claimed block alone
        frozen.kill()
        await asyncio.to_thread(_wait_until_embedded, url, [other])
    finally:
        assert other.stop() == 0
    assert not set(held) & set(_embedded(frozen))  # the other process stored them: every comment has a vector
    everything = _embedded(frozen) + _embedded(other)
    assert len(everything) == len(set(everything))
    assert _rows(url, "SELECT count(*), count(DISTINCT comment_id) FROM comment_vectors") == [
        (COMMENTS + 1, COMMENTS + 1)
    ]
