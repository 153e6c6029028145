"""Partial answers complete in place on Discord: the message that answered (a slash command's original
response, the reply to a mention, a press's own answer) is edited into the completed answer, mentions still
off, buttons kept. Needs the real models, except for the tests of answers that grow or shrink by whole
messages."""

from __future__ import annotations

import re

import pytest

from adapters.discord.inbound import space_key
from bot.context import Context
from bot.core import Bot
from bot.engine.loader import Engine
from bot.features.stance.reader import reading
from bot.models import Command, Reply, StanceCounts, StanceItem, StanceReply
from bot.registry import CommandSpec
from bot.settings import Settings
from bot.times import now_iso
from tests.discord.conftest import Running, StartBot
from tests.discord.fake_discord import FakeDiscord, FakeInteraction, Sent
from tests.discord.test_stance_buttons import assert_no_pings
from tests.stance.test_nli_cache import real_engine  # noqa: F401 (fixture)
from tests.stance.test_stance_commands import CLAIM, THREAD
from tests.stance.test_stance_reading import _no_time_for_nli, _unhurried_counts

ARCHIVE = "remote"
BUTTONS = ["Show all", "I agree", "I disagree", "Pass"]
READING = 60.0
"""Seconds a test waits for the background reading to finish a claim (the real models on six comments)."""


@pytest.fixture
async def expected(settings: Settings, real_engine: Engine) -> StanceReply:  # noqa: F811
    """The claim's answer with all the time it needs, in a database of its own."""
    return await _unhurried_counts(settings, real_engine)


@pytest.fixture
async def thread(start_bot: StartBot, bot: Bot, real_engine: Engine) -> Running:  # noqa: F811
    """The bot in the fake Discord with the real models and the remote-work thread imported into Alpha."""
    running = await start_bot()
    await bot.context.stores.archives.import_records(
        space_key(running.world.alpha.id), ARCHIVE, THREAD, created_at=now_iso(bot.context)
    )
    bot.context.services.engine = real_engine
    return running


def edits(interaction: FakeInteraction, count: int) -> list[Sent] | None:
    """The edits of the interaction's original response, once there are `count` of them."""
    found = [s for s in interaction.sent if s.via == "edit"]
    return found if len(found) >= count else None


def counts_of(sent: Sent) -> dict[str, int]:
    """The archive's counts as the header's chart shows them."""
    chart = sent.embeds[0]["fields"][0]["value"]
    return {label: int(count) for label, count in re.findall(r"^(\w+) +\S+ +(\d+)$", chart, re.M)}


def assert_completed(first: Sent, final: Sent, expected: StanceReply) -> None:
    """`final` is `first`, edited: no longer being read, the full counts, the same buttons, no mentions."""
    assert final.message["id"] == first.message["id"]
    assert "being read now" in first.text() and "completes itself" in first.text()
    assert "being read" not in final.text()
    assert counts_of(final) == expected.counts.model_dump() != counts_of(first)
    assert final.buttons == first.buttons
    assert final.payload["allowed_mentions"] == {"parse": []}


async def test_a_partial_stance_by_slash_command_edits_its_answer_into_the_completed_one(
    thread: Running, expected: StanceReply, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, world = thread.fake, thread.world
    _no_time_for_nli(monkeypatch)
    asked = await fake.slash(world.general, world.alice, "stance", claim=CLAIM, archive=ARCHIVE)
    first, final = await fake.wait_for(lambda: edits(asked, 2), timeout=READING)
    assert_completed(first, final, expected)
    assert first.buttons == BUTTONS and not final.ephemeral
    assert [s.via for s in asked.sent] == ["deferred", "edit", "edit"]  # the same message, nothing new
    assert_no_pings(fake)


async def test_a_complete_stance_is_not_edited_again(thread: Running) -> None:
    fake, world = thread.fake, thread.world
    asked = await fake.slash(world.general, world.alice, "stance", claim=CLAIM, archive=ARCHIVE)
    [shown] = await fake.wait_for(lambda: edits(asked, 1))
    await thread.bot.finish()  # every completion under way is done
    assert "being read" not in shown.text()
    assert [s.via for s in asked.sent] == ["deferred", "edit"]


async def test_a_partial_stance_by_mention_edits_the_bots_reply(
    thread: Running, expected: StanceReply, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, world = thread.fake, thread.world
    _no_time_for_nli(monkeypatch)
    await fake.user_message(
        world.general, world.alice, f"{fake.me.mention} stance {CLAIM} --archive {ARCHIVE}"
    )
    final = await fake.wait_for(
        lambda: next((s for s in fake.sent if s.via == "channel-edit"), None), timeout=READING
    )
    [first] = [s for s in fake.sent if s.via == "channel"]
    assert_completed(first, final, expected)
    assert first.buttons == BUTTONS
    assert [s.via for s in fake.sent] == ["channel", "channel-edit"]
    assert_no_pings(fake)


async def test_show_all_of_a_partial_stance_completes_the_pressers_own_answer(
    thread: Running, expected: StanceReply, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, world, bot = thread.fake, thread.world, thread.bot
    _no_time_for_nli(monkeypatch)
    async with reading(bot.context).command():  # nothing is read meanwhile: both answers start partial
        asked = await fake.slash(world.general, world.alice, "stance", claim=CLAIM, archive=ARCHIVE)
        [shown] = await fake.wait_for(lambda: edits(asked, 1))
        pressed = await fake.press(shown.message, world.moderator, "Show all")
        await fake.wait_for(lambda: edits(pressed, 1))
    first, final = await fake.wait_for(lambda: edits(pressed, 2), timeout=READING)
    assert_completed(first, final, expected)
    assert final.ephemeral and "Show all" not in final.buttons
    assert f"Every counted comment ({sum(expected.counts.model_dump().values())})" in final.text()
    assert [s.via for s in pressed.sent] == ["deferred", "edit", "edit"]
    await fake.wait_for(lambda: edits(asked, 2), timeout=READING)  # the public answer completes too
    assert_no_pings(fake)


def listing(count: int, *, partial: bool) -> StanceReply:
    """A stance reply listing `count` comments: 200 take several messages, none take one."""
    items = [
        StanceItem(comment_id=i, text=f"comment {i} " + "words " * 60, label="agree", score=0.5)
        for i in range(count)
    ]
    return StanceReply(claim="Remote work", counts=StanceCounts(agree=count), items=items, partial=partial)


def add_changing(bot: Bot, name: str, first: int, final: int) -> None:
    """`name`: a partial answer listing `first` comments, completed into one listing `final`."""

    async def handler(ctx: Context, command: Command) -> Reply:
        return listing(first, partial=True)

    async def completer(ctx: Context, command: Command, reply: Reply) -> Reply:
        return listing(final, partial=False)

    bot.registry.add(
        CommandSpec(name=name, handler=handler, help="A changing listing.", slow=True, completer=completer)
    )


async def ask_changing(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot, first: int, final: int
) -> FakeInteraction:
    """`/changing`, whose first answer lists `first` comments and whose completed one lists `final`."""
    add_changing(bot, "changing", first, final)
    running = await start_bot()
    return await fake.slash(running.world.general, running.world.alice, "changing")


async def test_a_completed_answer_longer_than_the_first_goes_on_in_follow_ups(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    asked = await ask_changing(fake, bot, start_bot, 0, 200)
    await fake.wait_for(lambda: "#199 " in "\n".join(s.text() for s in asked.sent))
    vias = [s.via for s in asked.sent]
    assert vias[:3] == ["deferred", "edit", "edit"] and set(vias[3:]) == {"followup"} and len(vias) >= 5
    listed = "\n".join(s.text() for s in asked.sent[2:])
    assert all(f"#{i} " in listed for i in range(200))
    assert_no_pings(fake)  # every part within Discord's limits too (the fixture checks no violations)


async def test_a_completed_answer_shorter_than_the_first_deletes_the_follow_ups_left_over(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    asked = await ask_changing(fake, bot, start_bot, 200, 0)
    await fake.wait_for(lambda: edits(asked, 2))
    followups = await fake.wait_for(lambda: [s for s in asked.sent if s.via == "followup"])
    await fake.wait_for(lambda: len([s for s in asked.sent if s.via == "delete"]) == len(followups))
    deleted = {s.message["id"] for s in asked.sent if s.via == "delete"}
    assert deleted == {s.message["id"] for s in followups} and len(deleted) >= 2
    final = asked.sent[-len(followups) - 1]
    assert final.via == "edit" and "#0 " not in final.text() and counts_of(final)["agree"] == 0


async def test_a_completed_answer_over_several_messages_edits_each_of_them_in_order(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    """The completion is ready at once, before the first answer's last part is sent: it waits, then edits the
    original response and every follow-up in order, and sends the parts the first answer did not have."""
    asked = await ask_changing(fake, bot, start_bot, 150, 200)
    await fake.wait_for(lambda: asked.sent and "#199 " in asked.sent[-1].text())  # the completed answer's end
    followups = [s for s in asked.sent if s.via == "followup"]  # the first answer's, then the new ones
    edited = [s for s in asked.sent if s.via == "followup-edit"]
    assert 2 <= len(edited) < len(followups)
    assert [s.message["id"] for s in edited] == [s.message["id"] for s in followups[: len(edited)]]
    assert [s.via for s in asked.sent[: 2 + len(edited)]] == ["deferred", "edit", *["followup"] * len(edited)]
    final = asked.sent[2 + len(edited) :]
    assert [s.via for s in final] == ["edit", *["followup-edit"] * len(edited)] + ["followup"] * (
        len(followups) - len(edited)
    )
    listed = "\n".join(s.text() for s in final)
    assert all(f"#{i} " in listed for i in range(200))
    assert_no_pings(fake)
