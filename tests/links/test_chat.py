"""`import <link>` and `archive follow` in chat, on the console: moderators only, an answer at once and the
outcome posted in the channel when done; follows re-import on their schedule, quietly, once at a time, across
restarts."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.features.links import feature
from bot.models import ErrorReply, TextReply
from bot.settings import Settings
from tests.links.conftest import SPACE, thread_links
from tests.links.fake_sites import FakeSites
from tests.prompts.support import Clock

START = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)
tick = feature.ticks[0][1]


@pytest.fixture(autouse=True)
def _word_based(no_models: None) -> None:
    """Link imports, not the models."""


@pytest.fixture
def clock(bot: Bot) -> Clock:
    clock = Clock(START)
    bot.context.clock = clock
    return clock


@pytest.fixture
def posted(console: ConsoleAdapter, bot: Bot) -> io.StringIO:
    """What the bot posts on its own in the console's channel (the console is the channel's poster)."""
    console.out = io.StringIO()
    bot.context.posters.register("console", console)
    return console.out


async def archive_count(bot: Bot, name: str) -> int | None:
    found = await bot.context.stores.archives.find_archive(SPACE, name)
    return None if found is None else found.comment_count


async def test_import_is_for_moderators_only(bot: Bot, sites: FakeSites, posted: io.StringIO) -> None:
    member = ConsoleAdapter(bot, moderator=False)
    reply = await member.ask(f"import {thread_links(sites)['hn']}")
    assert isinstance(reply, ErrorReply) and reply.message == "`import` is for moderators only."
    await bot.finish()
    assert sites.seen == [] and posted.getvalue() == ""


async def test_import_answers_at_once_and_posts_the_outcome_when_done(
    bot: Bot, console: ConsoleAdapter, sites: FakeSites, posted: io.StringIO
) -> None:
    sites.fault("/api/v1/post/", "slow", seconds=0.5)
    started = time.monotonic()
    reply = await console.ask(f"import {thread_links(sites)['substack']}")
    answered = time.monotonic() - started
    assert isinstance(reply, TextReply) and "in the background" in reply.text, reply
    assert answered < 0.4 and await archive_count(bot, "substack-tokenmaxxing") is None
    assert posted.getvalue() == ""
    await bot.finish()
    out = posted.getvalue()
    assert out.startswith("[#console]\n") and "Import finished" in out
    assert f"Imported 6 new comments from {thread_links(sites)['substack']} into `substack-tokenmaxxing`" in out
    assert "2 requests" in out and "Skipped: 1 deleted" in out
    assert await archive_count(bot, "substack-tokenmaxxing") == 6


async def test_a_second_import_of_the_same_thread_waits_for_the_first(
    bot: Bot, console: ConsoleAdapter, sites: FakeSites, posted: io.StringIO
) -> None:
    sites.fault("/api/v1/items/17", "slow", seconds=0.3)
    url = thread_links(sites)["hn"]
    assert isinstance(await console.ask(f"import {url}"), TextReply)
    second = await console.ask(f"import {url}")
    assert isinstance(second, ErrorReply) and "already being imported" in second.message
    await bot.finish()
    assert posted.getvalue().count("Import finished") == 1


async def test_a_failed_import_posts_why_and_imports_nothing(
    bot: Bot, console: ConsoleAdapter, sites: FakeSites, posted: io.StringIO
) -> None:
    sites.fault("/wp-json/wp/v2/comments", "status", status=500, times=10)
    bot.context.settings.fetch_retries = 0  # retries and their waits are tests/links/test_fetch.py's
    await console.ask(f"import {thread_links(sites)['wordpress']} --archive essay")
    await bot.finish()
    out = posted.getvalue()
    assert "Import failed" in out and "answered 500" in out and "request 2 (comments page 1" in out
    assert await archive_count(bot, "essay") is None


async def test_links_that_cannot_be_imported_are_refused_at_once(
    bot: Bot, console: ConsoleAdapter, sites: FakeSites
) -> None:
    unknown = await console.ask("import https://example.com/an/essay")
    assert isinstance(unknown, ErrorReply) and "not a thread link of a site I know" in unknown.message
    assert unknown.hint is not None and "threadbot import FILE" in unknown.hint
    bad_name = await console.ask(f"import {thread_links(sites)['hn']} --archive Sample!")
    assert isinstance(bad_name, ErrorReply) and "is not allowed" in bad_name.message
    assert sites.seen == []


async def test_a_link_to_loopback_is_refused_by_default(tmp_path: Path, sites: FakeSites) -> None:
    default = Settings(db=tmp_path / "default.db", model_dir=tmp_path)
    async with open_bot(default) as bot:
        reply = await ConsoleAdapter(bot).ask(f"import {thread_links(sites)['hn']}")
        follow = await ConsoleAdapter(bot).ask(f"archive follow {thread_links(sites)['hn']}")
    assert isinstance(reply, ErrorReply) and "127.0.0.1 is a loopback address" in reply.message
    assert isinstance(follow, ErrorReply) and "loopback" in follow.message
    assert sites.seen == []


async def test_follow_posts_nothing_and_re_imports_on_its_schedule(
    bot: Bot, console: ConsoleAdapter, sites: FakeSites, posted: io.StringIO, clock: Clock
) -> None:
    url = thread_links(sites)["substack"]
    member = await ConsoleAdapter(bot, moderator=False).ask(f"archive follow {url}")
    assert isinstance(member, ErrorReply)
    reply = await console.ask(f"archive follow {url} --every 30m --archive live")
    assert isinstance(reply, TextReply) and "every 30 min" in reply.text
    await tick(bot.context, clock.advance(seconds=20))
    await bot.finish()
    assert await archive_count(bot, "live") == 6
    first_run = len(sites.seen)

    await tick(bot.context, clock.advance(minutes=10))
    await bot.finish()
    assert len(sites.seen) == first_run  # not due yet

    comments = sites.docs["substack_comments"]["comments"]
    comments.append(dict(comments[-1], id=51200400, body="A late comment on the live thread."))
    await tick(bot.context, clock.advance(minutes=21))
    await bot.finish()
    assert await archive_count(bot, "live") == 7
    assert posted.getvalue() == ""  # a follow never posts
    listing = await console.ask("archive follows")
    assert isinstance(listing, TextReply)
    (line,) = listing.lines
    assert f"{url} \u2192 `live`, every 30 min" in line and "+1 new, 0 edited, 0 deleted" in line
    assert "last 2025-03-10 18:31 UTC" in line and "next 2025-03-10 19:01 UTC" in line  # 30 min after the run


async def test_a_follow_survives_a_restart_and_unfollow_stops_it(
    settings: Settings, sites: FakeSites, no_models: None
) -> None:
    url = thread_links(sites)["hn"]
    async with open_bot(settings) as bot:
        bot.context.clock = Clock(START)
        assert isinstance(await ConsoleAdapter(bot).ask(f"archive follow {url} --every 1h"), TextReply)
    async with open_bot(settings) as bot:  # the bot restarted
        bot.context.clock = Clock(START)
        await tick(bot.context, START)
        await bot.finish()
        assert await archive_count(bot, "hn-17") == 3
        console = ConsoleAdapter(bot)
        gone = await console.ask("archive unfollow")
        assert isinstance(gone, TextReply) and "No longer following" in gone.text
        before = len(sites.seen)
        await tick(bot.context, datetime(2025, 3, 11, tzinfo=UTC))
        await bot.finish()
        assert len(sites.seen) == before
        none = await console.ask("archive unfollow")
        assert isinstance(none, ErrorReply) and "follows no thread" in none.message


async def test_a_follow_never_runs_twice_at_once(settings: Settings, sites: FakeSites, no_models: None) -> None:
    """Two bots on one database (two processes) and two ticks in one: one run, the others leave it."""
    url = thread_links(sites)["hn"]
    sites.fault("/api/v1/items/17", "slow", seconds=0.3)
    async with open_bot(settings) as first, open_bot(settings) as second:
        first.context.clock = second.context.clock = Clock(START)
        assert isinstance(await ConsoleAdapter(first).ask(f"archive follow {url}"), TextReply)
        later = datetime(2025, 3, 10, 18, 0, 30, tzinfo=UTC)
        await asyncio.gather(tick(first.context, later), tick(second.context, later), tick(first.context, later))
        await asyncio.gather(first.finish(), second.finish())
    assert sites.paths() == ["/api/v1/items/17"]


@pytest.mark.parametrize(
    ("every", "message"), [("1m", "too often"), ("banana", "is not a duration"), ("8d", "at most 7 days")]
)
async def test_follow_intervals_are_checked(
    console: ConsoleAdapter, sites: FakeSites, every: str, message: str
) -> None:
    reply = await console.ask(f"archive follow {thread_links(sites)['hn']} --every {every}")
    assert isinstance(reply, ErrorReply) and message in reply.message


async def test_help_tells_the_new_commands(console: ConsoleAdapter) -> None:
    reply = await console.ask("help")
    assert isinstance(reply, TextReply)
    lines = "\n".join(reply.lines)
    assert "`import <link> [--archive ARCHIVE]`: Import a thread from its link (moderators)" in lines
    assert "`archive follow <link> [--every EVERY] [--archive ARCHIVE]`" in lines
    assert "`archive unfollow [link]`" in lines and "`archive follows`" in lines


async def test_without_a_channel_to_post_in_the_outcome_is_the_reply(
    bot: Bot, console: ConsoleAdapter, sites: FakeSites
) -> None:
    """`threadbot ask` and a piped console post nothing on their own: one command, one reply, the outcome."""
    done = await console.ask(f"import {thread_links(sites)['hn']}")
    assert isinstance(done, TextReply) and done.title == "Import finished" and "Imported 3 new comments" in done.text
    sites.fault("/api/v1/items/17", "status", status=404)
    failed = await console.ask(f"import {thread_links(sites)['hn']}")
    assert isinstance(failed, ErrorReply) and "not found (404)" in failed.message
