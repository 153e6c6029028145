"""Reading-group sessions on Discord: run by slash commands, ordinary messages counted (their words only with
the Message Content intent), the one opted-in ping of `/next`, the recap, and the clock closing a session."""

from __future__ import annotations

import pytest

from adapters.discord.inbound import space_key
from bot.core import Bot
from bot.models import ChannelMessage
from bot.sessions.recording import group_archive
from bot.times import now_iso
from tests.discord.conftest import Clock, Running, StartBot, World
from tests.discord.fake_discord import FakeDiscord, FakeInteraction, Sent
from tests.discord.fake_gateway import MESSAGE_CONTENT_INTENT
from tests.discord.fake_world import FakeChannel, FakeUser
from tests.sessions.support import THREAD

TOPIC = "Chain of thought claim: chain of thought is just more tokens"


@pytest.fixture(autouse=True)
def _word_based(no_models: None) -> None:
    """Prompt and session mechanics, not the models: the bot runs on the word-based fallback."""


def channel_posts(fake: FakeDiscord) -> list[Sent]:
    return [s for s in fake.sent if s.via == "channel"]


async def answered(fake: FakeDiscord, interaction: FakeInteraction) -> Sent:
    """The interaction's final answer: its response, the edit of a deferred one, or an ephemeral follow-up."""
    final = ("response", "edit", "followup")
    return (await fake.wait_for(lambda: [s for s in interaction.sent if s.via in final]))[-1]


async def ask(fake: FakeDiscord, channel: FakeChannel, user: FakeUser, command: str, **values: str) -> Sent:
    return await answered(fake, await fake.slash(channel, user, command, **values))


@pytest.fixture
def cleo(fake: FakeDiscord, world: World) -> FakeUser:
    """A second member of Alpha (no moderator rights)."""
    user = fake.add_user("cleo")
    world.alpha.add_member(user)
    return user


async def open_session(running: Running) -> FakeChannel:
    """A moderator runs `/session start` in #general; returns the thread opened for the discussion."""
    fake, world = running.fake, running.world
    await running.bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "thread", THREAD, created_at=now_iso(running.bot.context)
    )
    interaction = await fake.slash(
        world.general, world.moderator, "session start", topic=TOPIC, minutes="45", archive="thread"
    )
    answer = await answered(fake, interaction)
    assert [s.via for s in interaction.sent] == ["deferred", "edit"]  # a slow command: "thinking..." first
    assert answer.content == "Session on \u201cChain of thought\u201d is open in its thread, for 45 minutes."
    (opening,) = channel_posts(fake)
    assert opening.message["channel_id"] == str(world.general.id)
    assert opening.embeds[0]["title"] == "Reading session: Chain of thought"
    assert "Until 08:45 UTC (45 min)" in opening.text() and "For: \u201cExactly right" in opening.text()
    thread = fake.thread_of(opening.message)
    assert thread is not None and thread.name == "Chain of thought"
    return thread


async def test_a_session_counts_messages_calls_on_people_fairly_and_ends_with_a_recap(
    fake: FakeDiscord,
    start_bot: StartBot,
    clock: Clock,
    observed: list[ChannelMessage],
    cleo: FakeUser,
) -> None:
    fake.gateway.portal_intents = MESSAGE_CONTENT_INTENT
    running = await start_bot(message_content=True)
    world, alice, mod = running.world, running.world.alice, running.world.moderator
    thread = await open_session(running)

    await fake.user_message(thread, alice, "I think it is search, not tokens.")
    await fake.user_message(thread, alice, "Second thought here.")
    await fake.user_message(thread, cleo, "Tokens all the way down.")
    await fake.wait_for(lambda: len(observed) == 3)
    stats = await ask(fake, thread, alice, "session stats")
    assert "Alice: 2 messages, 10 words" in stats.text() and "Cleo: 1 message, 5 words" in stats.text()

    assert "Alice raised a hand (1 of 1" in (await ask(fake, thread, alice, "hand")).text()
    assert "Cleo raised a hand" in (await ask(fake, thread, cleo, "hand")).text()
    opted = await ask(fake, thread, alice, "notify me", **{"on-off": "on"})
    assert opted.ephemeral and "I'll ping you" in opted.content

    first = await ask(fake, thread, mod, "next")  # Cleo has written least: called first, did not opt in
    assert "Cleo, you have the floor" in first.text() and "Waiting: Alice" in first.text()
    assert first.payload["allowed_mentions"] == {"parse": []} and "<@" not in first.text()
    second = await ask(fake, thread, mod, "next")
    assert second.content == f"<@{alice.id}> \U0001f399 Alice, you have the floor."
    assert second.payload["allowed_mentions"] == {"parse": [], "users": [alice.id]}
    assert second.message["channel_id"] == str(thread.id)

    clock.advance(minutes=30)
    recap = await ask(fake, world.general, mod, "session end")  # from the channel: the thread hears it too
    assert recap.embeds[0]["title"] == "Recap: Chain of thought"
    assert "08:00 UTC to 08:30 UTC (30 min); closed by Mod" in recap.text()
    assert (
        "Alice: 2 messages, 10 words, called 1\u00d7; Cleo: 1 message, 5 words, called 1\u00d7"
        in recap.text()
    )
    in_thread = channel_posts(fake)[-1]
    assert in_thread.message["channel_id"] == str(thread.id) and "Recap: Chain of thought" in in_thread.text()
    assert all(s.payload["allowed_mentions"] == {"parse": []} for s in channel_posts(fake))
    status = await ask(fake, thread, alice, "session status")
    assert "No session is open here" in status.text()


async def test_without_the_intent_messages_count_but_not_words_and_nothing_is_recorded(
    running: Running, clock: Clock, observed: list[ChannelMessage], cleo: FakeUser
) -> None:
    fake, world = running.fake, running.world
    record = await ask(fake, world.general, world.moderator, "session record", **{"on-off": "on"})
    assert "Recording is ON" in record.text()
    thread = await open_session(running)
    await fake.user_message(thread, world.alice, "Words Discord does not show the bot.")
    seen = f"In passing, {fake.me.mention} sees this one."  # mentioned later on: conversation, not a command
    await fake.user_message(thread, cleo, seen)
    await fake.wait_for(lambda: len(observed) == 2)
    assert [m.text for m in observed] == ["", seen]
    stats = await ask(fake, thread, world.alice, "session stats")
    assert "Alice: 1 message, 0 words" in stats.text() and "Cleo: 1 message, 6 words" in stats.text()
    store = running.bot.context.stores.archives
    archive = await store.find_archive(space_key(world.alpha.id), group_archive(str(world.general.id)))
    assert archive is not None and archive.comment_count == 1  # only the message that mentions the bot


async def test_a_member_is_refused_session_start(running: Running, clock: Clock) -> None:
    fake, world = running.fake, running.world
    interaction = await fake.slash(world.general, world.alice, "session start", topic="Anything at all")
    answer = await answered(fake, interaction)
    assert [s.via for s in interaction.sent] == ["deferred", "delete", "followup"]  # "thinking" taken back
    assert answer.ephemeral and "`session start` is for moderators only" in answer.content
    assert channel_posts(fake) == [] and not [c for c in fake.channels.values() if c.type == 11]
    status = await ask(fake, world.general, world.alice, "session status")
    assert "No session is open here" in status.text()


async def test_the_clock_closes_a_session_and_its_recap_goes_to_the_thread(
    running: Running, bot: Bot, clock: Clock
) -> None:
    fake, world = running.fake, running.world
    thread = await open_session(running)
    clock.advance(minutes=50)
    status = await ask(fake, world.general, world.alice, "session status")
    assert "No session is open here" in status.text()
    recap = channel_posts(fake)[-1]
    assert recap.message["channel_id"] == str(thread.id)
    assert recap.embeds[0]["title"] == "Session closed. Recap: Chain of thought"
    assert "08:00 UTC to 08:45 UTC (45 min); closed by the timer" in recap.text()
