"""Partial answers complete in place on Slack: the message a slash command or a mention posted is updated
(`chat.update`, same channel and ts) into the completed answer, one that went through the response_url is
replaced there (`replace_original`), buttons kept, nothing pinged. Needs the real models, except for the tests
of answers that grow or shrink by whole messages."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.slack import SlackRuntime
from adapters.slack.buttons import SHOW_ALL
from bot.core import Bot
from bot.engine.loader import Engine
from bot.features.stance.reader import reading
from bot.models import StanceReply
from bot.settings import Settings
from bot.times import now_iso
from tests.discord.test_completion import add_changing
from tests.slack.conftest import TEAM, Sender
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import block_actions, mention
from tests.stance.test_nli_cache import real_engine  # noqa: F401 (fixture)
from tests.stance.test_stance_commands import CLAIM, THREAD
from tests.stance.test_stance_reading import _no_time_for_nli, _unhurried_counts

ARCHIVE = "t"
PINGS = re.compile(r"<[!@#]")
READING = 60.0
"""Seconds a test waits for the background reading to finish a claim (the real models on six comments)."""


@pytest.fixture(autouse=True)
def _word_based() -> None:
    """Not here: the word-based fallback never answers partially, so these tests run the real models."""


@pytest.fixture
async def expected(settings: Settings, real_engine: Engine) -> StanceReply:  # noqa: F811
    """The claim's answer with all the time it needs, in a database of its own."""
    return await _unhurried_counts(settings, real_engine)


@pytest.fixture
def rushed(expected: StanceReply, monkeypatch: pytest.MonkeyPatch) -> StanceReply:
    """`expected`; from now on every `stance` gets no NLI time of its own, so its first answer is partial."""
    _no_time_for_nli(monkeypatch)
    return expected


@dataclass
class Scene:
    """The bot served by Bolt over the fake Slack."""

    bot: Bot
    send: Sender
    fake: FakeSlack
    runtime: SlackRuntime

    async def answered(self, request: Awaitable[object]) -> None:
        """Send a request and wait until its first answer is sent."""
        await request
        await self.runtime.work.drain(20)

    async def changing(self, first: int, final: int) -> None:
        """`/threadbot changing`, whose first answer lists `first` comments and whose completed one `final`."""
        add_changing(self.bot, "changing", first, final)
        await self.answered(self.send.command("changing"))


@pytest.fixture
def bare(bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime) -> Scene:
    """The bot served over the fake Slack, as it is."""
    return Scene(bot, send, fake, http_slack)


@pytest.fixture
async def scene(bare: Scene, real_engine: Engine) -> Scene:  # noqa: F811
    """The bot with the real models and the remote-work thread as `t`."""
    context = bare.bot.context
    await context.stores.archives.import_records(
        f"slack:{TEAM}", ARCHIVE, THREAD, created_at=now_iso(context)
    )
    context.services.engine = real_engine
    return bare


def blocks_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = message.get("blocks") or []
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def shown(message: dict[str, Any]) -> str:
    """What Slack would show: the notification text and the blocks, without the buttons' hidden values."""
    visible = [b for b in blocks_of(message) if b["type"] != "actions"]
    return str(message.get("text")) + json.dumps(visible, ensure_ascii=False)


def actions(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in blocks_of(message) if b["type"] == "actions"]


def counts_of(message: dict[str, Any]) -> dict[str, int]:
    """The archive's counts as the message's chart and its unrelated count show them."""
    text = next(b["text"]["text"] for b in blocks_of(message) if "*In the archive*" in json.dumps(b))
    counts = {label: int(n) for label, n in re.findall(r"(agree|disagree|neutral) +[█░]+ +(\d+)", text)}
    unrelated = re.search(r"\((\d+) unrelated", text)
    assert unrelated is not None
    return counts | {"unrelated": int(unrelated.group(1))}


def assert_completed(first: dict[str, Any], final: dict[str, Any], expected: StanceReply) -> None:
    """`final` replaces `first`: no longer being read, the full counts, the same buttons, nothing pinged."""
    assert "being read now" in shown(first) and "completes itself" in shown(first)
    assert "being read" not in shown(final)
    assert counts_of(final) == expected.counts.model_dump() != counts_of(first)
    assert actions(final) == actions(first) and actions(first)
    assert not PINGS.search(shown(final)) and "link_names" not in final


async def test_a_partial_stance_by_slash_command_is_updated_in_place(
    scene: Scene, rushed: StanceReply
) -> None:
    fake = scene.fake
    await scene.answered(scene.send.command(f"{CLAIM} --archive {ARCHIVE}", command="/stance"))
    [first] = fake.posts()
    await scene.bot.finish()  # the completion is done
    [final] = fake.updates()
    [posted] = fake.messages
    assert (final["channel"], final["ts"]) == (first["channel"], posted["ts"])  # the same message
    assert_completed(first, final, rushed)
    assert posted["text"] == final["text"] and posted["edited"]
    assert len(fake.posts()) == 1 and not fake.ephemerals() and not fake.refused


async def test_a_partial_stance_by_mention_is_updated_in_its_thread(
    scene: Scene, rushed: StanceReply
) -> None:
    fake = scene.fake
    await scene.answered(
        scene.send.event(mention(f"stance {CLAIM} --archive {ARCHIVE}", thread_ts="1699990000.000100"))
    )
    [first] = fake.posts()
    assert first["thread_ts"] == "1699990000.000100"
    await scene.bot.finish()
    [final] = fake.updates()
    assert final["ts"] == fake.messages[0]["ts"] and final["channel"] == first["channel"]
    assert_completed(first, final, rushed)
    assert len(fake.posts()) == 1


async def test_a_partial_stance_through_the_response_url_replaces_the_original(
    scene: Scene, rushed: StanceReply
) -> None:
    """Where the bot is not in the channel, the answer goes through the command's response_url; so does the
    completed one, replacing it."""
    fake = scene.fake
    fake.not_joined.add("C1")
    await scene.answered(scene.send.command(f"{CLAIM} --archive {ARCHIVE}", command="/stance"))
    [(key, first)] = fake.responses
    assert key == "cmd" and first["replace_original"] is False and first["response_type"] == "in_channel"
    await scene.bot.finish()
    [(again, final)] = fake.replacements()
    assert again == "cmd" and final["response_type"] == "in_channel"
    assert_completed(first, final, rushed)
    assert not fake.updates() and len(fake.responses) == 2


async def test_a_complete_stance_gets_no_update(scene: Scene) -> None:
    fake = scene.fake
    await scene.answered(scene.send.command(f"{CLAIM} --archive {ARCHIVE}", command="/stance"))
    [first] = fake.posts()
    await scene.bot.finish()
    assert "being read" not in shown(first)
    assert fake.updates() == [] and fake.replacements() == [] and len(fake.posts()) == 1


async def test_show_all_of_a_partial_stance_sends_the_completed_list_to_the_clicker(
    scene: Scene, rushed: StanceReply
) -> None:
    """Slack lets no bot edit its ephemeral message: the completed list comes as a second one, to the
    clicker."""
    fake = scene.fake
    async with reading(scene.bot.context).command():  # nothing is read meanwhile: both answers start partial
        await scene.answered(scene.send.command(f"{CLAIM} --archive {ARCHIVE}", command="/stance"))
        [posted] = fake.posts()
        value = next(e["value"] for b in actions(posted) for e in b["elements"] if e["action_id"] == SHOW_ALL)
        await scene.answered(scene.send.interaction(block_actions(SHOW_ALL, value, user="UMOD")))
        [first] = fake.ephemerals()
    await scene.bot.finish()
    first_list, final = fake.ephemerals()
    assert first_list == first
    assert final["user"] == "UMOD" and final["channel"] == first["channel"]
    assert_completed(first, final, rushed)
    assert f"Every counted comment ({sum(rushed.counts.model_dump().values())})" in shown(final)
    [update] = fake.updates()  # the public answer is updated in place meanwhile
    assert update["ts"] == fake.messages[0]["ts"] and "being read" not in shown(update)


async def test_a_completed_answer_longer_than_the_first_goes_on_in_new_messages(bare: Scene) -> None:
    fake = bare.fake
    await bare.changing(0, 1000)
    [first] = fake.messages
    await bare.bot.finish()
    [update] = fake.updates()
    assert update["ts"] == first["ts"] and "Every counted comment (1000)" in shown(update)
    assert len(fake.messages) >= 3 and not fake.refused  # the rest in messages of their own, within limits
    listed = " ".join(shown(m) for m in fake.messages)
    assert all(f"#{i} \u201c" in listed for i in range(1000))


async def test_a_completed_answer_shorter_than_the_first_deletes_the_messages_left_over(bare: Scene) -> None:
    fake = bare.fake
    await bare.changing(1000, 0)
    first, *rest = list(fake.messages)
    assert len(rest) >= 2
    await bare.bot.finish()
    assert [u["ts"] for u in fake.updates()] == [first["ts"]]
    assert sorted(d.params["ts"] for d in fake.called("chat.delete")) == sorted(m["ts"] for m in rest)
    assert fake.messages == [first] and "#0 " not in shown(first)
