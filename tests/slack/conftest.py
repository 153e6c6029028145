"""Fixtures for the Slack tests: a fake Slack on loopback, the real Bolt app serving HTTP, a signed-request sender."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from adapters.slack import SlackConfig, SlackRuntime
from bot.core import Bot
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import (
    SECRET,
    form_body,
    interaction_body,
    json_body,
    signed_headers,
    slash_command,
)
from tests.specs.slack_spec import check_event_callback

TEAM = "T123"
TOKEN = "xoxb-T123"
APP_TOKEN = "xapp-1-A0THREAD-1"


@pytest.fixture(autouse=True)
def _word_based(no_models: None) -> None:
    """`stance` and `counter` run in their word-based fallback: these tests are about Slack, not the models."""


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.add_workspace(TEAM, TOKEN)
        slack.add_user(TEAM, "UALICE", "Alice")
        slack.add_user(TEAM, "UADMIN", "Ada", is_admin=True)
        slack.add_user(TEAM, "UMOD", "Mo")
        slack.add_usergroup(TEAM, "S0MODS", "threadbot-mods", ["UMOD"])
        slack.app_tokens.add(APP_TOKEN)
        yield slack


def http_config(fake: FakeSlack, **changes: Any) -> SlackConfig:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "signing_secret": SECRET,
        "api_url": fake.base_url,
        "host": "127.0.0.1",
        "port": 0,
        "moderator_group": "threadbot-mods",
    }
    values.update(changes)
    return SlackConfig(**values)


@pytest.fixture
async def http_slack(bot: Bot, fake: FakeSlack) -> AsyncIterator[SlackRuntime]:
    async with SlackRuntime(bot, http_config(fake)) as runtime:
        yield runtime


@dataclass
class Answer:
    status: int
    body: str
    seconds: float


class Sender:
    """Sends requests to the app's own web server, signed exactly as Slack signs them."""

    def __init__(self, session: aiohttp.ClientSession, runtime: SlackRuntime, fake: FakeSlack) -> None:
        self.session = session
        self.runtime = runtime
        self.fake = fake

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.runtime.http_port}/slack/events"

    async def raw(self, body: str, headers: dict[str, str]) -> Answer:
        started = time.monotonic()
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            text = await response.text()
        return Answer(response.status, text, time.monotonic() - started)

    async def command(self, text: str, *, timestamp: int | None = None, **fields: Any) -> Answer:
        fields.setdefault("response_url", self.fake.response_url("cmd"))
        body = form_body(slash_command(text, **fields))
        return await self.raw(
            body, signed_headers(body, "application/x-www-form-urlencoded", timestamp=timestamp)
        )

    async def event(self, payload: dict[str, Any]) -> Answer:
        """An Events API callback, checked first against Slack's description of one (tests/specs)."""
        problems = check_event_callback(payload)
        assert not problems, problems
        body = json_body(payload)
        return await self.raw(body, signed_headers(body, "application/json"))

    async def interaction(self, payload: dict[str, Any]) -> Answer:
        """A button click (`block_actions`), posted as Slack posts it: a signed form with a `payload` field."""
        body = interaction_body(payload)
        return await self.raw(body, signed_headers(body, "application/x-www-form-urlencoded"))


@pytest.fixture
async def web() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def send(web: aiohttp.ClientSession, http_slack: SlackRuntime, fake: FakeSlack) -> Sender:
    return Sender(web, http_slack, fake)
