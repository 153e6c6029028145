"""Who is asking: a Slack user as a neutral `Actor`, with moderator rights from Slack's own roles.

Moderators are workspace admins and owners (`users.info`), plus the members of the user group named in the
settings (`usergroups.list`). Both answers are cached for a minute: a burst of commands costs one lookup, and
a promotion or demotion takes effect soon after.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import Actor

log = logging.getLogger(__name__)


def display_name(user: dict[str, Any], fallback: str) -> str:
    """The name Slack shows for the user: display name, else real name, else handle."""
    profile = user.get("profile") or {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return fallback


def is_workspace_admin(user: dict[str, Any]) -> bool:
    return any(bool(user.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))


def group_matches(group: dict[str, Any], wanted: str) -> bool:
    """A group named in the settings by id (S0123), handle (`@mods` or `mods`) or display name."""
    wanted = wanted.strip()
    handle = wanted.lstrip("@").lower()
    return (
        group.get("id") == wanted
        or str(group.get("handle", "")).lower() == handle
        or group.get("name") == wanted
    )


class ActorResolver:
    def __init__(
        self,
        moderator_group: str | None = None,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.moderator_group = moderator_group
        self.ttl = ttl
        self.clock = clock
        self._users: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}

    async def resolve(
        self, client: AsyncWebClient, team_id: str, user_id: str, fallback_name: str | None
    ) -> Actor:
        user = await self._user(client, team_id, user_id)
        name = display_name(user, fallback_name or user_id) if user else (fallback_name or user_id)
        moderator = bool(user) and is_workspace_admin(user or {})
        if not moderator and self.moderator_group:
            moderator = user_id in await self._group_members(client, team_id)
        return Actor(user_id=user_id, display_name=name, is_moderator=moderator)

    async def _user(self, client: AsyncWebClient, team_id: str, user_id: str) -> dict[str, Any] | None:
        key = (team_id, user_id)
        cached = self._users.get(key)
        if cached and cached[0] > self.clock():
            return cached[1]
        user: dict[str, Any] | None = None
        try:
            response = await client.users_info(user=user_id)
            found = response.get("user")
            user = found if isinstance(found, dict) else None
        except SlackApiError as error:
            log.warning(
                "users.info failed for %s in %s (%s): treating them as a member; grant users:read",
                user_id,
                team_id,
                error.response.get("error"),
            )
        self._users[key] = (self.clock() + self.ttl, user)
        return user

    async def _group_members(self, client: AsyncWebClient, team_id: str) -> frozenset[str]:
        cached = self._groups.get(team_id)
        if cached and cached[0] > self.clock():
            return cached[1]
        members: frozenset[str] = frozenset()
        try:
            response = await client.usergroups_list(include_users=True)
            for group in response.get("usergroups") or []:
                if (
                    isinstance(group, dict)
                    and self.moderator_group
                    and group_matches(group, self.moderator_group)
                ):
                    members = frozenset(str(u) for u in group.get("users") or [])
                    break
            else:
                log.warning("no user group %r in workspace %s", self.moderator_group, team_id)
        except SlackApiError as error:
            log.warning(
                "usergroups.list failed in %s (%s): grant usergroups:read",
                team_id,
                error.response.get("error"),
            )
        self._groups[team_id] = (self.clock() + self.ttl, members)
        return members
