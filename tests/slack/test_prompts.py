"""Daily discussion prompts in Slack: the scheduler posts through the Slack poster, `prompt now` and `prompt next`
as slash commands; the prompt is Block Kit with cited quotes, and only the configured user group is notified."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from adapters.slack import SlackRuntime
from bot.core import Bot
from bot.prompts import tick
from bot.prompts.pool import ROUGH_NOTE
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.prompts.support import Clock, mine_all, utc
from tests.slack.conftest import TEAM, Sender
from tests.slack.fake_slack import FakeSlack

SPACE = f"slack:{TEAM}"
PINGS = re.compile(r"<[!@#][^>]*>")
EVIL_THREAD = [
    CommentRecord("c1", "Token counts <!channel> are the only metric that matters for @here teams & managers.",
                  author="<!here>", url="https://t.example/c1"),
    CommentRecord("r1", "I disagree <@UADMIN>: outcomes matter, and <!everyone> knows token counts lie.",
                  parent_id="c1", author="bob", url="https://t.example/r1"),
    CommentRecord("c2", "Readable sentences about the essay that drew a handful of direct replies.", author="cy"),
]  # fmt: skip


@pytest.fixture
def clock(bot: Bot) -> Clock:
    clock = Clock(utc(2026, 5, 4, 6))
    bot.context.clock = clock
    return clock


@pytest.fixture
async def posting(bot: Bot, fake: FakeSlack, http_slack: SlackRuntime, clock: Clock) -> SlackRuntime:
    """The Slack poster registered as `run_slack` does, a `debaters` group, and an archive with evil quotes."""
    assert http_slack.poster is not None
    bot.context.posters.register("slack", http_slack.poster)
    fake.add_usergroup(TEAM, "S0DEB", "debaters", ["UALICE"])
    await bot.context.stores.archives.import_records(SPACE, "debate", EVIL_THREAD, created_at=now_iso(bot.context))
    await mine_all(bot)
    return http_slack


def everything(message: dict[str, Any]) -> str:
    return str(message.get("text", "")) + json.dumps(message.get("blocks", []), ensure_ascii=False)


def pings(message: dict[str, Any]) -> list[str]:
    return PINGS.findall(everything(message))


async def schedule(send: Sender, runtime: SlackRuntime, fake: FakeSlack, options: str) -> None:
    answer = await send.command(f"prompt schedule 09:00 daily Europe/Berlin --archive debate {options}",
                                user="UADMIN")  # fmt: skip
    assert answer.status == 200
    await runtime.work.drain(5)
    assert "Prompt scheduled" in fake.messages[-1]["text"]


async def test_scheduled_prompt_is_block_kit_and_notifies_only_the_group(
    bot: Bot, send: Sender, fake: FakeSlack, posting: SlackRuntime, clock: Clock
) -> None:
    """The scheduler's prompt: a titled message with the question, the counts, the claim and each side's quote
    with author and link, the archive; `<!subteam^S0DEB>` is its one ping, and every broadcast or mention in the
    quotes stays text."""
    await schedule(send, posting, fake, "--role <!subteam^S0DEB|@debaters>")  # as Slack escapes `@debaters`
    before = len(fake.messages)
    clock.now = utc(2026, 5, 4, 7, 0, 30)
    await tick(bot.context, clock.now)
    [prompt] = fake.messages[before:]
    assert prompt["channel"] == "C1" and "thread_ts" not in prompt
    blocks = prompt["blocks"]
    assert (
        blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "Discussion prompt \u00b7 Mon 04 May"
    )
    question = blocks[1]["text"]["text"]
    assert question.startswith("<!subteam^S0DEB> :speech_balloon: *") and question.endswith("?*")
    assert blocks[2]["elements"][0]["text"] == "0 comments agree, 1 disagrees"
    sides = [b["text"]["text"] for b in blocks if b["type"] == "section"][1:]
    assert sides[0].startswith("*Claim*\n> Token counts &lt;!channel&gt; are the only metric")
    assert "*&lt;!here&gt;* \u00b7 <https://t.example/c1|source>" in sides[0]
    assert sides[1].startswith("*Disagrees*\n> I disagree &lt;@UADMIN&gt;:")
    assert "*bob* \u00b7 <https://t.example/r1|source>" in sides[1]
    assert blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "verbatim": True,
                                                           "text": f"archive `debate` \u00b7 {ROUGH_NOTE}"}]}  # fmt: skip
    assert all(b["text"]["verbatim"] for b in blocks if b["type"] == "section")
    assert (
        prompt["text"].startswith("<!subteam^S0DEB> ")
        and "Disagrees: \u201cI disagree &lt;@UADMIN&gt;" in prompt["text"]
    )
    assert set(pings(prompt)) == {"<!subteam^S0DEB>"}
    assert prompt["unfurl_links"] is False and "link_names" not in prompt
    [post] = await bot.context.stores.prompts.recent_posts(1, 5)
    assert post.state == "sent" and post.message_id == prompt["ts"] and post.thread == prompt["ts"]


async def test_the_group_is_looked_up_once_and_cached(
    bot: Bot, send: Sender, fake: FakeSlack, posting: SlackRuntime, clock: Clock
) -> None:
    """Two days of prompts cost one usergroups.list: the workspace's groups are remembered."""
    await schedule(send, posting, fake, "--role debaters")
    lookups = len(fake.called("usergroups.list"))  # the moderator check of the schedule command
    for day in (4, 5):
        clock.now = utc(2026, 5, day, 7, 1)
        await tick(bot.context, clock.now)
    assert len(fake.called("usergroups.list")) == lookups + 1
    prompts = fake.messages[-2:]
    assert [pings(m) for m in prompts] == [["<!subteam^S0DEB>"] * 2] * 2


async def test_an_unknown_group_is_plain_text_and_logged(
    bot: Bot,
    send: Sender,
    fake: FakeSlack,
    posting: SlackRuntime,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A group the workspace does not have is written as `@name`, pings nobody, and the log says so."""
    await schedule(send, posting, fake, "--role nobody-here")
    clock.now = utc(2026, 5, 4, 7, 1)
    with caplog.at_level(logging.WARNING, logger="adapters.slack.mentions"):
        await tick(bot.context, clock.now)
    prompt = fake.messages[-1]
    assert prompt["blocks"][1]["text"]["text"].startswith("@nobody-here :speech_balloon:")
    assert pings(prompt) == []
    assert "'nobody-here', which is not in the workspace" in caplog.text


async def test_prompt_now_posts_through_the_poster(
    send: Sender, fake: FakeSlack, posting: SlackRuntime
) -> None:
    """`/threadbot prompt now` posts the prompt as a titled message (no group: no ping) and tells the moderator."""
    await send.command("prompt now --archive debate", user="UADMIN")
    await posting.work.drain(5)
    [prompt] = fake.posts()
    assert prompt["channel"] == "C1" and prompt["blocks"][0]["type"] == "header"
    assert prompt["blocks"][1]["text"]["text"].startswith(":speech_balloon: *")
    assert pings(prompt) == []
    [told] = fake.ephemerals()
    assert told["user"] == "UADMIN" and "Prompt posted" in told["text"]


async def test_prompt_now_is_for_moderators(send: Sender, fake: FakeSlack, posting: SlackRuntime) -> None:
    await send.command("prompt now --archive debate", user="UALICE")
    await posting.work.drain(5)
    assert not fake.posts()
    [refused] = fake.ephemerals()
    assert "for moderators only" in everything(refused)


async def test_prompt_next_is_a_private_preview_that_pings_nobody(
    send: Sender, fake: FakeSlack, posting: SlackRuntime
) -> None:
    """The preview names the group as text only: it is shown to the one who asked and notifies nobody."""
    await schedule(send, posting, fake, "--role debaters")
    await send.command("prompt next")
    await posting.work.drain(5)
    [preview] = fake.ephemerals()
    assert preview["user"] == "UALICE" and "@debaters" in preview["blocks"][1]["text"]["text"]
    assert "Preview." in everything(preview) and pings(preview) == []


async def test_prompt_as_a_command_reply_notifies_the_group_too(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime, clock: Clock
) -> None:
    """Without a registered poster `prompt now` answers with the prompt itself; it still notifies the group."""
    fake.add_usergroup(TEAM, "S0DEB", "debaters", ["UALICE"])
    await bot.context.stores.archives.import_records(SPACE, "debate", EVIL_THREAD, created_at=now_iso(bot.context))
    await mine_all(bot)
    await schedule(send, http_slack, fake, "--role debaters")
    await send.command("prompt now", user="UADMIN")
    await http_slack.work.drain(5)
    prompt = fake.messages[-1]
    assert (
        prompt["blocks"][0]["type"] == "context" and "Ada asked" in prompt["blocks"][0]["elements"][0]["text"]
    )
    assert set(pings(prompt)) == {"<!subteam^S0DEB>"}
