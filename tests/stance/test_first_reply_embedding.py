"""How much a first reply embeds itself while the indexer has not reached a claim's comments: a small thread all
of them at once (its first answer is whole), a big archive only for `EMBED_SECONDS`, however few it misses.

On a fresh 100k archive with the indexer part way through, a claim missing 32 long comments embedded all 32
before reading any, and its first reply took 4.1 s against the 3 s the platforms allow."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.features.stance import pipeline as stance_feature
from bot.features.stance.reader import StanceReading
from bot.models import StanceReply
from bot.times import now_iso
from storage.importers.records import CommentRecord

from .test_nli_cache import _record_embedder, real_engine  # noqa: F401 (fixture)

SPACE = "console:local"
CLAIM = "Remote work makes teams more productive"
SLOW_BATCH_SECONDS = 0.3
"""What the stand-in embedding takes a batch: a batch of long comments, in the time of a busy machine."""

ON_TOPIC = [
    CommentRecord(f"c{i}", f"Remote work made team {i} more productive, in my experience number {i}.", author=f"u{i}")
    for i in range(20)
]
PADDING = [
    CommentRecord(f"p{i}", f"The bakery on street {i} sells rye bread and apple cake every morning.", author=f"b{i}")
    for i in range(stance_feature.SMALL_THREAD)
]


def slow_embedding(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every comment id the command embeds itself, each batch taking `SLOW_BATCH_SECONDS`."""
    embedded: list[int] = []
    real = stance_feature.embed_and_store

    async def slow(store: object, embedder: object, ids: Sequence[int], texts: Sequence[str]) -> object:
        started = time.perf_counter()
        rows = await real(store, embedder, ids, texts)  # type: ignore[arg-type]
        time.sleep(max(0.0, SLOW_BATCH_SECONDS - (time.perf_counter() - started)))  # holds the loop, as CPU would
        embedded.extend(ids)
        return rows

    monkeypatch.setattr(stance_feature, "embed_and_store", slow)
    return embedded


async def first_reply(bot: Bot, engine: Engine, records: list[CommentRecord]) -> StanceReply:
    await bot.context.stores.archives.import_records(SPACE, "t", records, created_at=now_iso(bot.context))
    bot.context.services.engine = engine
    reply = await ConsoleAdapter(bot).ask(f"stance {CLAIM} --archive t")
    assert isinstance(reply, StanceReply), reply
    return reply


async def test_a_small_thread_is_embedded_whole_on_first_ask(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    embedded = slow_embedding(monkeypatch)
    reply = await first_reply(bot, real_engine, ON_TOPIC)
    assert len(embedded) == len(ON_TOPIC)
    assert "still being indexed" not in (reply.note or "")


async def test_a_big_archive_embeds_for_half_a_second_however_few_it_misses(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """20 candidates missing, under `EMBED_ALWAYS`, in an archive past `SMALL_THREAD`: two batches of 8 fit in the
    time (the second ends past it), the other 4 are left to the background and the reply says so."""
    assert len(ON_TOPIC) <= stance_feature.EMBED_ALWAYS
    embedded = slow_embedding(monkeypatch)
    reply = await first_reply(bot, real_engine, ON_TOPIC + PADDING)
    assert len(embedded) == 2 * stance_feature.EMBED_BATCH < len(ON_TOPIC)
    assert reply.partial and reply.note and "4 more matching comments are still being indexed" in reply.note, reply.note


def long_on_topic() -> list[CommentRecord]:
    """20 comments of three sentences, worded afresh for each test: the engine's window cache outlives a test (the
    same engine serves both backends), and windows it holds need no embedding."""
    fresh = uuid.uuid4().hex[:8]
    return [
        CommentRecord(
            f"l{i}",
            f"Remote work made team {i} more productive. We measured it over {i + 2} months with tickets {fresh}. "
            f"Nobody wants to go back to the office now.",
            author=f"w{i}",
        )
        for i in range(20)
    ]


async def test_a_big_archive_embeds_sentence_windows_for_a_bounded_time(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """Candidates with a vector but no sentence windows yet (the indexer does windows after vectors): the first
    reply embeds windows for `WINDOW_SECONDS` (at most three steps of 4 comments here) and leaves the others to
    the background, where relevance used to embed every one of them before reading any; the background reader
    then completes the answer without embedding their vectors again."""
    monkeypatch.setattr(stance_feature, "EMBED_SECONDS", 100.0)  # every vector now: windows are what is measured
    real = real_engine.stance.comment_windows
    windowed: list[str] = []

    def slow(comments: Sequence[str]) -> list[object]:
        time.sleep(0.25)
        windowed.extend(comments)
        return real(comments)  # type: ignore[return-value]

    monkeypatch.setattr(real_engine.stance, "comment_windows", slow)
    asked = _record_embedder(real_engine, monkeypatch)
    records = long_on_topic()
    reply = await first_reply(bot, real_engine, records + PADDING)
    assert 4 <= len(windowed) <= 12  # steps of 4 comments, 0.25 s each, while under 0.6 s had passed
    left = len(records) - len(windowed)
    assert reply.partial and reply.note and f"{left} more matching comments are still being indexed" in reply.note

    reader = bot.context.services.reader
    assert isinstance(reader, StanceReading)
    await reader.wait_until_read()
    again = await ConsoleAdapter(bot).ask(f"stance {CLAIM} --archive t")
    assert isinstance(again, StanceReply) and not again.partial, again.note
    whole = {r.text for r in records}
    assert sorted(t for t in asked if t in whole) == sorted(whole)  # each vector once: those left out kept theirs
