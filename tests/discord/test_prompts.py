"""Daily discussion prompts on Discord: posted by the scheduler through the DiscordPoster or by `/prompt now`,
as embeds with the claim and each side cited and the counts, pinging the configured role alone (never anyone a
quote names), with a thread for the discussion."""

from __future__ import annotations

import logging

import pytest

from adapters.discord.inbound import space_key
from adapters.discord.mentions import find_role
from bot.core import Bot
from bot.models import PromptTally
from bot.prompts import tick
from bot.prompts.pool import DISAGREEMENT_QUESTIONS, ROUGH_NOTE
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.discord.conftest import Clock, StartBot, World
from tests.discord.fake_discord import FakeDiscord, Sent
from tests.prompts.support import mine_all

DEBATE = [
    CommentRecord("c1", "Chain-of-thought tokens are *mostly* wasted compute, @everyone knows it.",
                  author="ann_the_*great*", url="https://t.example/c1"),
    CommentRecord("r1", "I disagree: the __long__ reasoning is exactly where the gains come from.",
                  parent_id="c1", author="bob", url="https://t.example/r1"),
]  # fmt: skip
TALLY = PromptTally(agree=0, disagree=1).line()


@pytest.fixture(autouse=True)
def _word_based(no_models: None) -> None:
    """Prompt and session mechanics, not the models: the bot runs on the word-based fallback."""


def channel_posts(fake: FakeDiscord) -> list[Sent]:
    return [s for s in fake.sent if s.via == "channel"]


async def schedule(fake: FakeDiscord, world: World, **options: str) -> Sent:
    """A moderator schedules a daily 09:00 UTC prompt from the debate archive in #general."""
    interaction = await fake.slash(
        world.general, world.moderator, "prompt schedule", when="09:00 daily UTC", archive="debate", **options
    )
    (answer,) = await fake.wait_for(lambda: interaction.sent)
    assert "Prompt scheduled" in answer.text(), answer.text()
    return answer


@pytest.fixture
async def debate(bot: Bot, world: World) -> None:
    await bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "debate", DEBATE, created_at=now_iso(bot.context)
    )
    await mine_all(bot)


@pytest.mark.usefixtures("debate")
async def test_scheduled_prompt_cites_both_sides_pings_only_its_role_and_opens_a_thread(
    fake: FakeDiscord, world: World, bot: Bot, start_bot: StartBot, clock: Clock
) -> None:
    readers = world.alpha.add_role("Readers", mentionable=True)
    world.alpha.add_role("Writers", mentionable=True)
    await start_bot()
    assert "notifies @readers" in (await schedule(fake, world, role="readers")).text()
    await tick(bot.context, clock.advance(hours=1, seconds=20))  # what the background loop does at 09:00

    (post,) = channel_posts(fake)
    assert post.message["channel_id"] == str(world.general.id)
    assert post.content == f"<@&{readers.id}>"
    assert post.payload["allowed_mentions"] == {"parse": [], "roles": [readers.id]}
    header, claim, pushback = post.embeds
    question, tally, _, note = header["description"].split("\n")
    assert header["title"] == "Discussion prompt" and question.strip("*") in DISAGREEMENT_QUESTIONS
    assert (tally, note) == (TALLY, ROUGH_NOTE)
    assert claim["author"]["name"] == "Claim" and pushback["author"]["name"] == "Disagrees"
    assert claim["title"] == r"ann\_the\_\*great\*" and claim["url"] == "https://t.example/c1"
    assert (
        claim["description"] == r"Chain-of-thought tokens are \*mostly\* wasted compute, @everyone knows it."
    )
    assert pushback["title"] == "bob" and pushback["url"] == "https://t.example/r1"
    assert r"the \_\_long\_\_ reasoning" in pushback["description"]
    assert all(e["footer"]["text"] == "archive debate" for e in (claim, pushback))

    thread = fake.thread_of(post.message)
    assert thread is not None and thread.parent_id == world.general.id
    assert thread.name == "Discussion prompt \u00b7 Mon 10 Mar"
    store = bot.context.stores.prompts
    found = await store.schedule(space_key(world.alpha.id), str(world.general.id))
    assert found is not None
    (record,) = await store.recent_posts(found.id, 5)
    assert (record.state, record.thread, record.message_id) == ("sent", str(thread.id), post.message["id"])

    await tick(bot.context, clock.advance(minutes=30))
    assert len(channel_posts(fake)) == 1  # once a day


@pytest.mark.usefixtures("debate")
async def test_prompt_now_posts_with_a_thread_and_tells_only_the_moderator(
    fake: FakeDiscord, world: World, start_bot: StartBot, clock: Clock
) -> None:
    """Without a schedule nobody is notified; a member may not post one."""
    running = await start_bot()
    refused = await fake.slash(world.general, world.alice, "prompt now", archive="debate")
    (no,) = await fake.wait_for(lambda: refused.sent)
    assert no.ephemeral and "moderators only" in no.content
    assert channel_posts(fake) == []

    interaction = await fake.slash(world.general, world.moderator, "prompt now", archive="debate")
    (answer,) = await fake.wait_for(lambda: interaction.sent)
    assert answer.via == "response" and answer.ephemeral and "Posted the next prompt" in answer.text()
    (post,) = channel_posts(fake)
    assert post.content == "" and post.payload["allowed_mentions"] == {"parse": []}
    assert [e.get("author", {}).get("name") for e in post.embeds] == [None, "Claim", "Disagrees"]
    thread = fake.thread_of(post.message)
    assert thread is not None and thread.name == "Discussion prompt \u00b7 Mon 10 Mar"
    assert running.client.get_channel(thread.id) is not None  # THREAD_CREATE reached the client


@pytest.mark.usefixtures("debate")
async def test_prompt_next_previews_to_the_asker_showing_the_role_without_pinging_it(
    fake: FakeDiscord, world: World, start_bot: StartBot, clock: Clock
) -> None:
    readers = world.alpha.add_role("Readers", mentionable=True)
    await start_bot()
    await schedule(fake, world, role=f"<@&{readers.id}>")
    interaction = await fake.slash(world.general, world.alice, "prompt next")
    (preview,) = await fake.wait_for(lambda: interaction.sent)
    assert preview.ephemeral and preview.content == f"<@&{readers.id}>"
    assert preview.payload["allowed_mentions"] == {"parse": []}
    header = preview.embeds[0]
    assert "Preview. Posts Mon 10 Mar" in header["description"] and len(preview.embeds) == 3
    assert channel_posts(fake) == []


@pytest.mark.usefixtures("debate")
@pytest.mark.parametrize(("role", "shown"), [("ghosts", "@ghosts"), ("@everyone", "@\u200beveryone")])
async def test_a_role_not_found_is_plain_text_pings_nobody_and_is_logged(
    fake: FakeDiscord,
    world: World,
    start_bot: StartBot,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    role: str,
    shown: str,
) -> None:
    await start_bot()
    await schedule(fake, world, role=role)
    with caplog.at_level(logging.WARNING, logger="adapters.discord.mentions"):
        interaction = await fake.slash(world.general, world.moderator, "prompt now")
        await fake.wait_for(lambda: interaction.sent)
    (post,) = channel_posts(fake)
    assert post.content == shown and post.payload["allowed_mentions"] == {"parse": []}
    assert "no such role in this server" in caplog.text


@pytest.mark.usefixtures("debate")
async def test_an_unmentionable_role_and_a_refused_thread_are_logged_and_the_prompt_still_posts(
    fake: FakeDiscord,
    world: World,
    bot: Bot,
    start_bot: StartBot,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Discord would show the mention without notifying: the log says how to fix it. No Create Public Threads:
    the prompt stays in the channel and counts as sent (it was), rather than pausing the schedule."""
    quiet = world.alpha.add_role("Quiet")
    fake.threads_forbidden = True
    await start_bot()
    await schedule(fake, world, role="Quiet")
    with caplog.at_level(logging.WARNING):
        await tick(bot.context, clock.advance(hours=1, seconds=20))
    (post,) = channel_posts(fake)
    assert post.payload["allowed_mentions"] == {"parse": [], "roles": [quiet.id]}
    assert fake.thread_of(post.message) is None
    assert "not mentionable" in caplog.text and "Create Public Threads" in caplog.text
    store = bot.context.stores.prompts
    found = await store.schedule(space_key(world.alpha.id), str(world.general.id))
    assert found is not None and not found.paused
    assert [(r.state, r.thread) for r in await store.recent_posts(found.id, 5)] == [("sent", None)]


async def test_a_role_is_found_by_name_any_case_at_sign_id_or_mention(
    fake: FakeDiscord, world: World, start_bot: StartBot
) -> None:
    readers = world.alpha.add_role("Readers")
    world.alpha.add_role("Twins")
    world.alpha.add_role("twins")
    world.alpha.add_role("Dup")
    world.alpha.add_role("Dup")
    running = await start_bot()
    guild = running.client.get_guild(world.alpha.id)
    assert guild is not None
    for wanted in ("Readers", "readers", "@READERS", str(readers.id), f"<@&{readers.id}>"):
        found = find_role(guild, wanted)
        assert found is not None and found.id == readers.id, wanted
    twins = find_role(guild, "twins")
    assert twins is not None and twins.name == "twins"  # the exact spelling wins
    for wanted in ("Dup", "TWINS", "everyone", "@everyone", str(world.alpha.id), "<@&1>", "nobody"):
        assert find_role(guild, wanted) is None, wanted
