"""The reading plan: add, list, remove, and the reminder posted the day before (driven by the tick's `now`)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core import Bot
from bot.models import ErrorReply, TextReply
from bot.sessions.tick import tick
from tests.sessions.support import Clock, RecordingPoster, member, moderator, render

# The clock starts on Monday 2025-03-10 at 18:00 UTC.


async def test_add_list_and_remove(bot: Bot, clock: Clock) -> None:
    ann, bob = member(bot, "ann"), member(bot, "bob")
    added = await ann.ask("reading add Part 2: the replies 2025-03-12")
    assert isinstance(added, TextReply) and "reading 1" in added.text and "Wed 2025-03-12" in added.text
    await bob.ask("reading add Part 3 fri")
    await bob.ask("reading add Part 1 tomorrow")
    listing = await bob.ask("reading list")
    assert isinstance(listing, TextReply)
    assert listing.lines == [
        "3. Tue 2025-03-11: Part 1",
        "1. Wed 2025-03-12: Part 2: the replies",
        "2. Fri 2025-03-14: Part 3",
    ]
    refused = await bob.ask("reading remove 1")
    assert isinstance(refused, ErrorReply) and "who added" in refused.message
    assert "Removed reading 1" in render(await ann.ask("reading remove 1"))
    assert "Removed reading 2" in render(await moderator(bot).ask("reading remove 2"))
    missing = await ann.ask("reading remove 2")
    assert isinstance(missing, ErrorReply)


async def test_dates_must_be_readable_and_not_past(bot: Bot, clock: Clock) -> None:
    ann = member(bot, "ann")
    for command in ["reading add Part 2 2025-03-01", "reading add Part 2 soonish", "reading add 2025-03-20"]:
        reply = await ann.ask(command)
        assert isinstance(reply, ErrorReply) and reply.hint, command


async def test_reminder_is_posted_once_the_day_before_at_the_reminder_hour(
    bot: Bot, clock: Clock, poster: RecordingPoster
) -> None:
    await member(bot, "ann").ask("reading add Part 2 2025-03-12")
    await tick(bot.context, datetime(2025, 3, 11, 8, 59, tzinfo=UTC))
    assert poster.posts == []
    await tick(bot.context, datetime(2025, 3, 11, 9, 0, tzinfo=UTC))
    [(place, reply, _)] = poster.posts
    assert place.channel == "console" and place.thread is None
    assert isinstance(reply, TextReply) and reply.title == "Reading for tomorrow: Part 2"
    assert reply.mention_user_id is None
    await tick(bot.context, datetime(2025, 3, 11, 12, 0, tzinfo=UTC))
    assert len(poster.posts) == 1


async def test_a_reading_for_today_gets_no_reminder_and_for_tomorrow_one_at_once(
    bot: Bot, clock: Clock, poster: RecordingPoster
) -> None:
    ann = member(bot, "ann")
    today = await ann.ask("reading add Intro today")
    assert "no reminder" in render(today)
    await ann.ask("reading add Part 1 tomorrow")
    await tick(bot.context, clock.now)  # 18:00 is past the reminder hour already
    assert [reply.title for _, reply, _ in poster.posts] == ["Reading for tomorrow: Part 1"]  # type: ignore[union-attr]


async def test_reminders_wait_for_an_adapter_and_missed_ones_are_dropped(bot: Bot, clock: Clock) -> None:
    """No poster yet (adapters still connecting): retried later. Day passed while the bot was down: dropped."""
    ann = member(bot, "ann")
    await ann.ask("reading add Part 2 2025-03-12")
    await ann.ask("reading add Part 3 2025-03-20")
    await tick(bot.context, datetime(2025, 3, 11, 10, 0, tzinfo=UTC))
    poster = RecordingPoster()
    bot.context.posters.register("console", poster)
    await tick(bot.context, datetime(2025, 3, 12, 7, 0, tzinfo=UTC))
    assert [reply.title for _, reply, _ in poster.posts] == ["Reading for today: Part 2"]  # type: ignore[union-attr]
    await tick(bot.context, datetime(2025, 3, 25, 9, 0, tzinfo=UTC))
    assert len(poster.posts) == 1


async def test_reminder_hour_is_local_to_the_group(bot: Bot, clock: Clock, poster: RecordingPoster) -> None:
    bot.context.settings.session_timezone = "America/New_York"
    await member(bot, "ann").ask("reading add Part 2 2025-03-12")
    await tick(bot.context, datetime(2025, 3, 11, 12, 59, tzinfo=UTC))  # 08:59 EDT
    assert poster.posts == []
    await tick(bot.context, datetime(2025, 3, 11, 13, 0, tzinfo=UTC))
    assert len(poster.posts) == 1
