"""`PromptStore.hold` on PostgreSQL: two processes (two connection pools here) ticking at once never hold the
same schedule, each takes another one without waiting, and what one claims under its hold only shows when the
hold ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.models import Place
from storage.prompt_store import Claim, NewSchedule
from storage.stores import Stores, postgres_stores

SPACE = "console:local"
AT = "2027-01-04T09:00:00Z"


@pytest.fixture
async def two(url: str) -> AsyncIterator[tuple[Stores, Stores]]:
    """Two stores with a pool each on one database: what two processes have."""
    first, second = await postgres_stores(url), await postgres_stores(url, migrate=False)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def _schedule(stores: Stores, channel: str) -> int:
    place = Place(platform="console", space="local", channel=channel)
    return await stores.prompts.save_schedule(NewSchedule(
        space_key=SPACE, channel=channel, place_json=place.model_dump_json(), cron="0 9 * * *",
        description="daily", timezone="UTC", archive_name=None, notify_role=None, open_thread=False,
        active_from=AT, created_by="test", created_at=AT,
    ))  # fmt: skip


def _intent(schedule_id: int, by: str) -> Claim:
    return Claim(schedule_id=schedule_id, local_date="2027-01-04", due_at=AT, state="intent", claimed_by=by, at=AT)


async def test_a_held_schedule_is_skipped_by_the_other_process_which_takes_the_next(
    two: tuple[Stores, Stores],
) -> None:
    first, second = two
    one, other = await _schedule(first, "a"), await _schedule(first, "b")
    async with first.prompts.hold(one) as held:
        assert held is not None
        async with second.prompts.hold(one) as skipped:
            assert skipped is None  # at once, without waiting for the first
        async with second.prompts.hold(other) as taken:
            assert taken is not None
            assert await taken.claim(_intent(other, "second")) is not None
        post_id = await held.claim(_intent(one, "first"))
        assert post_id is not None
        assert await second.prompts.post_for(one, "2027-01-04") is None  # not committed yet
    posted = await second.prompts.post_for(one, "2027-01-04")
    assert posted is not None and posted.claimed_by == "first"
    async with second.prompts.hold(one) as again:
        assert again is not None
        assert await again.claim(_intent(one, "second")) is None  # the day is taken: nothing written


async def test_a_paused_schedule_is_not_held(two: tuple[Stores, Stores]) -> None:
    first, _ = two
    schedule_id = await _schedule(first, "a")
    await first.prompts.set_paused(schedule_id, True, "test")
    async with first.prompts.hold(schedule_id) as held:
        assert held is None


async def test_a_moderator_pausing_a_held_schedule_waits_for_the_hold_and_no_deadlock(
    two: tuple[Stores, Stores],
) -> None:
    """The hold takes no write lock, so a moderator's change to the held schedule (which holds the write lock
    while it waits for the row) and the hold's claim both finish."""
    first, second = two
    schedule_id = await _schedule(first, "a")
    async with first.prompts.hold(schedule_id) as held:
        assert held is not None
        pausing = asyncio.create_task(second.prompts.set_paused(schedule_id, True, "moderator"))
        await asyncio.sleep(0.2)
        assert not pausing.done()  # waits for the row
        assert await asyncio.wait_for(held.claim(_intent(schedule_id, "first")), 5) is not None
    await asyncio.wait_for(pausing, 5)
    assert (await first.prompts.schedule(SPACE, "a")).paused  # type: ignore[union-attr]
