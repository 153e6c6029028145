"""The fake holds the bot to Discord's rules; scheduled posts reach a channel and open a thread."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from adapters.discord.inbound import PLATFORM
from bot.models import Place, TextReply
from bot.posting import ChannelGoneError
from tests.discord.conftest import Running, World
from tests.discord.fake_discord import TOKEN, FakeDiscord

AUTH = {"Authorization": f"Bot {TOKEN}"}


async def test_fake_refuses_what_discord_refuses(fake: FakeDiscord, world: World) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{fake.api_base}/channels/{world.general.id}/messages"
        async with http.post(url, json={"content": "x" * 2001}, headers=AUTH) as response:
            assert response.status == 400 and (await response.json())["code"] == 50035
            assert response.headers["Content-Type"] == "application/json"
        too_many = {"embeds": [{"description": "x"}] * 11}
        async with http.post(url, json=too_many, headers=AUTH) as response:
            assert response.status == 400
        over_total = {"embeds": [{"description": "x" * 4000}, {"description": "y" * 2001}]}
        async with http.post(url, json=over_total, headers=AUTH) as response:
            assert response.status == 400
        async with http.get(f"{fake.api_base}/users/@me") as response:
            assert response.status == 401
    assert len(fake.violations) == 3
    fake.violations.clear()


async def test_fake_enforces_the_interaction_deadline(running: Running) -> None:
    """An interaction nobody answers in time is gone (10062); nor can it be acknowledged twice."""
    fake, world = running.fake, running.world
    fake.deadline = 0.05
    interaction = fake.interactions[(await fake.slash(world.general, world.alice, "help")).id]
    await asyncio.sleep(0.1)
    async with aiohttp.ClientSession() as http:
        url = f"{fake.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
        async with http.post(url, json={"type": 4, "data": {"content": "late"}}) as response:
            assert response.status == 404 and (await response.json())["code"] == 10062
    await fake.wait_for(lambda: fake.violations)  # the bot itself was too late as well with such a deadline
    assert all("answered after" in v for v in fake.violations)
    fake.violations.clear()


async def test_scheduled_post_lands_in_the_channel_and_opens_a_thread(running: Running) -> None:
    fake, world = running.fake, running.world
    place = Place(platform=PLATFORM, space=str(world.alpha.id), channel=str(world.general.id))
    posted = await running.bot.context.posters.post(
        place, TextReply(title="Daily prompt", text="What about @everyone?"), open_thread="Daily prompt"
    )
    (sent,) = [s for s in fake.sent if s.via == "channel"]
    assert sent.embeds[0]["title"] == "Daily prompt"
    assert sent.payload["allowed_mentions"] == {"parse": []}
    assert posted.message_id == sent.message["id"]
    assert posted.place.thread == sent.message["id"]  # Discord gives a thread the id of its first message
    follow_up = await running.bot.context.posters.post(posted.place, TextReply(text="Reminder"))
    assert fake.sent[-1].message["channel_id"] == posted.place.thread
    assert follow_up.place.thread == posted.place.thread


async def test_posting_to_a_missing_channel_says_the_channel_is_gone(running: Running) -> None:
    place = Place(platform=PLATFORM, space=str(running.world.alpha.id), channel="123")
    with pytest.raises(ChannelGoneError):
        await running.bot.context.posters.post(place, TextReply(text="hello"))


async def test_a_reply_may_ping_the_one_user_it_names_and_nobody_else(running: Running) -> None:
    fake, world = running.fake, running.world
    place = Place(platform=PLATFORM, space=str(world.alpha.id), channel=str(world.general.id))
    reply = TextReply(text="your turn, not @everyone's", mention_user_id=str(world.alice.id))
    await running.bot.context.posters.post(place, reply)
    (sent,) = fake.sent
    assert sent.content.startswith(f"<@{world.alice.id}> your turn")
    assert sent.payload["allowed_mentions"] == {"parse": [], "users": [world.alice.id]}
