"""The only pings threadbot ever sends in Slack: the one user a reply names, and the one group a prompt notifies.

A `TextReply.mention_user_id` becomes `<@U...>` (only a well-formed Slack user id, nothing else). A prompt's
`notify_role` is a user group named by a moderator (`--role debaters`, `@debaters`, its display name or its id):
it is looked up with `usergroups.list` (cached per workspace) and becomes `<!subteam^S...>`; a group that cannot
be found is written as plain `@name`, which pings nobody, and the log says why.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.actors import group_matches
from bot.models import PromptReply, Reply

log = logging.getLogger(__name__)

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")


def user_mention(reply: Reply) -> str | None:
    """`<@U123>` for the one user a reply may ping; None if it names none (or something that is not a user id)."""
    user = getattr(reply, "mention_user_id", None)
    if not isinstance(user, str) or not user:
        return None
    if not USER_ID.match(user):
        log.warning("not pinging %r: not a Slack user id", user)
        return None
    return f"<@{user}>"


def group_mention(group_id: str) -> str:
    """`<!subteam^S123>`, the markup that notifies a user group; only for a well-formed group id."""
    if not GROUP_ID.match(group_id):
        raise ValueError(f"not a Slack user group id: {group_id!r}")
    return f"<!subteam^{group_id}>"


class UserGroups:
    """Each workspace's user groups, from `usergroups.list`, remembered for `ttl` seconds."""

    def __init__(self, ttl: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._groups: dict[str, tuple[float, list[dict[str, Any]]]] = {}

    async def find(self, client: AsyncWebClient, team_id: str, wanted: str) -> str | None:
        """The id of the workspace's group named `wanted` (id, handle with or without `@`, or name), or None."""
        for group in await self._list(client, team_id):
            if group_matches(group, wanted) and not group.get("date_delete"):
                group_id = str(group.get("id", ""))
                return group_id if GROUP_ID.match(group_id) else None
        return None

    async def _list(self, client: AsyncWebClient, team_id: str) -> list[dict[str, Any]]:
        cached = self._groups.get(team_id)
        if cached and cached[0] > self.clock():
            return cached[1]
        groups: list[dict[str, Any]] = []
        try:
            response = await client.usergroups_list()
            groups = [g for g in response.get("usergroups") or [] if isinstance(g, dict)]
        except SlackApiError as error:
            log.warning(
                "usergroups.list failed in %s (%s): prompts cannot notify a group; grant usergroups:read",
                team_id,
                error.response.get("error"),
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("usergroups.list failed in %s (%s): the prompt notifies no group", team_id, error)
            return groups  # a network failure is not remembered: the next prompt asks again
        self._groups[team_id] = (self.clock() + self.ttl, groups)
        return groups


async def group_to_notify(
    reply: Reply, client: AsyncWebClient, team_id: str, groups: UserGroups
) -> str | None:
    """The id of the group a posted prompt notifies; None for every other reply, a preview, or an unknown group."""
    if not isinstance(reply, PromptReply) or not reply.notify_role or reply.ephemeral:
        return None
    found = await groups.find(client, team_id, reply.notify_role)
    if found is None:
        log.warning(
            "prompt in %s names the user group %r, which is not in the workspace; it is shown as text and "
            "notifies nobody (check the handle with `prompt schedule ... --role`)",
            team_id,
            reply.notify_role,
        )
    return found
