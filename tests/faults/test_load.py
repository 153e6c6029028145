"""200 commands at once through each adapter while `threadbot import` writes in another process."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core import Bot
from tests.faults.burst import DRIVERS, burst
from tests.faults.processes import ImportLoop, write_thread

COMMANDS = 200
IMPORT_SIZE = 8000  # about a second of writing: the loop runs one import after another all through the burst


@pytest.fixture(scope="module")
def thread_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_thread(tmp_path_factory.mktemp("load") / "thread.jsonl", IMPORT_SIZE)


@pytest.mark.parametrize("adapter", sorted(DRIVERS))
async def test_a_burst_beside_an_import_has_no_errors_and_loses_no_vote(
    adapter: str, bot: Bot, no_models: None, thread_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """200 members' commands at once (a quarter of them votes) while imports run in another process: no
    "Something went wrong", nothing logged as an error, every vote told stored is stored, none unclear."""
    async with DRIVERS[adapter](bot) as driver:
        await driver.prepare(bot)
        imports = ImportLoop(bot.context.settings.db, thread_file)
        await imports.start()
        with caplog.at_level(logging.WARNING):
            tally = await burst(bot, driver, COMMANDS)
            overlapped = imports.running
        results = await imports.stop()
    print(tally.line())
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert overlapped
    assert all(code == 0 and "Traceback" not in err for code, err in results), results
    assert not tally.wrong, [o.text for o in tally.wrong][:3]
    assert not tally.failed, [(o.step.text, o.text) for o in tally.failed][:3]
    assert not errors, errors[:3]
    assert not tally.lost_votes and not tally.unclear_votes, tally.line()
    assert not tally.problems, tally.problems[:3]
