"""Stance and counter answers through the fake Discord (no stored claims needed): deferred in time, every part
within Discord's limits, quoted mentions inert."""

from __future__ import annotations

from pathlib import Path

from adapters.discord.inbound import space_key
from bot.context import Context
from bot.core import Bot
from bot.models import Command, Reply, StanceCounts, StanceItem, StanceReply
from bot.registry import CommandSpec
from bot.times import now_iso
from tests.discord.conftest import StartBot
from tests.discord.fake_discord import FakeDiscord
from tests.stance.test_stance_commands import CLAIM, THREAD

HUGE_CLAIM = "Remote *work* is @everyone's <@&123> future " * 100


def add_huge_stance(bot: Bot) -> None:
    """`bigstance`: a stance reply with a 4,400-character claim and 200 listed comments."""

    async def handler(ctx: Context, command: Command) -> Reply:
        labels = ("agree", "disagree", "neutral", "unrelated")
        items = [
            StanceItem(
                comment_id=i, text=f"@here comment {i} " + "words " * 60, label=labels[i % 4], score=0.5
            )
            for i in range(200)
        ]
        return StanceReply(claim=HUGE_CLAIM, counts=StanceCounts(agree=50, disagree=50, neutral=50, unrelated=50),
                           items=items, confidence=0.6)  # fmt: skip

    bot.registry.add(CommandSpec(name="bigstance", handler=handler, help="A big stance.", slow=True))


async def test_a_long_claim_with_200_items_is_sent_in_parts_within_limits(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    add_huge_stance(bot)
    running = await start_bot()
    asked = await fake.slash(running.world.general, running.world.alice, "bigstance")
    await fake.wait_for(lambda: len([s for s in asked.sent if s.via == "followup"]) >= 3)
    await fake.wait_for(lambda: "#199 " in "\n".join(s.text() for s in asked.sent))
    assert [s.via for s in asked.sent][:2] == ["deferred", "edit"]
    listing = "\n".join(s.text() for s in asked.sent)
    assert all(f"#{i} " in listing for i in range(200))
    assert all(s.payload.get("allowed_mentions") == {"parse": []} for s in asked.sent if s.via != "deferred")
    assert not fake.violations


async def test_stance_and_counter_by_slash_command(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot, tmp_path: Path
) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    bot.context.settings.model_dir = empty  # word-based stance: fast and deterministic
    running = await start_bot()
    world = running.world
    await bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "remote", THREAD, created_at=now_iso(bot.context)
    )
    stance = await fake.slash(world.general, world.alice, "stance", claim=CLAIM, archive="remote")
    counter = await fake.slash(world.general, world.alice, "counter", claim=CLAIM, archive="remote")
    await fake.wait_for(lambda: all(any(s.via == "edit" for s in i.sent) for i in (stance, counter)))
    assert stance.response_type == counter.response_type == 5  # both slow: deferred at once
    (shown,) = [s for s in stance.sent if s.via == "edit"]
    header = shown.embeds[0]
    assert CLAIM in header["description"] and "rough" in header["footer"]["text"]
    assert [e["author"]["name"] for e in shown.embeds[1:]] == ["Agrees", "Disagrees"]
    (against,) = [s for s in counter.sent if s.via == "edit"]
    assert against.embeds[0]["title"] in {"cat", "dan"} and "keyword matches" in against.content
