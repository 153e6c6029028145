"""Stance and counter in a Discord server: Show all, vote and Another buttons pressed by members, over the
fake Discord; claim autocomplete per server; presses after a restart and from another server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.discord.inbound import space_key
from bot.core import Bot
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.discord.conftest import Running, StartBot
from tests.discord.fake_discord import FakeDiscord, FakeInteraction, Sent
from tests.discord.fake_world import JSON, FakeChannel, FakeUser
from tests.stance.test_stance_commands import CLAIM, THREAD

ARCHIVE = "remote"


@pytest.fixture
def no_models(bot: Bot, tmp_path: Path) -> None:
    """Word-based stance and counters: fast and deterministic (the models have their own tests)."""
    empty = tmp_path / "no-models"
    empty.mkdir()
    bot.context.settings.model_dir = empty


@pytest.fixture
async def running(start_bot: StartBot, no_models: None) -> Running:
    """The bot in the fake Discord, with the remote-work thread imported into Alpha as `remote`."""
    running = await start_bot()
    await running.bot.context.stores.archives.import_records(
        space_key(running.world.alpha.id), ARCHIVE, THREAD, created_at=now_iso(running.bot.context)
    )
    return running


async def answered(
    fake: FakeDiscord, interaction: FakeInteraction, vias: tuple[str, ...] = ("edit",)
) -> Sent:
    """The message that answers the interaction (the edit of a deferred one, or the direct response)."""
    return await fake.wait_for(lambda: next((s for s in interaction.sent if s.via in vias), None))


async def stance_message(running: Running, claim: str = CLAIM, user: FakeUser | None = None) -> Sent:
    fake, world = running.fake, running.world
    asked = await fake.slash(world.general, user or world.alice, "stance", claim=claim, archive=ARCHIVE)
    return await answered(fake, asked)


async def press(
    running: Running, message: JSON, user: FakeUser, label: str, channel: FakeChannel | None = None
) -> FakeInteraction:
    pressed = await running.fake.press(message, user, label, channel=channel)
    await running.fake.wait_for(lambda: pressed.sent and pressed.sent[-1].via not in ("deferred",))
    return pressed


def assert_no_pings(fake: FakeDiscord) -> None:
    """Every message the bot sent allows no mention at all (a reply to a mention does not ping its author)."""
    for sent in fake.sent:
        if sent.via not in ("deferred", "delete"):  # no message of their own
            mentions = dict(sent.payload.get("allowed_mentions") or {})
            assert not mentions.pop("replied_user", False), sent.payload
            assert mentions == {"parse": []}, sent.payload


async def test_a_stance_is_deferred_then_shown_with_its_buttons(running: Running) -> None:
    fake, world = running.fake, running.world
    asked = await fake.slash(world.general, world.alice, "stance", claim=CLAIM, archive=ARCHIVE)
    shown = await answered(fake, asked)
    assert asked.response_type == 5 and asked.acknowledged_at is not None
    assert asked.acknowledged_at - asked.created < 1.0
    assert not shown.ephemeral and shown.buttons == ["Show all", "I agree", "I disagree", "Pass"]
    header = shown.embeds[0]
    assert CLAIM in header["description"] and header["fields"][0]["name"] == f"Comments in `{ARCHIVE}`"
    assert "agree" in header["fields"][0]["value"] and "\u2588" in header["fields"][0]["value"]
    assert [e["author"]["name"] for e in shown.embeds[1:]] == ["Agrees", "Disagrees"]
    assert_no_pings(fake)


async def test_show_all_answers_only_the_member_who_pressed(running: Running) -> None:
    fake, world = running.fake, running.world
    shown = await stance_message(running)
    public_before = [s for s in fake.sent if not s.ephemeral]
    pressed = await fake.press(shown.message, world.moderator, "Show all")
    await fake.wait_for(lambda: any(s.via == "edit" for s in pressed.sent))
    assert pressed.response_type == 5 and pressed.acknowledged_at is not None
    assert pressed.acknowledged_at - pressed.created < 1.0  # deferred at once: `stance` is slow
    assert all(s.ephemeral for s in pressed.sent)
    listing = "\n".join(s.text() for s in pressed.sent)
    assert f"Every counted comment ({len(THREAD)})" in listing
    assert "Show all" not in pressed.sent[-1].buttons
    assert [s for s in fake.sent if not s.ephemeral] == public_before
    assert_no_pings(fake)


async def test_votes_are_recorded_and_shown_in_the_next_stance(running: Running) -> None:
    world = running.world
    shown = await stance_message(running)
    votes = [
        await press(running, shown.message, world.alice, "I agree"),
        await press(running, shown.message, world.moderator, "I disagree"),
        await press(running, shown.message, world.archivist, "Pass"),
        await press(running, shown.message, world.alice, "I disagree"),  # changed her mind: still one vote
    ]
    assert all(s.ephemeral for vote in votes for s in vote.sent)
    again = await stance_message(running, user=world.moderator)
    fields = {f["name"]: f["value"] for f in again.embeds[0]["fields"]}
    tally = fields["Members' votes"]
    assert [line.split()[0::2] for line in tally.strip("`\n").splitlines()] == [
        ["agree", "0"], ["disagree", "2"], ["pass", "1"]
    ]  # fmt: skip
    assert_no_pings(running.fake)


async def test_another_posts_a_different_counterargument(running: Running) -> None:
    fake, world = running.fake, running.world
    asked = await fake.slash(world.general, world.alice, "counter", claim=CLAIM, archive=ARCHIVE)
    first = await answered(fake, asked)
    assert first.buttons == ["Another"] and not first.ephemeral
    pressed = await fake.press(first.message, world.moderator, "Another")
    second = await answered(fake, pressed)
    assert pressed.response_type == 5 and not second.ephemeral
    assert {first.embeds[0]["title"], second.embeds[0]["title"]} == {"cat", "dan"}  # the two who disagree
    assert_no_pings(fake)


async def test_a_press_from_another_server_finds_no_claim(running: Running) -> None:
    fake, world = running.fake, running.world
    shown = await stance_message(running)
    forged = await press(running, shown.message, world.bob, "Show all", channel=world.beta_general)
    (answer,) = [s for s in forged.sent if s.via != "deferred"] or forged.sent
    assert answer.ephemeral and "That claim is gone" in answer.text()
    assert CLAIM not in "\n".join(s.text() for s in forged.sent)
    assert not fake.violations


async def test_buttons_keep_working_after_a_restart(running: Running, start_bot: StartBot) -> None:
    shown = await stance_message(running)
    await running.client.close()
    restarted = await start_bot()
    pressed = await restarted.fake.press(shown.message, restarted.world.alice, "Show all")
    await restarted.fake.wait_for(lambda: any(s.via == "edit" for s in pressed.sent))
    assert "Every counted comment" in "\n".join(s.text() for s in pressed.sent)


async def test_autocomplete_offers_this_servers_claims_and_a_new_claim_is_accepted(running: Running) -> None:
    fake, world = running.fake, running.world
    await stance_message(running)
    in_alpha = await fake.autocomplete(world.general, world.alice, "stance", "claim", claim="remote")
    in_beta = await fake.autocomplete(world.beta_general, world.bob, "stance", "claim", claim="remote")
    await fake.wait_for(lambda: in_alpha.choices is not None and in_beta.choices is not None)
    assert CLAIM in [c["value"] for c in in_alpha.choices or []]
    assert CLAIM not in [c["value"] for c in in_beta.choices or []]
    fresh = await stance_message(running, claim="Offices build trust between colleagues")
    assert "Offices build trust between colleagues" in fresh.embeds[0]["description"]


async def test_a_stance_asked_by_mention_carries_buttons_that_work(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.user_message(
        world.general, world.alice, f"{fake.me.mention} stance {CLAIM} --archive {ARCHIVE}"
    )
    reply = await fake.wait_for(lambda: next((s for s in fake.sent if s.via == "channel"), None))
    assert reply.buttons == ["Show all", "I agree", "I disagree", "Pass"]
    pressed = await fake.press(reply.message, world.alice, "Show all")
    await fake.wait_for(lambda: any(s.via == "edit" for s in pressed.sent))
    assert all(s.ephemeral for s in pressed.sent)
    assert_no_pings(fake)


async def test_show_all_of_a_long_list_is_split_into_private_messages_within_limits(
    running: Running,
) -> None:
    fake, world = running.fake, running.world
    records = [
        CommentRecord(
            source_id=f"b{i}", text=f"Comment {i}: remote work makes teams more productive? " + "So " * 40
        )
        for i in range(200)
    ]
    await running.bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "big", records, created_at=now_iso(running.bot.context)
    )
    asked = await fake.slash(world.general, world.alice, "stance", claim=CLAIM, archive="big")
    shown = await answered(fake, asked)
    pressed = await fake.press(shown.message, world.alice, "Show all")
    await fake.wait_for(lambda: any(s.via == "edit" for s in pressed.sent))
    await fake.wait_for(lambda: pressed.sent[-1].buttons)  # the last part carries the vote buttons
    parts = [s for s in pressed.sent if s.via != "deferred"]
    assert len(parts) >= 2 and all(s.ephemeral for s in parts)
    listing = "\n".join(s.text() for s in parts)
    counted = sum(
        int(n) for n in re.findall(r"^\w+ +\S+ +(\d+)$", parts[0].embeds[0]["fields"][0]["value"], re.M)
    )
    assert counted >= 60 and f"Every counted comment ({counted}), part 1 of" in listing
    assert len(set(re.findall(r"#(\d+) \u00b7", listing))) == counted
    assert not fake.violations  # every part within Discord's limits
