"""The fake Slack checks every Web API call against Slack's description: proof that the check can fail."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from tests.slack.conftest import TEAM, TOKEN
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import mention
from tests.specs.slack_spec import check_call, check_event_callback

BEARER = {"Authorization": f"Bearer {TOKEN}"}


async def call(web: aiohttp.ClientSession, fake: FakeSlack, method: str, **body: Any) -> dict[str, Any]:
    """A Web API call with a JSON body, as slack_sdk sends chat.* and views.*."""
    async with web.post(fake.base_url + method, json=body, headers=BEARER) as answer:
        data: dict[str, Any] = await answer.json()
        return data


def refused(fake: FakeSlack, answer: dict[str, Any]) -> list[str]:
    """What the fake recorded for a call it answered `invalid_arguments`; cleared, so leaving it passes."""
    assert answer["ok"] is False and answer["error"] == "invalid_arguments", answer
    assert answer["response_metadata"]["messages"] == fake.violations
    found, fake.violations[:] = list(fake.violations), []
    return found


async def test_a_post_without_its_channel_is_refused(fake: FakeSlack, web: aiohttp.ClientSession) -> None:
    (problem,) = refused(fake, await call(web, fake, "chat.postMessage", text="hi", blocks=[]))
    assert problem == "chat.postMessage: $: 'channel' is a required property"
    assert fake.messages == []


async def test_an_argument_of_the_wrong_type_or_unknown_is_refused(
    fake: FakeSlack, web: aiohttp.ClientSession
) -> None:
    """`unfurl_links` is a boolean, `blocks` a JSON array, and chat.update has no `colour`."""
    answer = await call(web, fake, "chat.postMessage", channel="C1", text="hi", unfurl_links="no", blocks={})
    problems = refused(fake, answer)
    assert any("$.unfurl_links: 'no' is not of type 'boolean'" in p for p in problems), problems
    assert any("$.blocks: {} is not of type 'string', 'array'" in p for p in problems), problems
    (problem,) = refused(fake, await call(web, fake, "chat.update", channel="C1", ts="1.2", colour="red"))
    assert "('colour' was unexpected)" in problem


async def test_form_encoded_blocks_must_be_a_json_array(fake: FakeSlack, web: aiohttp.ClientSession) -> None:
    """In a form, `blocks` is text that must decode to an array; a boolean must read as one."""
    form = {"channel": "C1", "blocks": "[{not json", "unfurl_links": "maybe"}
    async with web.post(fake.base_url + "chat.postMessage", data=form, headers=BEARER) as answer:
        problems = refused(fake, await answer.json())
    assert "chat.postMessage blocks: not JSON-encoded text" in problems
    assert any("$.unfurl_links: 'maybe' is not one of" in p for p in problems), problems


async def test_views_are_checked_too(fake: FakeSlack, web: aiohttp.ClientSession) -> None:
    """views.open needs its `trigger_id` and a `view`, though the bot opens no views yet."""
    (problem,) = refused(fake, await call(web, fake, "views.open", view={"type": "modal"}))
    assert problem == "views.open: $: 'trigger_id' is a required property"


async def test_a_method_slack_does_not_describe_is_refused(
    fake: FakeSlack, web: aiohttp.ClientSession
) -> None:
    (problem,) = refused(fake, await call(web, fake, "chat.shout", channel="C1"))
    assert "no such method" in problem


async def test_the_fake_fails_its_test_when_a_mismatch_is_left(web: aiohttp.ClientSession) -> None:
    """A mismatch nobody cleared fails the test as the fake closes, even if the bot shrugged the error off."""
    with pytest.raises(AssertionError, match="'channel' is a required property"):
        async with FakeSlack() as slack:
            slack.add_workspace(TEAM, TOKEN)
            await call(web, slack, "chat.postMessage", text="hi")


def test_the_allowances_are_narrow() -> None:
    """`team_id` (slack_sdk adds it to every call) must still be text; a refresh grant still needs its token;
    a token must come with every method that needs one."""
    (problem,) = check_call("auth.test", {"team_id": 5}, json_body=True, header_token=True)
    assert "$.team_id: 5 is not of type 'string'" in problem
    grant = {"grant_type": "refresh_token"}
    (problem,) = check_call("oauth.v2.access", grant, json_body=False, header_token=False)
    assert "'refresh_token' is a required property" in problem
    (problem,) = check_call("users.info", {"user": "U1"}, json_body=False, header_token=False)
    assert "no token" in problem
    (problem,) = check_call("apps.connections.open", {"extra": "1"}, json_body=False, header_token=True)
    assert "('extra' was unexpected)" in problem


def test_an_event_callback_is_checked_against_the_events_api() -> None:
    """What the tests send the bot as Slack is checked too: a callback without its `event_id` is not one."""
    payload = mention("help")
    assert check_event_callback(payload) == []
    del payload["event_id"]
    payload["event"] = json.loads(json.dumps(payload["event"])) | {"event_ts": 1}
    problems = check_event_callback(payload)
    assert "event_callback: $: 'event_id' is a required property" in problems
    assert "event_callback: $.event.event_ts: 1 is not of type 'string'" in problems
