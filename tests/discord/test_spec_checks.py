"""The fake Discord checks each request against Discord's OpenAPI description: proof the check can fail."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.discord.fake_discord import TOKEN, FakeDiscord
from tests.discord.fake_world import snowflake
from tests.specs.discord_spec import check_request, find

AUTH = {"Authorization": f"Bot {TOKEN}"}


@pytest.fixture
async def web() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        yield session


async def refused(fake: FakeDiscord, answer: aiohttp.ClientResponse) -> list[str]:
    """What the fake recorded for a request it refused as Discord would (400, 50035); cleared, so the
    fixture's own check (no violations) passes once the test has looked."""
    assert answer.status == 400, await answer.text()
    assert (await answer.json())["code"] == 50035
    found, fake.violations[:] = list(fake.violations), []
    return found


async def test_a_message_whose_content_is_not_text_is_refused(
    fake: FakeDiscord, web: aiohttp.ClientSession
) -> None:
    """`content` must be a string (or null): a number is refused and named by its JSON path."""
    channel = fake.add_channel(fake.add_guild("Alpha"))
    async with web.post(f"{fake.api_base}/channels/{channel.id}/messages", json={"content": 5}) as answer:
        (problem,) = await refused(fake, answer)
    assert "POST /channels/{channel_id}/messages body: $.content: 5 is not of type" in problem
    assert fake.sent == []


async def test_an_unknown_interaction_response_type_is_refused(
    fake: FakeDiscord, web: aiohttp.ClientSession
) -> None:
    """An interaction callback of a type Discord does not describe (99) is refused before the fake's own
    rules look at it."""
    url = f"{fake.api_base}/interactions/{snowflake()}/some-token/callback"
    async with web.post(url, json={"type": 99, "data": {"content": "hi"}}) as answer:
        (problem,) = await refused(fake, answer)
    assert "$.type: 99 is none of the types described" in problem


async def test_a_multipart_message_is_checked_through_its_payload_json(
    fake: FakeDiscord, web: aiohttp.ClientSession
) -> None:
    """With files, the JSON travels as the `payload_json` part; an embed list given as text is refused."""
    form = aiohttp.FormData()
    form.add_field("payload_json", json.dumps({"embeds": "not a list"}), content_type="application/json")
    form.add_field("files[0]", b"hello", filename="hello.txt", content_type="text/plain")
    url = f"{fake.api_base}/webhooks/{fake.application_id}/some-token"
    async with web.post(url, data=form) as answer:
        problems = await refused(fake, answer)
    assert any("$.embeds: 'not a list' is not of type" in p for p in problems), problems


async def test_a_route_discord_does_not_describe_is_refused(
    fake: FakeDiscord, web: aiohttp.ClientSession
) -> None:
    async with web.post(f"{fake.api_base}/channels/1/messages/2/sparkles", json={}) as answer:
        (problem,) = await refused(fake, answer)
    assert "no such operation" in problem


def test_an_error_inside_a_union_is_explained_by_the_branch_its_type_picks() -> None:
    """Interaction responses are a union keyed by `type`: the error names the field to fix, not only "not
    valid under any of the given schemas"."""
    body = {"type": 4, "data": {"content": 5, "embeds": [{"color": "red"}]}}
    problems = check_request("POST", "/interactions/1/t/callback", {}, body, has_body=True)
    assert any("$.data.content: 5 is not of type" in p for p in problems), problems
    assert any("$.data.embeds[0].color: 'red' is not of type" in p for p in problems), problems


@pytest.mark.parametrize(
    ("reference", "accepted"),
    [({"message_id": "123"}, True), ({"message_id": 123}, True), ({"message_id": -1}, False), ({}, False)],
)
def test_an_id_may_be_a_json_integer_and_nothing_looser(reference: dict[str, Any], accepted: bool) -> None:
    """The one allowance for snowflakes: Discord (and discord.py) take an id as a JSON integer too, but it
    must still be a non-negative id, and a required one must still be there."""
    body = {"content": "hi", "message_reference": reference}
    problems = check_request("POST", "/channels/1/messages", {}, body, has_body=True)
    assert (problems == []) is accepted, problems


def test_a_boolean_query_string_is_read_as_discord_reads_it() -> None:
    """discord.py sends `with_response=1`; Discord reads 1/0, true/false, True/False; nothing else."""
    def check(query: dict[str, str]) -> list[str]:
        return check_request("POST", "/interactions/1/t/callback", query, {"type": 5}, has_body=True)

    assert check({"with_response": "1"}) == check({"with_response": "True"}) == []
    (problem,) = check({"with_response": "yes"})
    assert "query with_response" in problem
    (problem,) = check({"wait": "1"})
    assert "query parameter 'wait' is not described" in problem


def test_a_literal_path_segment_wins_over_a_parameter() -> None:
    """`/messages/@original` is its own operation, not `/messages/{message_id}` with an odd id."""
    op = find("PATCH", "/webhooks/1/token/messages/@original")
    assert op is not None and op.template.endswith("/messages/@original")
