"""The model caches in SQLite: a repeated claim in a new process over the same database runs no NLI and embeds
nothing, `counter` reuses the z `stance` computed, and deleting an archive removes its cached rows. Needs the
real models."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine, load_engine
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScores
from bot.features.stance import pipeline as stance_feature
from bot.features.stance.reader import StanceReading
from bot.models import CounterReply, StanceReply
from bot.retrieval.search import vector_store
from bot.settings import Settings
from bot.times import now_iso

from .test_stance_commands import CLAIM, THREAD

SPACE = "console:local"


@pytest.fixture(scope="module")
def real_engine() -> Iterator[Engine]:
    if default_nli_files() is None or default_embedder_files() is None:
        pytest.skip("threadbot[models] not installed")
    yield load_engine()


def _record_nli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every premise the NLI model is asked to score from now on."""
    assert engine.nli is not None
    real = engine.nli.score
    premises: list[str] = []

    def recording(texts: list[str], hypothesis: str, *args: Any, **kwargs: Any) -> NliScores:
        premises.extend(texts)
        return real(texts, hypothesis, *args, **kwargs)

    monkeypatch.setattr(engine.nli, "score", recording)
    return premises


def _record_embedder(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the embedder is asked to embed from now on."""
    assert engine.embedder is not None
    real = engine.embedder.embed
    texts: list[str] = []

    def recording(batch: list[str]) -> Any:
        texts.extend(batch)
        return real(batch)

    monkeypatch.setattr(engine.embedder, "embed", recording)
    return texts


async def _cached_rows(bot: Bot, table: str = "nli_cache") -> int:
    row = await bot.context.stores.stance.db.fetchone(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_repeated_claim_in_a_new_process_runs_no_nli(
    settings: Settings, real_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second bot (a fresh store over the same file) answers the same counts without calling the model."""
    async with open_bot(settings) as first_bot:
        await first_bot.context.stores.archives.import_records(
            SPACE, "t", THREAD, created_at=now_iso(first_bot.context)
        )
        first_bot.context.services.engine = real_engine
        first = await ConsoleAdapter(first_bot).ask(f"stance {CLAIM} --all --archive t")
        assert isinstance(first, StanceReply) and await _cached_rows(first_bot) > 0
    premises = _record_nli(real_engine, monkeypatch)
    embedded = _record_embedder(real_engine, monkeypatch)
    async with open_bot(settings) as second_bot:
        second_bot.context.services.engine = real_engine
        started = time.perf_counter()
        asked = f"{CLAIM.lower()}."
        again = await ConsoleAdapter(second_bot).ask(f"stance {asked} --all --archive t")
        elapsed = time.perf_counter() - started
    # no comment goes through either model again: only the claim itself is embedded (for retrieval)
    assert premises == [] and set(embedded) <= {asked}
    assert isinstance(again, StanceReply) and again.counts == first.counts
    assert [(i.comment_id, i.label) for i in again.items] == [(i.comment_id, i.label) for i in first.items]
    print(f"repeated stance over a fresh store: {elapsed * 1000:.0f} ms")


async def test_counter_reuses_the_numbers_stance_computed(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `stance`, `counter` on the same claim sends no comment stance already scored through NLI."""
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    console = ConsoleAdapter(bot)
    stance = await console.ask(f"stance {CLAIM} --all --archive t")
    assert isinstance(stance, StanceReply)
    scored = {i.text for i in stance.items if i.label != "unrelated"}
    assert scored
    premises = _record_nli(real_engine, monkeypatch)
    counter = await console.ask(f"counter {CLAIM} --archive t")
    assert isinstance(counter, CounterReply) and counter.quote is not None
    assert not scored & set(premises)


async def test_deleting_an_archive_removes_its_cached_logits(bot: Bot, real_engine: Engine) -> None:
    """Cache rows go with their archive."""
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    await ConsoleAdapter(bot).ask(f"stance {CLAIM} --archive t")
    assert await _cached_rows(bot) > 0 and await _cached_rows(bot, "relevance_cache") > 0
    assert await bot.context.stores.archives.delete_archive(SPACE, "t")
    assert await _cached_rows(bot) == 0 and await _cached_rows(bot, "relevance_cache") == 0


async def test_a_fresh_archive_answers_before_the_indexer_and_says_what_it_left_out(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no stored vectors, only a bounded number of comments are embedded during the command; the reply says
    how many were left out. They are embedded (and stored) after the reply, so the next ask counts them all and
    sends no comment through the embedder or NLI again."""
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    monkeypatch.setattr(stance_feature, "EMBED_NOW", 2)
    console = ConsoleAdapter(bot)
    partial = await console.ask(f"stance {CLAIM} --archive t")
    assert isinstance(partial, StanceReply) and partial.note and "still being indexed" in partial.note
    reader = bot.context.services.reader
    assert isinstance(reader, StanceReading)
    await reader.wait_until_read()
    vectors, archive = vector_store(bot.context), await bot.context.stores.archives.find_archive(SPACE, "t")
    assert vectors is not None and archive is not None
    assert await vectors.count_archive(archive.id) > 2  # stored for every later command, as the indexer would
    premises = _record_nli(real_engine, monkeypatch)
    embedded = _record_embedder(real_engine, monkeypatch)
    full = await console.ask(f"stance {CLAIM} --archive t")
    assert isinstance(full, StanceReply) and not full.note
    assert premises == [] and set(embedded) <= {CLAIM}
    assert sum(full.counts.model_dump().values()) > sum(partial.counts.model_dump().values())
