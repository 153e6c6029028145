"""Counting ordinary messages through `Bot.observe`: stats, who has not spoken, no text kept unless recording."""

from __future__ import annotations

from bot.core import Bot
from bot.models import ChannelMessage, ErrorReply, TextReply
from bot.sessions.common import user_key
from tests.sessions.support import Clock, member, moderator, render, say


async def _comment_count(bot: Bot) -> int:
    row = await bot.context.stores.database.fetchone("SELECT count(*) FROM comments")
    assert row is not None
    return int(row[0])


async def test_stats_count_messages_and_words(bot: Bot, clock: Clock) -> None:
    """Per member: messages and words, most words first; messages in the session's thread count too."""
    await moderator(bot).ask("session start Tokens")
    ann, bob = member(bot, "ann"), member(bot, "bob")
    await say(bot, ann, "one two three four")
    await say(bot, ann, "five six", thread="thread-1")
    await say(bot, bob, "seven")
    stats = await bob.ask("session stats")
    assert isinstance(stats, TextReply)
    assert stats.lines[:2] == ["ann: 2 messages, 6 words", "bob: 1 message, 1 word"]
    assert "can't see the channel's member list" in stats.text


async def test_a_message_delivered_twice_is_counted_once(bot: Bot, clock: Clock) -> None:
    """Platforms redeliver events: the message id makes counting idempotent."""
    await moderator(bot).ask("session start Tokens")
    ann = member(bot, "ann")
    await say(bot, ann, "hello there", message_id="m1")
    await say(bot, ann, "hello there", message_id="m1")
    assert "ann: 1 message, 2 words" in render(await ann.ask("session stats"))


async def test_messages_outside_a_session_are_not_counted(bot: Bot, clock: Clock) -> None:
    """Before a session, after it, or in another channel: nothing is counted."""
    ann = member(bot, "ann")
    await say(bot, ann, "too early")
    await moderator(bot).ask("session start Tokens")
    await say(bot, member(bot, "ann", channel="elsewhere"), "wrong channel")
    stats = await ann.ask("session stats")
    assert "Nobody has written yet." in render(stats)


async def test_who_has_not_spoken_yet(bot: Bot, clock: Clock) -> None:
    """Hand-raisers, voters and names the moderator expects, until they write."""
    mod = moderator(bot)
    await mod.ask("session start Tokens claim: tokens are thinking")
    ann, bob, cat = member(bot, "ann"), member(bot, "bob"), member(bot, "cat")
    await ann.ask("hand")
    await bob.ask("vote agree")
    await mod.ask("session expect @Cat, <@U42> dee")
    stats = render(await mod.ask("session stats"))
    assert "Not spoken yet: ann, bob, cat, U42, dee" in stats
    await say(bot, cat, "hi")
    await say(bot, ann, "hello")
    stats = render(await mod.ask("session stats"))
    assert "Not spoken yet: bob, U42, dee" in stats
    recap = render(await mod.ask("session end"))
    assert "Did not speak: bob, U42, dee" in recap


def test_mentions_become_user_ids() -> None:
    assert [user_key(t) for t in ["<@123>", "<@!123>", "<@U1|ann>", "@Ann", "bob,"]] == [
        "123",
        "123",
        "U1",
        "ann",
        "bob",
    ]


async def test_no_message_text_is_kept_when_recording_is_off(bot: Bot, clock: Clock) -> None:
    """Counting stores no content: the archive tables do not grow, and no group archive appears."""
    before = await _comment_count(bot)
    await moderator(bot).ask("session start Tokens")
    await say(bot, member(bot, "ann"), "a private thought about tokens")
    assert await _comment_count(bot) == before
    archives = render(await member(bot, "ann").ask("archives"))
    assert "group-" not in archives


async def test_observe_never_raises_into_the_adapter(bot: Bot, clock: Clock) -> None:
    """A failing observer is logged; the adapter's call returns normally and later observers still run."""
    seen: list[str] = []

    async def broken(ctx: object, message: ChannelMessage) -> None:
        raise RuntimeError("boom")

    async def working(ctx: object, message: ChannelMessage) -> None:
        seen.append(message.message_id)

    bot.observers = [broken, working]
    await say(bot, member(bot, "ann"), "hello", message_id="m9")
    assert seen == ["m9"]


async def test_stats_need_an_open_session(bot: Bot, clock: Clock) -> None:
    reply = await member(bot, "ann").ask("session stats")
    assert isinstance(reply, ErrorReply) and reply.hint and "session start" in reply.hint


async def test_a_lone_surrogate_in_a_message_or_a_name_is_still_counted(bot: Bot, clock: Clock) -> None:
    """SQLite cannot store a lone surrogate (a platform's JSON may escape one in): the message is counted with
    U+FFFD in its place instead of failing the observer."""
    await moderator(bot).ask("session start Tokens")
    eve = member(bot, "eve")
    eve.actor = eve.actor.model_copy(update={"display_name": "Eve\ud800"})
    await say(bot, eve, "hello \ud800 there")
    assert "Eve\ufffd: 1 message, 3 words" in render(await member(bot, "ann").ask("session stats"))
