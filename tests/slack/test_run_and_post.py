"""Starting the adapter from settings, posting on the bot's own initiative, and refusing bad configurations."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import pytest
from pydantic import SecretStr
from pytest_socket import SocketConnectBlockedError

import adapters.slack as slack_package
from adapters.slack import SlackConfig, SlackConfigError, SlackRuntime, run_slack
from adapters.slack.config import from_settings
from bot.core import Bot
from bot.models import Place, QuotesReply, TextReply
from bot.posting import ChannelGoneError
from bot.settings import Settings
from tests.slack.conftest import APP_TOKEN, http_config
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import slash_command


async def test_run_slack_serves_until_cancelled(
    bot: Bot, settings: Settings, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run_slack` connects, registers the Slack poster, answers, and shuts down cleanly when cancelled."""
    config = http_config(fake, app_token=APP_TOKEN, signing_secret=None)
    monkeypatch.setattr(slack_package, "from_settings", lambda _: config)
    task = asyncio.create_task(run_slack(bot, settings))
    await fake.wait_connected()
    await fake.send_envelope("slash_commands", slash_command("help"))
    async with asyncio.timeout(5):
        while not fake.posts():
            await asyncio.sleep(0.01)
    assert "slack" in bot.context.posters.by_platform
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def test_poster_opens_a_thread(bot: Bot, fake: FakeSlack) -> None:
    """With `open_thread`, the post is a titled top-level message whose ts becomes the thread."""
    async with SlackRuntime(bot, http_config(fake)) as runtime:
        assert runtime.poster is not None
        place = Place(platform="slack", space="T123", channel="C1")
        posted = await runtime.poster.post(
            place, QuotesReply(quotes=[], note="Today's prompt"), open_thread="Daily"
        )
        reply = await runtime.poster.post(posted.place, TextReply(text="in the thread"))
    first, second = fake.posts()
    assert first["blocks"][0]["type"] == "header" and "thread_ts" not in first
    assert posted.place.thread == posted.message_id and second["thread_ts"] == posted.message_id
    assert reply.place.thread == posted.message_id


async def test_poster_reports_a_gone_channel(bot: Bot, fake: FakeSlack) -> None:
    """A channel the bot cannot post to raises ChannelGoneError, so schedulers stop posting there."""
    fake.not_joined.add("C404")
    async with SlackRuntime(bot, http_config(fake)) as runtime:
        assert runtime.poster is not None
        with pytest.raises(ChannelGoneError):
            await runtime.poster.post(
                Place(platform="slack", space="T123", channel="C404"), TextReply(text="x")
            )


def test_settings_become_a_config() -> None:
    """Tokens leave their SecretStr only here; Socket Mode wins when an app token is set."""
    settings = Settings(slack_bot_token=SecretStr("xoxb-1"), slack_app_token=SecretStr("xapp-1"))
    config = from_settings(settings)
    assert (config.bot_token, config.app_token, config.mode, config.oauth) == (
        "xoxb-1",
        "xapp-1",
        "socket",
        False,
    )
    assert config.shortcuts == ("quote", "stance", "counter")
    config.check()


@pytest.mark.parametrize(
    ("config", "says"),
    [
        (SlackConfig(signing_secret="s"), "SLACK_BOT_TOKEN"),
        (SlackConfig(bot_token="xoxb-1"), "SLACK_SIGNING_SECRET"),
        (SlackConfig(bot_token="xoxb-1", app_token="xapp", command="threadbot"), "must start with '/'"),
    ],
)
def test_unworkable_configs_say_what_to_set(config: SlackConfig, says: str) -> None:
    with pytest.raises(SlackConfigError, match=says):
        config.check()


def test_network_beyond_loopback_is_blocked() -> None:
    """The suite cannot reach the real Slack: only 127.0.0.1 and ::1 are allowed."""
    with (
        pytest.warns(UserWarning, match="203.0.113.7"),
        pytest.raises(SocketConnectBlockedError),
        socket.create_connection(("203.0.113.7", 443), timeout=1),
    ):
        pass
