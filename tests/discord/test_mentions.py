"""Commands by mentioning the bot (no Message Content intent needed), and in DMs."""

from __future__ import annotations

from adapters.discord.inbound import space_key
from bot.models import ChannelMessage
from tests.discord.conftest import Running, StartBot
from tests.discord.fake_discord import FakeDiscord, Sent
from tests.discord.fake_gateway import MESSAGE_CONTENT_INTENT


def channel_replies(running: Running, count: int = 1) -> list[Sent]:
    sent = [s for s in running.fake.sent if s.via == "channel"]
    return sent if len(sent) >= count else []


async def test_mention_command_replies_to_the_message(running: Running) -> None:
    fake, world = running.fake, running.world
    asked = await fake.user_message(world.general, world.alice, f"{fake.me.mention} quote tokens")
    (reply,) = await fake.wait_for(lambda: channel_replies(running))
    assert str(reply.payload["message_reference"]["message_id"]) == asked["id"]
    assert reply.payload["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert reply.embeds and all("**token" in e["description"].lower() for e in reply.embeds)


async def test_nickname_mention_form_and_prefix_work(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.user_message(world.general, world.alice, f"<@!{fake.me.id}> /archives")
    (reply,) = await fake.wait_for(lambda: channel_replies(running))
    assert "`sample`" in reply.text()


async def test_messages_not_starting_with_the_mention_are_ignored(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.user_message(world.general, world.alice, f"I asked {fake.me.mention} quote tokens yesterday")
    await fake.user_message(world.general, world.alice, "quote tokens")
    await fake.user_message(world.general, world.alice, f"{fake.me.mention} help")  # a marker, answered
    (reply,) = await fake.wait_for(lambda: channel_replies(running))
    assert "threadbot commands" in reply.text()
    assert len([s for s in fake.sent if s.via == "channel"]) == 1


async def test_a_bare_mention_explains_what_to_do(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.user_message(world.general, world.alice, fake.me.mention)
    (reply,) = await fake.wait_for(lambda: channel_replies(running))
    assert "Empty command" in reply.content and "help" in reply.content


async def test_member_refused_moderator_command_by_mention_moderator_allowed(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.user_message(world.general, world.alice, f"{fake.me.mention} archive use sample")
    (refused,) = await fake.wait_for(lambda: channel_replies(running))
    assert "moderators only" in refused.content
    key = space_key(world.alpha.id)
    assert await running.bot.context.stores.archives.get_channel_setting(key, str(world.general.id), "archive") is None
    await fake.user_message(world.general, world.moderator, f"{fake.me.mention} archive use sample")
    _, allowed = await fake.wait_for(lambda: channel_replies(running, 2))
    assert "now reads `sample`" in allowed.content
    assert (
        await running.bot.context.stores.archives.get_channel_setting(key, str(world.general.id), "archive") == "sample"
    )


async def test_dm_needs_no_mention_and_is_its_own_space(running: Running) -> None:
    fake, world = running.fake, running.world
    dm = fake.dm_channel(world.alice)
    await fake.user_message(dm, world.alice, "archives")
    (reply,) = await fake.wait_for(lambda: channel_replies(running))
    assert reply.message["channel_id"] == str(dm.id)
    assert "`sample`" in reply.text()


async def test_other_channel_messages_go_to_the_observers_without_their_text(
    running: Running, observed: list[ChannelMessage]
) -> None:
    """Without the Message Content intent Discord withholds the text; the message is observed all the same."""
    fake, world = running.fake, running.world
    asked = await fake.user_message(world.general, world.alice, "just chatting")
    await fake.user_message(world.general, world.alice, f"{fake.me.mention} help")
    await fake.wait_for(lambda: channel_replies(running) and observed)
    (message,) = observed
    assert message.message_id == asked["id"] and message.text == ""
    assert message.place.space == str(world.alpha.id) and message.actor.user_id == str(world.alice.id)


async def test_with_the_message_content_intent_observers_get_the_text(
    fake: FakeDiscord, start_bot: StartBot, observed: list[ChannelMessage]
) -> None:
    fake.gateway.portal_intents = MESSAGE_CONTENT_INTENT
    running = await start_bot(message_content=True)
    world = running.world
    first = await fake.user_message(world.general, world.alice, "just chatting")
    await fake.user_message(world.general, world.archivist, "a reply", reply_to=first)
    await fake.wait_for(lambda: len(observed) == 2)
    # Each message is observed in its own task, which may finish in either order: take them as sent.
    in_order = sorted(observed, key=lambda m: int(m.message_id))
    assert [m.text for m in in_order] == ["just chatting", "a reply"]
    assert in_order[1].reply_to_message_id == first["id"]
    assert fake.gateway.intents & MESSAGE_CONTENT_INTENT
