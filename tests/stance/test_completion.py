"""A partial `stance` answer completes itself: the adapter gets the completed answer without anyone asking
again (the console prints it after the first; a piped script gets the one complete reply)."""

from __future__ import annotations

import io
import json

import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.models import Reply, StanceReply
from bot.settings import Settings
from bot.times import now_iso

from .test_nli_cache import real_engine  # noqa: F401 (fixture)
from .test_stance_commands import CLAIM, THREAD
from .test_stance_reading import SPACE, _no_time_for_nli, _unhurried_counts


async def _thread(bot: Bot, engine: Engine) -> ConsoleAdapter:
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = engine
    return ConsoleAdapter(bot)


async def test_a_partial_answer_is_completed_and_handed_to_the_adapter(
    bot: Bot, settings: Settings, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    expected = await _unhurried_counts(settings, real_engine)
    console = await _thread(bot, real_engine)
    _no_time_for_nli(monkeypatch)
    updates: list[Reply] = []

    async def edit(final: Reply) -> None:
        updates.append(final)

    first = await console.ask(f"stance {CLAIM} --all --archive t", edit)
    assert isinstance(first, StanceReply) and first.partial
    assert first.note and "completes itself" in first.note and "ask again" not in first.note
    await bot.finish()
    [final] = updates
    assert isinstance(final, StanceReply) and not final.partial
    assert final.actions and final.actions == first.actions  # the completed message keeps its buttons
    assert final.counts == expected.counts and "being read" not in (final.note or "")
    assert sorted((i.comment_id, i.label) for i in final.items) == sorted(
        (i.comment_id, i.label) for i in expected.items
    )


async def test_a_complete_answer_gets_no_update(bot: Bot, real_engine: Engine) -> None:  # noqa: F811
    console = await _thread(bot, real_engine)
    updates: list[Reply] = []

    async def edit(final: Reply) -> None:
        updates.append(final)

    first = await console.ask(f"stance {CLAIM} --archive t", edit)
    assert isinstance(first, StanceReply) and not first.partial
    await bot.finish()
    assert updates == []


async def test_a_piped_script_gets_one_complete_reply_per_command(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    console = await _thread(bot, real_engine)
    console.json_output = True
    _no_time_for_nli(monkeypatch)
    out = io.StringIO()
    status = await console.run_script(io.StringIO(f"stance {CLAIM} --archive t\nquote remote --archive t\n"), out)
    assert status == 0
    stance, quote = (json.loads(line) for line in out.getvalue().splitlines())
    assert stance["type"] == "stance" and stance["partial"] is False and "being read" not in (stance["note"] or "")
    assert quote["type"] == "quotes"


async def test_the_interactive_console_prints_the_completed_answer_after_the_first(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    console = await _thread(bot, real_engine)
    _no_time_for_nli(monkeypatch)
    out = io.StringIO()
    await console.interactive(io.StringIO(f"stance {CLAIM} --archive t\n"), out)
    await bot.finish()
    first, _, completed = out.getvalue().partition("(completed)")
    assert "being read now" in first and completed
    assert "being read" not in completed
