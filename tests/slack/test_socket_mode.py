"""Socket Mode: the real Bolt Socket Mode client connects to the fake's websocket, acks envelopes, answers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from adapters.slack import SlackRuntime
from bot.core import Bot
from bot.models import Command, Reply, TextReply
from bot.registry import CommandSpec
from tests.slack.conftest import APP_TOKEN, http_config
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import mention, slash_command


@pytest.fixture
async def socket_slack(bot: Bot, fake: FakeSlack) -> AsyncIterator[SlackRuntime]:
    config = http_config(fake, app_token=APP_TOKEN, signing_secret=None)
    async with SlackRuntime(bot, config) as runtime:
        await fake.wait_connected()
        yield runtime


async def test_connects_with_the_app_token_and_serves_no_http(
    fake: FakeSlack, socket_slack: SlackRuntime
) -> None:
    """apps.connections.open is called with the app-level token; no web server is needed."""
    [call] = fake.called("apps.connections.open")
    assert call.token == APP_TOKEN
    assert socket_slack.http_port is None


async def test_slash_command_round_trip(fake: FakeSlack, socket_slack: SlackRuntime) -> None:
    """A slash-command envelope is acked (by envelope id) and the answer is posted in the channel."""
    ack, seconds = await fake.send_envelope("slash_commands", slash_command("quote tokens"))
    assert ack["envelope_id"] and seconds < 3
    await socket_slack.work.drain(5)
    [post] = fake.posts()
    assert post["channel"] == "C1" and "Quotes about" in json.dumps(post["blocks"], ensure_ascii=False)


async def test_mention_round_trip_in_a_thread(fake: FakeSlack, socket_slack: SlackRuntime) -> None:
    """An app_mention envelope is acked and answered in its thread."""
    ack, _ = await fake.send_envelope("events_api", mention("archives", thread_ts="1699990000.000001"))
    assert "envelope_id" in ack
    await socket_slack.work.drain(5)
    [post] = fake.posts()
    assert post["thread_ts"] == "1699990000.000001" and "`sample`" in post["text"]


async def test_slow_command_envelope_acked_at_once(
    bot: Bot, fake: FakeSlack, socket_slack: SlackRuntime
) -> None:
    """The envelope ack carries the 'working' note and does not wait for the command."""
    release = asyncio.Event()

    async def ponder(ctx: object, command: Command) -> Reply:
        await release.wait()
        return TextReply(text="pondered")

    bot.registry.add(CommandSpec(name="ponder", handler=ponder, help="Think.", slow=True))
    ack, seconds = await fake.send_envelope("slash_commands", slash_command("ponder"))
    assert seconds < 3 and "Working on" in ack["payload"]["text"]
    release.set()
    await socket_slack.work.drain(5)
    assert fake.posts()[0]["text"] == "pondered"
