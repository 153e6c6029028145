"""Reading on in the background: what a `stance` reply had no time for is scored after it, so the next ask of
the claim is complete and runs no NLI, and an ask while reading goes on answers at once and says so. Needs the
real models."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from adapters import cli
from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine import loader
from bot.engine.loader import Engine
from bot.features.stance import pipeline as stance_feature
from bot.features.stance.reader import StanceReading
from bot.models import CounterReply, StanceReply
from bot.settings import Settings
from bot.times import now_iso

from .test_nli_cache import _cached_rows, _record_embedder, _record_nli, real_engine  # noqa: F401 (fixture)
from .test_stance_commands import CLAIM, THREAD

SPACE = "console:local"


def _no_time_for_nli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `stance` call gets no NLI time of its own, as on a big archive whose comments outnumber the budget."""
    monkeypatch.setattr(stance_feature, "NLI_BUDGET_SECONDS", 0.0)
    monkeypatch.setattr(stance_feature, "MIN_NLI_SECONDS", 0.0)


def _reader(bot: Bot) -> StanceReading:
    reader = bot.context.services.reader
    assert isinstance(reader, StanceReading)
    return reader


async def _stance(console: ConsoleAdapter) -> StanceReply:
    reply = await console.ask(f"stance {CLAIM} --all --archive t")
    assert isinstance(reply, StanceReply), reply
    return reply


async def _unhurried_counts(settings: Settings, engine: Engine) -> StanceReply:
    """The same claim over the same thread with all the time it needs, in a database of its own (SQLite: the
    expected answer does not depend on the backend)."""
    own = settings.model_copy(update={"db": settings.db.with_name("unhurried.db"), "database_url": None})
    async with open_bot(own) as bot:
        await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
        bot.context.services.engine = engine
        return await _stance(ConsoleAdapter(bot))


async def test_comments_left_unread_are_read_after_the_reply(
    bot: Bot, settings: Settings, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """The rushed reply says how many comments are still being read; once read, the same claim gets the counts
    and labels an unhurried run gives, without the model running again."""
    expected = await _unhurried_counts(settings, real_engine)
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    _no_time_for_nli(monkeypatch)
    console = ConsoleAdapter(bot)

    rushed = await _stance(console)
    on_topic = expected.counts.agree + expected.counts.disagree + expected.counts.neutral
    assert on_topic >= 3
    assert rushed.counts.agree + rushed.counts.disagree + rushed.counts.neutral == 0
    assert rushed.note and f"{on_topic} more comments are being read now" in rushed.note

    await _reader(bot).wait_until_read()
    premises = _record_nli(real_engine, monkeypatch)
    complete = await _stance(console)
    assert premises == []
    assert complete.counts == expected.counts
    assert sorted((i.comment_id, i.label) for i in complete.items) == sorted(
        (i.comment_id, i.label) for i in expected.items
    )
    assert "being read" not in (complete.note or "")


async def test_an_ask_while_reading_goes_on_answers_from_the_cache(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """Reading waits while a command uses the engine; meanwhile a repeated ask runs no NLI itself and still says
    how many comments are being read. The reading is done once commands leave the engine alone."""
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    _no_time_for_nli(monkeypatch)
    console = ConsoleAdapter(bot)
    first = await _stance(console)
    reader = _reader(bot)
    monkeypatch.setattr(stance_feature, "NLI_BUDGET_SECONDS", 60.0)  # time to spare: only the reader may wait
    monkeypatch.setattr(stance_feature, "MIN_NLI_SECONDS", 60.0)
    async with reader.command():  # a long command holds the engine: no reading meanwhile
        premises = _record_nli(real_engine, monkeypatch)
        again = await _stance(console)
        assert premises == [] and await _cached_rows(bot) == 0
        assert again.counts == first.counts and again.note == first.note
    await reader.wait_until_read()
    done = await _stance(console)
    assert "being read" not in (done.note or "")
    assert done.counts.agree >= 1 and done.counts.disagree >= 1


async def test_closing_the_bot_stops_reading_and_keeps_what_was_read(
    settings: Settings, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """Shutting down mid-reading neither fails nor loses the z already cached; the next process reads the rest."""
    _no_time_for_nli(monkeypatch)
    async with open_bot(settings) as bot:
        await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
        bot.context.services.engine = real_engine
        rushed = await _stance(ConsoleAdapter(bot))
        assert rushed.note and "being read now" in rushed.note
    monkeypatch.setattr(stance_feature, "NLI_BUDGET_SECONDS", 60.0)
    monkeypatch.setattr(stance_feature, "MIN_NLI_SECONDS", 60.0)
    async with open_bot(settings) as bot:
        bot.context.services.engine = real_engine
        full = await _stance(ConsoleAdapter(bot))
    assert "being read" not in (full.note or "")
    assert full.counts.agree >= 1 and full.counts.disagree >= 1


async def test_counter_leaves_embedding_to_the_reader_of_its_claim(
    bot: Bot,
    real_engine: Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a fresh archive, while the claim's comments are being embedded in the background, `counter` embeds
    none itself (it answers from the vectors there are) and does not wait for the reader either."""
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    monkeypatch.setattr(stance_feature, "EMBED_NOW", 1)
    console = ConsoleAdapter(bot)
    rushed = await _stance(console)
    assert rushed.note and "still being indexed" in rushed.note
    reader = _reader(bot)
    async with reader.command():  # keep the reader from getting anywhere meanwhile
        embedded = _record_embedder(real_engine, monkeypatch)
        reply = await console.ask(f"counter {CLAIM} --archive t")
        assert isinstance(reply, CounterReply)
        assert set(embedded) <= {CLAIM}
    await reader.wait_until_read()
    monkeypatch.undo()
    again = await console.ask(f"counter {CLAIM} --archive t")
    assert isinstance(again, CounterReply) and again.quote is not None


def test_a_one_shot_ask_finishes_reading_before_it_exits(
    tmp_path: Path,
    real_engine: Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`threadbot ask` (piped) prints the rushed reply, then stays until the rest is read, so the next
    `threadbot ask` answers in full without reading anything."""
    db = tmp_path / "cli.db"

    async def prepare() -> None:
        async with open_bot(Settings(db=db)) as bot:
            await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))

    asyncio.run(prepare())
    monkeypatch.setattr(loader, "load_engine", lambda *_: real_engine)
    _no_time_for_nli(monkeypatch)
    ask = ["ask", "--db", str(db), "--archive", "t", "--json", "stance", CLAIM]
    assert cli.main(ask) == 0
    rushed = json.loads(capsys.readouterr().out)
    assert "being read now" in rushed["note"]
    premises = _record_nli(real_engine, monkeypatch)
    assert cli.main(ask) == 0
    full = json.loads(capsys.readouterr().out)
    assert premises == [] and not full.get("note")
    assert full["counts"]["agree"] >= 1 and full["counts"]["disagree"] >= 1
