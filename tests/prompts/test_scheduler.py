"""The scheduler: one post per schedule and local day across DST changes, restarts, crashes, two processes,
gone channels, pauses and the grace window, all on a hand-moved clock (nothing sleeps)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from adapters.app import open_bot
from bot.background import Background
from bot.core import Bot
from bot.features import background_ticks
from bot.models import ErrorReply, PromptReply, TextReply
from bot.prompts import tick
from bot.settings import Settings
from tests.prompts.support import SPACE, attach, import_debate, run_until, utc


class ProcessDied(BaseException):
    """Stands for the process being killed: nothing after it runs, not even `except Exception`."""


async def _states(bot: Bot) -> dict[str, str]:
    store = bot.context.stores.prompts
    schedule = await store.schedule(SPACE, "daily")
    assert schedule is not None
    return {post.local_date: post.state for post in await store.recent_posts(schedule.id, 100)}


async def test_spring_forward_posts_every_day_once_at_the_right_instant(bot: Bot) -> None:
    """02:30 Berlin around 2026-03-29: one post a day; on the gap day at 03:00 CEST (01:00 UTC)."""
    clock, poster, console = attach(bot, utc(2026, 3, 27, 12))
    assert isinstance(await console.ask("prompt schedule 02:30 daily Europe/Berlin"), TextReply)
    await run_until(bot, clock, utc(2026, 3, 31, 12))
    assert [s.at for s in poster.sent] == [
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 30, 0, 30),
        utc(2026, 3, 31, 0, 30),
    ]
    assert set((await _states(bot)).values()) == {"sent"}


async def test_fall_back_posts_once_in_the_repeated_hour(bot: Bot) -> None:
    """02:30 Berlin on 2026-10-25 happens twice; the prompt posts at the first and not again an hour later."""
    clock, poster, console = attach(bot, utc(2026, 10, 23, 12))
    await console.ask("prompt schedule 02:30 daily Europe/Berlin")
    await run_until(bot, clock, utc(2026, 10, 27, 12), step=timedelta(minutes=1))
    assert [s.at for s in poster.sent] == [
        utc(2026, 10, 24, 0, 30),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
        utc(2026, 10, 27, 1, 30),
    ]


async def test_new_york_weekday_mornings_across_the_spring_change(bot: Bot) -> None:
    """09:00 weekdays in New York is 14:00 UTC before 2026-03-08 and 13:00 UTC after; weekends stay quiet."""
    clock, poster, console = attach(bot, utc(2026, 3, 5, 20))
    await console.ask("prompt schedule 09:00 weekdays America/New_York")
    await run_until(bot, clock, utc(2026, 3, 11, 0), step=timedelta(minutes=10))
    assert [s.at for s in poster.sent] == [
        utc(2026, 3, 6, 14),
        utc(2026, 3, 9, 13),
        utc(2026, 3, 10, 13),
    ]


async def test_cron_schedule_fall_back_in_new_york(bot: Bot) -> None:
    """`cron 30 1 * * *` in New York: 2026-11-01 01:30 exists twice and posts once, at the first (05:30 UTC)."""
    clock, poster, console = attach(bot, utc(2026, 10, 31, 12))
    await console.ask("prompt schedule cron 30 1 * * * America/New_York")
    await run_until(bot, clock, utc(2026, 11, 2, 12))
    assert [s.at for s in poster.sent] == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


async def test_schedules_survive_a_restart(settings: Settings) -> None:
    """Closing and reopening the bot over the same file keeps the schedule, and it posts at its time."""
    async with open_bot(settings) as bot:
        clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
        await console.ask("prompt schedule 09:00 daily Europe/Berlin")
        await run_until(bot, clock, utc(2026, 5, 4, 7, 30))
        assert len(poster.sent) == 1
    async with open_bot(settings) as bot:
        clock, poster, console = attach(bot, utc(2026, 5, 4, 7, 35))
        listed = await console.ask("prompt list")
        assert isinstance(listed, TextReply) and "09:00 daily (Europe/Berlin)" in listed.lines[0]
        await run_until(bot, clock, utc(2026, 5, 5, 7, 30))
        assert [s.at for s in poster.sent] == [utc(2026, 5, 5, 7)]  # not today's again, tomorrow's once


async def _schedule_then_stop(settings: Settings) -> None:
    """Schedule 09:00 Berlin daily at 06:00 UTC, then the process stops (no ticks while it is down)."""
    async with open_bot(settings) as bot:
        _, _, console = attach(bot, utc(2026, 5, 4, 6))
        await console.ask("prompt schedule 09:00 daily Europe/Berlin")


async def test_missed_run_within_grace_posts_once_on_start(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Down at 09:00, back 30 minutes later (grace 60): the prompt posts once on start and the log says so."""
    await _schedule_then_stop(settings)
    async with open_bot(settings) as bot:
        clock, poster, _ = attach(bot, utc(2026, 5, 4, 7, 30))
        with caplog.at_level(logging.INFO, logger="bot.prompts"):
            await tick(bot.context, clock.now)
            await run_until(bot, clock, utc(2026, 5, 4, 12))
        assert [s.at for s in poster.sent] == [utc(2026, 5, 4, 7, 30)]
        assert "missed by 30 min; posting it now" in caplog.text
        assert (await _states(bot))["2026-05-04"] == "sent"


async def test_missed_run_outside_grace_is_skipped_and_logged(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Back three hours late (grace 60): nothing posts, the log says it was skipped, the next day posts."""
    await _schedule_then_stop(settings)
    async with open_bot(settings) as bot:
        clock, poster, _ = attach(bot, utc(2026, 5, 4, 10))
        with caplog.at_level(logging.INFO, logger="bot.prompts"):
            await tick(bot.context, clock.now)
        assert poster.sent == []
        assert "missed by 3 h 00 min (bot down); grace window is 60 min; skipped" in caplog.text
        assert (await _states(bot))["2026-05-04"] == "missed"
        await run_until(bot, clock, utc(2026, 5, 5, 12))
        assert [s.at for s in poster.sent] == [utc(2026, 5, 5, 7)]


async def test_grace_window_comes_from_settings(tmp_path: object, settings: Settings) -> None:
    """With `prompt_grace_minutes = 0` even a 10-minute-late start skips the run."""
    await _schedule_then_stop(settings)
    strict = settings.model_copy(update={"prompt_grace_minutes": 0})
    async with open_bot(strict) as bot:
        clock, poster, _ = attach(bot, utc(2026, 5, 4, 7, 10))
        await tick(bot.context, clock.now)
        assert poster.sent == []
        assert (await _states(bot))["2026-05-04"] == "missed"


async def test_crash_between_send_and_record_never_posts_twice(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The process dies after the platform took the message but before it was recorded: after a restart the
    day's intent is reconciled (logged, marked unconfirmed) and never sent again; the next day posts."""
    await _schedule_then_stop(settings)
    async with open_bot(settings) as bot:
        clock, poster, _ = attach(bot, utc(2026, 5, 4, 7))
        poster.fail_after_send = ProcessDied()
        with pytest.raises(ProcessDied):
            await tick(bot.context, clock.now)
        assert len(poster.sent) == 1
        assert (await _states(bot))["2026-05-04"] == "intent"
    async with open_bot(settings) as bot:
        clock, poster, _ = attach(bot, utc(2026, 5, 4, 7, 1))
        await tick(bot.context, clock.now)  # a fresh intent may be another process still sending: left alone
        assert (await _states(bot))["2026-05-04"] == "intent"
        with caplog.at_level(logging.WARNING, logger="bot.prompts"):
            await run_until(bot, clock, utc(2026, 5, 4, 12))
        assert poster.sent == []
        assert (await _states(bot))["2026-05-04"] == "unconfirmed"
        assert "never confirmed; not posting it again" in caplog.text
        await run_until(bot, clock, utc(2026, 5, 5, 12))
        assert [s.at for s in poster.sent] == [utc(2026, 5, 5, 7)]


async def test_a_send_that_raises_is_not_retried(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    """A poster error after sending (a lost answer) marks the day failed; later ticks do not post it again."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    poster.fail_after_send = RuntimeError("connection reset after send")
    with caplog.at_level(logging.ERROR, logger="bot.prompts"):
        await run_until(bot, clock, utc(2026, 5, 4, 12))
    assert len(poster.sent) == 1
    assert (await _states(bot))["2026-05-04"] == "failed"
    assert "posting to console:local #daily failed" in caplog.text


async def test_deleted_channel_pauses_the_schedule(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    """ChannelGoneError pauses the schedule, logs it, and `prompt list` tells moderators why."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    poster.gone.add("daily")
    with caplog.at_level(logging.WARNING, logger="bot.prompts"):
        await run_until(bot, clock, utc(2026, 5, 6, 12))
    assert poster.sent == []
    assert list((await _states(bot)).values()) == ["failed"]  # tried once, then paused
    assert "paused" in caplog.text and "is gone" in caplog.text
    listed = await console.ask("prompt list")
    assert isinstance(listed, TextReply) and "paused: the channel is gone" in listed.lines[0]


async def test_paused_schedule_posts_nothing_and_resume_does_not_backfill(bot: Bot) -> None:
    """While paused nothing posts; resuming after the day's time does not post that day's prompt late."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    assert isinstance(await console.ask("prompt pause"), TextReply)
    await run_until(bot, clock, utc(2026, 5, 5, 7, 20))
    assert poster.sent == []
    resumed = await console.ask("prompt resume")
    assert isinstance(resumed, TextReply) and "Wed 06 May 2026 09:00 CEST" in resumed.lines[0]
    await run_until(bot, clock, utc(2026, 5, 6, 12))
    assert [s.at for s in poster.sent] == [utc(2026, 5, 6, 7)]


async def test_two_processes_on_one_database_post_exactly_once(settings: Settings) -> None:
    """Two bots on the same file tick at the same instants (and twice each): each day posts exactly once."""
    async with open_bot(settings) as first, open_bot(settings) as second:
        clock_a, poster_a, console = attach(first, utc(2026, 5, 4, 6))
        clock_b, poster_b, _ = attach(second, utc(2026, 5, 4, 6))
        await import_debate(first)
        await console.ask("prompt schedule 09:00 daily Europe/Berlin")
        for day in range(4, 8):
            moment = utc(2026, 5, day, 7)
            clock_a.now = clock_b.now = moment
            await asyncio.gather(
                tick(first.context, moment),
                tick(second.context, moment),
                tick(first.context, moment),
                tick(second.context, moment),
            )
        sent = poster_a.sent + poster_b.sent
        assert sorted(s.at for s in sent if s.at) == [utc(2026, 5, d, 7) for d in range(4, 8)]
        keys = [k for poster in (poster_a, poster_b) for k in poster.prompt_keys()]
        assert len(keys) == 4 and len(set(keys)) == 3  # the rotation moved on; the pool of 3 then restarts


async def test_waits_for_the_adapter_to_be_ready(bot: Bot) -> None:
    """Before an adapter registers its poster, a due prompt waits (not missed, not paused) and posts after."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    bot.context.posters.by_platform.clear()
    await run_until(bot, clock, utc(2026, 5, 4, 7, 20))
    assert await _states(bot) == {}
    bot.context.posters.register("console", poster)
    await run_until(bot, clock, utc(2026, 5, 4, 8))
    assert [s.at for s in poster.sent] == [utc(2026, 5, 4, 7, 25)]


async def test_skip_and_resume(bot: Bot) -> None:
    """`prompt skip` skips the next day (again: the one after); `prompt resume` undoes the skips."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 12))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    first = await console.ask("prompt skip")
    second = await console.ask("prompt skip")
    assert isinstance(first, TextReply) and "Tue 05 May" in first.text
    assert isinstance(second, TextReply) and "Wed 06 May" in second.text
    await run_until(bot, clock, utc(2026, 5, 5, 12))
    assert poster.sent == []
    resumed = await console.ask("prompt resume")
    assert isinstance(resumed, TextReply) and "Undid 1 skipped day(s)." in resumed.lines
    await run_until(bot, clock, utc(2026, 5, 7, 12))
    assert [s.at for s in poster.sent] == [utc(2026, 5, 6, 7), utc(2026, 5, 7, 7)]


async def test_cancel_stops_posting(bot: Bot) -> None:
    """A cancelled schedule posts nothing, and `prompt list` has nothing to list."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    assert isinstance(await console.ask("prompt cancel"), TextReply)
    assert isinstance(await console.ask("prompt cancel"), ErrorReply)
    await run_until(bot, clock, utc(2026, 5, 5, 12))
    assert poster.sent == []
    listed = await console.ask("prompt list")
    assert isinstance(listed, TextReply) and listed.title == "No prompt schedules"


async def test_rescheduling_after_todays_post_does_not_post_twice(bot: Bot) -> None:
    """Moving the time later on a day that already posted keeps that day's row: no second prompt today."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    await run_until(bot, clock, utc(2026, 5, 4, 7, 30))
    await console.ask("prompt schedule 11:00 daily Europe/Berlin")
    await run_until(bot, clock, utc(2026, 5, 5, 12))
    assert [s.at for s in poster.sent] == [utc(2026, 5, 4, 7), utc(2026, 5, 5, 9)]


async def test_thread_and_role_options_reach_the_poster(bot: Bot) -> None:
    """Scheduled prompts open a thread titled with the day, ping nobody by default, or the configured role."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    await run_until(bot, clock, utc(2026, 5, 4, 8))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin --role @debaters --no-thread")
    await run_until(bot, clock, utc(2026, 5, 5, 8))
    first, second = poster.sent
    assert first.open_thread == "Discussion prompt \u00b7 Mon 04 May"
    assert isinstance(first.reply, PromptReply) and first.reply.notify_role is None
    assert second.open_thread is None
    assert isinstance(second.reply, PromptReply) and second.reply.notify_role == "debaters"


async def test_the_runner_background_loop_includes_the_scheduler(bot: Bot) -> None:
    """`background_ticks()` has the prompts tick, and `Background.run_once` posts a due prompt."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    assert "prompts" in [name for name, _ in background_ticks()]
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    background = Background(bot.context)
    for name, function in background_ticks():
        if name == "prompts":
            background.add(name, function)
    clock.now = utc(2026, 5, 4, 7, 0, 10)
    await background.run_once()
    assert len(poster.sent) == 1
