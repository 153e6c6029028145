"""Every chat command of the core, answered in Slack through the real Bolt app over loopback HTTP."""

from __future__ import annotations

import json

import pytest

from adapters.slack import SlackRuntime
from bot.features import build_registry
from tests.slack.conftest import Sender
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import mention

EXAMPLES = {"archive use": "archive use sample", "quote": "quote tokens", "help": "help quote"}


def example(name: str) -> str:
    spec = build_registry().get(name)
    assert spec is not None
    if name in EXAMPLES:
        return EXAMPLES[name]
    return f"{name} tokens" if spec.param is not None and spec.param.required else name


COMMANDS = build_registry().names()


def the_answer(fake: FakeSlack) -> dict[str, object]:
    answers = fake.posts() + fake.ephemerals()
    assert len(answers) == 1, answers
    answer = answers[0]
    text = json.dumps(answer)
    assert "I don't know the command" not in text and "Something went wrong" not in text
    return answer


@pytest.mark.parametrize("name", COMMANDS)
async def test_each_command_via_the_slash_command(
    name: str, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """`/threadbot <command>` is acked at once with 200 and answered in the channel."""
    answer = await send.command(example(name), user="UADMIN", user_name="ada")
    assert answer.status == 200 and answer.seconds < 3
    await http_slack.work.drain(5)
    reply = the_answer(fake)
    assert reply["channel"] == "C1" and reply["blocks"]


@pytest.mark.parametrize("name", COMMANDS)
async def test_each_command_via_a_mention(
    name: str, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """`@threadbot <command>` in a channel is answered in the channel, not in a thread."""
    answer = await send.event(mention(example(name), user="UADMIN"))
    assert answer.status == 200
    await http_slack.work.drain(5)
    reply = the_answer(fake)
    assert reply["channel"] == "C1" and "thread_ts" not in reply


async def test_shortcut_slash_command(send: Sender, fake: FakeSlack, http_slack: SlackRuntime) -> None:
    """`/quote tokens` is `/threadbot quote tokens`."""
    await send.command("tokens", command="/quote")
    await http_slack.work.drain(5)
    [post] = fake.posts()
    assert "Quotes about \u201ctokens\u201d" in json.dumps(post["blocks"], ensure_ascii=False)


async def test_unknown_slash_command_is_refused_in_the_ack(send: Sender, fake: FakeSlack) -> None:
    """A slash command that is not ours gets an ephemeral hint straight in the ack."""
    answer = await send.command("x", command="/weather")
    assert answer.status == 200 and "/threadbot help" in answer.body
    assert not fake.posts()


async def test_mention_in_a_thread_is_answered_in_the_thread(
    send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """A mention inside a thread gets its reply in that thread."""
    await send.event(mention("quote tokens", thread_ts="1699990000.000100"))
    await http_slack.work.drain(5)
    [post] = fake.posts()
    assert post["thread_ts"] == "1699990000.000100"


async def test_errors_are_ephemeral(send: Sender, fake: FakeSlack, http_slack: SlackRuntime) -> None:
    """A mistake is shown only to the one who made it, with a hint."""
    await send.command("qoute tokens")
    await send.event(mention("qoute tokens", thread_ts="1699990000.000100"))
    await http_slack.work.drain(5)
    assert not fake.posts()
    slash, thread = fake.ephemerals()
    assert slash["user"] == "UALICE" and "Did you mean `quote`?" in json.dumps(slash["blocks"])
    assert thread["thread_ts"] == "1699990000.000100"


async def test_the_same_event_delivered_twice_is_answered_once(
    send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """Slack retries events it thinks were lost; the retry is acked but not answered again."""
    event = mention("quote tokens")
    await send.event(event)
    await send.event(event)
    await http_slack.work.drain(5)
    assert len(fake.posts()) == 1


async def test_bot_messages_never_trigger_commands(
    send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """A mention posted by a bot (or an edit) is ignored, so bots cannot loop."""
    event = mention("quote tokens")
    event["event"]["bot_id"] = "BOTHER"
    await send.event(event)
    await http_slack.work.drain(5)
    assert not fake.posts()


async def test_bot_not_in_channel_answers_through_response_url(
    send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """A slash command in a channel the bot has not joined is answered through the response_url."""
    fake.not_joined.add("C9")
    await send.command("quote tokens", channel="C9")
    await http_slack.work.drain(5)
    [(key, body)] = fake.responses
    assert key == "cmd" and body["response_type"] == "in_channel" and body["blocks"]
