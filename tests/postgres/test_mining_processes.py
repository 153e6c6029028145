"""Two bots on one PostgreSQL database (a connection pool each, as two processes have; one loaded engine) both
find an archive's prompt pool missing at once: the mining is claimed, so the archive is mined once and both
then use the one stored pool."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import bot.prompts.miner as miner_module
from bot.core import Bot
from bot.times import iso, utc_now
from tests.prompts.support import debate_thread

SPACE = "console:local"


async def test_two_bots_mine_an_archive_once(two_bots: tuple[Bot, Bot], monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = two_bots
    imported = await one.context.stores.archives.import_records(SPACE, "debate", debate_thread(),
                                                                created_at=iso(utc_now()))  # fmt: skip
    archive_id = imported.archive.id
    runs: list[int] = []
    real_mine = miner_module.mine

    async def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(archive_id)
        return await real_mine(*args, **kwargs)

    monkeypatch.setattr(miner_module, "mine", counted)
    miners = [bot.context.services.miner for bot in (one, two)]
    assert miners[0] is not None and miners[1] is not None
    await asyncio.gather(miners[0].mine_now(archive_id), miners[1].mine_now(archive_id))
    assert runs == [archive_id]
    pools = [await bot.context.stores.pools.state(archive_id) for bot in (one, two)]
    assert pools[0] is not None and pools[0] == pools[1]
    await miners[1].mine_now(archive_id)  # the other finds the pool fresh: nothing is mined again
    assert runs == [archive_id]
