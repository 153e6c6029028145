"""A reading-group session run in Slack: started by an admin, ordinary messages observed from `message` events
(signed HTTP and Socket Mode), the speaking queue pinging only the opted-in person called, and the recap."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.slack import SlackRuntime
from bot.core import Bot
from bot.times import now_iso
from tests.sessions.support import THREAD, Clock
from tests.slack.conftest import APP_TOKEN, TEAM, Sender, http_config
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import message, slash_command

PINGS = re.compile(r"<[!@#][^>]*>")
START = "session start Chain of thought claim: chain of thought is just more tokens 45 --archive thread"


@pytest.fixture
async def group(bot: Bot, fake: FakeSlack) -> Clock:
    """A settable clock, Bob in the workspace, and the thread the group reads."""
    clock = Clock()
    bot.context.clock = clock
    fake.add_user(TEAM, "UBOB", "Bob")
    await bot.context.stores.archives.import_records(f"slack:{TEAM}", "thread", THREAD, created_at=now_iso(bot.context))
    return clock


def register(bot: Bot, runtime: SlackRuntime) -> None:
    assert runtime.poster is not None
    bot.context.posters.register("slack", runtime.poster)


def everything(sent: dict[str, Any]) -> str:
    return str(sent.get("text", "")) + json.dumps(sent.get("blocks", []), ensure_ascii=False)


def ts_of(payload: dict[str, Any]) -> str:
    return str(payload["event"]["ts"])


async def command(send: Sender, runtime: SlackRuntime, text: str, user: str) -> None:
    answer = await send.command(text, user=user)
    assert answer.status == 200 and answer.seconds < 3
    await runtime.work.drain(5)


@pytest.mark.usefixtures("group")
async def test_a_session_in_slack(bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime) -> None:
    """Start, messages counted in the channel and its threads, stats, a fair queue, one opted-in ping, recap."""
    register(bot, http_slack)
    await command(send, http_slack, START, "UADMIN")
    opening, confirmation = fake.messages
    assert opening["blocks"][0]["text"]["text"] == "Chain of thought" and "thread_ts" not in opening
    assert "Reading session: Chain of thought" in everything(opening)
    assert "is open in its thread, for 45 minutes" in confirmation["text"]
    thread = opening["ts"]

    bob_says = message("Tokens are not thinking, says the essay.", user="UBOB")
    counted = [
        bob_says,
        message("I agree with Bob on this.", thread_ts=ts_of(bob_says)),
        message("It looks like search to me.", thread_ts=thread, subtype="thread_broadcast"),
    ]
    ignored = [
        message("beep", user="UOTHERBOT", bot_id="BOTHER"),
        message("our own words", user="UBOT", bot_id="BBOT"),
        message("edited", user=None, subtype="message_changed", message={"user": "UMOD", "text": "x"}),
        message("<@UMOD> has joined the channel", user="UMOD", subtype="channel_join"),
        message("<@UBOT> hand", user="UMOD"),  # a command: answered as its app_mention, not counted
        message("a direct message", user="UMOD", channel="D1", channel_type="im"),
        message("another channel", user="UMOD", channel="C2"),
    ]
    for payload in [*counted, *ignored, bob_says]:  # Slack may deliver an event twice
        assert (await send.event(payload)).status == 200
    await http_slack.work.drain(5)

    await command(send, http_slack, "session stats", "UALICE")
    stats = everything(fake.messages[-1])
    assert "Alice: 2 messages, 12 words" in stats and "Bob: 1 message, 7 words" in stats
    assert "Mo" not in stats.replace("Most", "")

    await command(send, http_slack, "notify me on", "UBOB")
    await command(send, http_slack, "hand", "UALICE")
    await command(send, http_slack, "hand", "UBOB")
    before = len(fake.messages)
    await command(send, http_slack, "next", "UADMIN")
    await command(send, http_slack, "next", "UADMIN")
    called_bob, called_alice = fake.messages[before:]
    assert called_bob["text"].startswith("<@UBOB> \U0001f399 Bob, you have the floor.")
    assert "Alice, you have the floor." in called_alice["text"]
    pinging = [sent for sent in fake.messages + fake.ephemerals() if PINGS.search(everything(sent))]
    assert pinging == [called_bob] and PINGS.findall(everything(called_bob)) == ["<@UBOB>"] * 2

    await command(send, http_slack, "session end", "UADMIN")
    in_thread, in_channel = fake.messages[-2:]
    assert in_thread["thread_ts"] == thread and "thread_ts" not in in_channel
    recap = everything(in_channel)
    assert "Recap: Chain of thought" in recap and "closed by Ada" in recap
    assert (
        "Participants (2): Alice: 2 messages, 12 words, called 1\u00d7; Bob: 1 message, 7 words, called 1\u00d7"
        in recap
    )
    bob_link = f"https://t123.slack.com/archives/C1/p{ts_of(bob_says).replace('.', '')}"
    assert f"Most replied-to: Bob's message, 1 reply: {bob_link}" in recap


@pytest.fixture
async def socket_slack(bot: Bot, fake: FakeSlack) -> AsyncIterator[SlackRuntime]:
    config = http_config(fake, app_token=APP_TOKEN, signing_secret=None)
    async with SlackRuntime(bot, config) as runtime:
        await fake.wait_connected()
        yield runtime


@pytest.mark.usefixtures("group")
async def test_messages_over_socket_mode_are_observed(
    bot: Bot, fake: FakeSlack, socket_slack: SlackRuntime
) -> None:
    """`message` envelopes are acked and counted like signed HTTP events."""
    register(bot, socket_slack)
    await fake.send_envelope("slash_commands", slash_command(START, user="UADMIN"))
    await socket_slack.work.drain(5)
    thread = fake.messages[0]["ts"]
    ack, seconds = await fake.send_envelope("events_api", message("One two three.", thread_ts=thread))
    assert "envelope_id" in ack and seconds < 3
    await fake.send_envelope("events_api", message("Four five.", user="UBOB"))
    await socket_slack.work.drain(5)
    await fake.send_envelope("slash_commands", slash_command("session stats"))
    await socket_slack.work.drain(5)
    stats = everything(fake.messages[-1])
    assert "Alice: 1 message, 3 words" in stats and "Bob: 1 message, 2 words" in stats
