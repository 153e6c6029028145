"""Moderators in Slack: workspace admins and owners, and members of the user group named in the settings."""

from __future__ import annotations

import json

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import SlackRuntime
from adapters.slack.actors import ActorResolver
from tests.slack.conftest import TEAM, TOKEN, Sender
from tests.slack.fake_slack import FakeSlack


@pytest.mark.parametrize(("user", "allowed"), [("UALICE", False), ("UADMIN", True), ("UMOD", True)])
async def test_moderator_only_command(
    user: str, allowed: bool, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """`archive use` works for an admin and a member of the moderator group, not for a plain member."""
    await send.command("archive use sample", user=user)
    await http_slack.work.drain(5)
    if allowed:
        [post] = fake.posts()
        assert "now reads `sample`" in post["text"]
    else:
        [ephemeral] = fake.ephemerals()
        assert "for moderators only" in json.dumps(ephemeral["blocks"])


async def test_roles_are_cached_briefly(send: Sender, fake: FakeSlack, http_slack: SlackRuntime) -> None:
    """A burst of commands from one user costs one users.info and one usergroups.list."""
    for _ in range(3):
        await send.command("archives")
    await http_slack.work.drain(5)
    assert len(fake.called("users.info")) == 1 and len(fake.called("usergroups.list")) == 1
    assert len(fake.posts()) == 3


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("group", ["S0MODS", "threadbot-mods", "@threadbot-mods", "Threadbot-Mods"])
async def test_group_named_by_id_handle_or_name(group: str, fake: FakeSlack) -> None:
    """The settings may name the group by id, handle (with or without @) or display name."""
    client = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
    actor = await ActorResolver(group).resolve(client, TEAM, "UMOD", None)
    assert actor.is_moderator and actor.display_name == "Mo"


async def test_cache_expires_so_demotions_take_effect(fake: FakeSlack) -> None:
    """After the cache time a changed role is seen."""
    client = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
    clock = Clock()
    resolver = ActorResolver(None, ttl=60, clock=clock)
    assert (await resolver.resolve(client, TEAM, "UADMIN", None)).is_moderator
    fake.workspaces[TEAM].users["UADMIN"]["is_admin"] = False
    clock.now = 30
    assert (await resolver.resolve(client, TEAM, "UADMIN", None)).is_moderator
    clock.now = 61
    assert not (await resolver.resolve(client, TEAM, "UADMIN", None)).is_moderator


async def test_unknown_user_is_a_plain_member(fake: FakeSlack) -> None:
    """If users.info fails (no scope, deleted user) the user is a member named by the payload."""
    client = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
    actor = await ActorResolver(None).resolve(client, TEAM, "UGHOST", "ghost")
    assert actor.display_name == "ghost" and not actor.is_moderator
