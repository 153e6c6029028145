"""Opt-in memory: `session record on` adds session messages to the group archive; `forget me` is honoured."""

from __future__ import annotations

from bot.core import Bot
from bot.models import Actor, ErrorReply, QuotesReply, TextReply
from tests.sessions.support import Clock, RecordingPoster, member, moderator, render, say

GROUP = "--archive group-console"


async def _quote(bot: Bot, words: str) -> list[tuple[str | None, str]]:
    reply = await member(bot, "reader", channel=f"reader-{words}").ask(f"quote {words} {GROUP}")
    if isinstance(reply, ErrorReply):
        return []
    assert isinstance(reply, QuotesReply)
    return [(q.author, q.text) for q in reply.quotes]


async def test_recording_is_announced_and_quote_cites_the_group(bot: Bot, clock: Clock) -> None:
    mod, ann = moderator(bot), member(bot, "ann")
    await say(bot, ann, "zebras before the session")  # no session: never recorded
    announced = await mod.ask("session record on")
    assert isinstance(announced, TextReply) and not announced.ephemeral
    assert "turned ON by mod" in (announced.title or "") and "forget me" in announced.text
    await mod.ask("session start Tokens")
    assert "Recording is ON" in render(await ann.ask("session"))
    await say(bot, ann, "Zebras think in stripes, not tokens.")
    assert await _quote(bot, "zebras") == [("ann", "Zebras think in stripes, not tokens.")]
    await mod.ask("session record off")
    await say(bot, ann, "Giraffes are not recorded.")
    assert await _quote(bot, "giraffes") == []


async def test_forget_me_removes_my_messages_everywhere_and_stops_recording_me(
    bot: Bot, clock: Clock
) -> None:
    mod, ann, bob = moderator(bot), member(bot, "ann"), member(bot, "bob")
    await mod.ask("session record on")
    await mod.ask("session start Tokens")
    await say(bot, ann, "Zebras are ann's idea.")
    await say(bot, bob, "Zebras are bob's idea too.")
    quoted = await mod.ask(f"quote zebras {GROUP}")  # cited during the session
    assert isinstance(quoted, QuotesReply) and len(quoted.quotes) == 2
    await mod.ask("session end")
    assert "ann's idea" in render(await mod.ask("session recap"))

    forgot = await ann.ask("forget me")
    assert isinstance(forgot, TextReply) and forgot.ephemeral and "removed 1 recorded message" in forgot.text
    assert await _quote(bot, "zebras") == [("bob", "Zebras are bob's idea too.")]
    recap = render(await mod.ask("session recap"))
    assert "ann's idea" not in recap and "bob's idea" in recap

    await mod.ask("session start Again")
    await say(bot, ann, "Okapis are mine.")
    assert await _quote(bot, "okapis") == []
    again = await ann.ask("record me")
    assert isinstance(again, TextReply) and again.ephemeral
    await say(bot, ann, "Okapis are still mine.")
    assert await _quote(bot, "okapis") == [("ann", "Okapis are still mine.")]


async def test_forget_me_never_touches_someone_with_the_same_name(bot: Bot, clock: Clock) -> None:
    """Two members both called "ann": each gets an author label of their own in the group archive."""
    mod, ann = moderator(bot), member(bot, "ann")
    other = member(bot, "ann")
    other.actor = Actor(user_id="u-2222", display_name="ann")
    await mod.ask("session record on")
    await mod.ask("session start Tokens")
    await say(bot, ann, "Zebras, says the first ann.")
    await say(bot, other, "Zebras, says the second ann.")
    authors = sorted(author or "" for author, _ in await _quote(bot, "zebras"))
    assert authors == ["ann", "ann (2222)"]
    await other.ask("forget me")
    assert await _quote(bot, "zebras") == [("ann", "Zebras, says the first ann.")]


async def test_the_group_archive_never_becomes_the_thread_under_discussion(bot: Bot, clock: Clock) -> None:
    """Recording creates the newest archive of the space; sessions still quote the original thread."""
    mod = moderator(bot)
    await mod.ask("session record on")
    await mod.ask("session start Tokens")
    await say(bot, member(bot, "ann"), "Chain of thought is just more tokens, I agree.")
    await mod.ask("session end")
    opening = render(
        await mod.ask("session start Chain of thought claim: chain of thought is just more tokens")
    )
    assert "Archive `sample`" in opening and "group-console" in opening  # the notice names it; sides don't


async def test_recording_notice_reaches_the_session_thread(
    bot: Bot, clock: Clock, poster: RecordingPoster
) -> None:
    """Turned on from the channel while the session runs in a thread: the thread is told too."""
    mod = moderator(bot)
    await mod.ask("session start Tokens")
    await mod.ask("session record on")
    place, reply, _ = poster.posts[-1]
    assert place.thread == "thread-1" and "Recording is ON" in render(reply)


async def test_record_needs_on_or_off(bot: Bot, clock: Clock) -> None:
    reply = await moderator(bot).ask("session record maybe")
    assert isinstance(reply, ErrorReply) and "session record on" in reply.message


async def test_the_group_archive_is_dated_by_the_bots_clock(bot: Bot, clock: Clock) -> None:
    """The recording's archive gets the injected clock's time, not the machine's."""
    mod = moderator(bot)
    await mod.ask("session record on")
    await mod.ask("session start Tokens")
    clock.advance(5)
    await say(bot, member(bot, "ann"), "Zebras think in stripes.")
    archive = await bot.context.stores.archives.find_archive("console:local", "group-console")
    assert archive is not None and archive.created_at == "2025-03-10T18:05:00+00:00"
