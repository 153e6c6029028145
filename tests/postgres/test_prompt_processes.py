"""Two real bot processes on one PostgreSQL database post each scheduled prompt once a day: over a thousand
simulated days ticked in lockstep, and when one of them is killed between claiming a day and posting it.

The processes' background loops run on a clock these tests move (tests/postgres/processes.py); kills come at
points a frozen process announces (tests/faults/crashable.py), never after a sleep.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from bot.models import Place
from bot.times import iso
from storage.prompt_store import NewSchedule
from storage.stores import postgres_stores
from tests.postgres.processes import ClockedBot
from tests.prompts.support import debate_thread

SPACE = "console:local"
START = datetime(2027, 1, 4, tzinfo=UTC)
SCHEDULES = {  # channel: (local time, zone): all due at 09:00 UTC, in zones without daylight saving
    "utc": ("0 9 * * *", "UTC"),
    "lagos": ("0 10 * * *", "Africa/Lagos"),
    "kolkata": ("30 14 * * *", "Asia/Kolkata"),
}
DAYS = 1000


async def _set_up(url: str, channels: dict[str, tuple[str, str]]) -> None:
    """An archive to quote from and one daily schedule per channel, active from the day before START."""
    stores = await postgres_stores(url)
    try:
        await stores.archives.import_records(SPACE, "debate", debate_thread(), created_at=iso(START))
        for channel, (cron, zone) in channels.items():
            place = Place(platform="console", space="local", channel=channel)
            await stores.prompts.save_schedule(NewSchedule(
                space_key=SPACE, channel=channel, place_json=place.model_dump_json(), cron=cron,
                description="daily", timezone=zone, archive_name=None, notify_role=None, open_thread=False,
                active_from=iso(START - timedelta(days=1)), created_by="test", created_at=iso(START),
            ))  # fmt: skip
    finally:
        await stores.close()


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(row) for row in conn.execute(sql)]


def _lockstep(bots: list[ClockedBot], now: datetime) -> None:
    """One background pass at `now` in every process at once; back when all have run it."""
    for bot in bots:
        bot.tick(now)
    for bot in bots:
        bot.wait()


async def test_two_processes_over_a_thousand_days_post_each_schedule_once_a_day(url: str, tmp_path: Path) -> None:
    """Both processes tick the same instant every day, 30 s after three schedules (three zones) fall due:
    every day of every schedule is posted exactly once between them, each process posted some, and no row
    is left anything but sent."""
    await _set_up(url, SCHEDULES)
    bots = [ClockedBot(tmp_path, url, "one"), ClockedBot(tmp_path, url, "two")]
    try:
        for day in range(DAYS):
            await asyncio.to_thread(_lockstep, bots, START + timedelta(days=day, hours=9, seconds=30))
    finally:
        codes = [bot.stop() for bot in bots]
    assert codes == [0, 0], [bot.bot.errors() for bot in bots]
    for channel in SCHEDULES:
        assert sum(bot.posts(channel) for bot in bots) == DAYS, channel
    assert all(bot.posts(channel) for bot in bots for channel in SCHEDULES)  # both took part, on every schedule
    assert _rows(url, "SELECT state, count(*), count(DISTINCT (schedule_id, local_date)) FROM prompt_posts "
                      "GROUP BY state") == [("sent", DAYS * len(SCHEDULES), DAYS * len(SCHEDULES))]  # fmt: skip
    claimed_by = _rows(url, "SELECT count(DISTINCT claimed_by) FROM prompt_posts")
    assert claimed_by == [(2,)]


DUE = START + timedelta(hours=9)


async def test_killed_between_claiming_and_posting_the_other_reports_the_day_missed(
    url: str, tmp_path: Path
) -> None:
    """One process claims the day and is killed before anything goes out; the other posts nothing while the
    claim may still be a live process's, then, with no grace window left, records the day as missed (never
    posting it twice, nor at all late)."""
    await _set_up(url, {"utc": SCHEDULES["utc"]})
    grace = {"THREADBOT_PROMPT_GRACE_MINUTES": "0"}
    killed = ClockedBot(tmp_path, url, "killed", "prompt-claimed", **grace)
    other = ClockedBot(tmp_path, url, "other", **grace)
    try:
        killed.tick(DUE + timedelta(seconds=10))
        await asyncio.to_thread(killed.wait_for, "prompt-claimed")
        killed.kill()
        assert _rows(url, "SELECT state, sending_at FROM prompt_posts") == [("intent", None)]
        await asyncio.to_thread(_lockstep, [other], DUE + timedelta(seconds=40))
        assert _rows(url, "SELECT state FROM prompt_posts") == [("intent",)]  # it may be alive: left alone
        await asyncio.to_thread(_lockstep, [other], DUE + timedelta(minutes=5))
        await asyncio.to_thread(_lockstep, [other], DUE + timedelta(minutes=30))
    finally:
        assert other.stop() == 0
    assert killed.posts("utc") == other.posts("utc") == 0
    ((state, detail),) = _rows(url, "SELECT state, detail FROM prompt_posts")
    assert state == "missed" and "missed by 5 min" in str(detail)
    assert "released, it posts now" in other.bot.errors()  # the operator's log says what happened


async def _killed_at(
    url: str, tmp_path: Path, point: str, laters: list[timedelta]
) -> tuple[ClockedBot, ClockedBot]:
    """One process ticks to the day's schedule and is killed at `point`; the other then ticks at each of
    `laters` after the schedule was due, and two hours on. Both, once the other has stopped."""
    await _set_up(url, {"utc": SCHEDULES["utc"]})
    killed = ClockedBot(tmp_path, url, "killed", point)
    other = ClockedBot(tmp_path, url, "other")
    try:
        killed.tick(DUE + timedelta(seconds=10))
        await asyncio.to_thread(killed.wait_for, point)
        killed.kill()
        for later in [*laters, timedelta(hours=2)]:
            await asyncio.to_thread(_lockstep, [other], DUE + later)
    finally:
        assert other.stop() == 0
    return killed, other


async def test_killed_between_claiming_and_posting_within_grace_the_other_posts_it_once(
    url: str, tmp_path: Path
) -> None:
    """The same kill with the default grace window: nothing had gone out, so the other process posts the day
    once, late, a minute after the claim."""
    killed, other = await _killed_at(
        url, tmp_path, "prompt-claimed", [timedelta(seconds=40), timedelta(minutes=2), timedelta(minutes=3)]
    )
    assert (killed.posts("utc"), other.posts("utc")) == (0, 1)
    assert _rows(url, "SELECT state FROM prompt_posts") == [("sent",)]


async def test_killed_after_handing_the_prompt_over_the_other_never_posts_it_again(
    url: str, tmp_path: Path
) -> None:
    """Killed after the platform took the prompt, before its outcome was recorded: the other process never
    posts the day again, and ten minutes on records it unconfirmed (it may or may not have appeared) and logs
    it; the prompt appeared once."""
    killed, other = await _killed_at(
        url, tmp_path, "prompt-posted", [timedelta(minutes=2), timedelta(minutes=5), timedelta(minutes=15)]
    )
    assert (killed.posts("utc"), other.posts("utc")) == (1, 0)
    assert _rows(url, "SELECT state FROM prompt_posts") == [("unconfirmed",)]
    assert "never confirmed; not posting it again" in other.bot.errors()
