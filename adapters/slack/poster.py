"""Posting on the bot's own initiative (a daily prompt, a session reminder) into a Slack channel.

The core names a `Place`; this finds the workspace's bot token (the one configured, or the stored
installation's, rotated first if it is about to expire) and posts the rendered reply there. A prompt that names
a user group to notify has that group resolved first (see `mentions`); nothing else it posts pings a group.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import make_client
from adapters.slack.config import SlackConfig
from adapters.slack.installation_store import InstallationStore
from adapters.slack.kit import header
from adapters.slack.mentions import UserGroups, group_to_notify
from adapters.slack.outbound import post_message
from adapters.slack.packing import fit
from adapters.slack.render import render
from bot.models import Place, Reply
from bot.posting import ChannelGoneError, Posted

GONE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
    }
)
ROTATE_MINUTES_BEFORE_EXPIRY = 120


class SlackPoster:
    def __init__(
        self,
        config: SlackConfig,
        session: aiohttp.ClientSession,
        installations: InstallationStore | None = None,
        groups: UserGroups | None = None,
    ) -> None:
        self.config = config
        self.session = session
        self.installations = installations
        self.groups = groups or UserGroups()
        self._rotator: AsyncTokenRotator | None = None
        if installations is not None and config.client_id and config.client_secret:
            self._rotator = AsyncTokenRotator(
                client_id=config.client_id,
                client_secret=config.client_secret,
                client=make_client(config, session),
            )

    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        """Post `reply`; with `open_thread`, as a titled top-level message whose thread holds the discussion."""
        client = await self._client_for(place.space)
        message = render(reply, group_id=await group_to_notify(reply, client, place.space, self.groups))
        if open_thread:
            message.blocks = fit([header(open_thread), *message.blocks])
        try:
            answer = await post_message(
                client, message, channel=place.channel, thread_ts=None if open_thread else place.thread
            )
        except SlackApiError as error:
            code = str(error.response.get("error", ""))
            if code in GONE:
                raise ChannelGoneError(f"Slack channel {place.channel} in {place.space}: {code}") from error
            raise
        ts = str(answer.get("ts", ""))
        thread = ts if open_thread else place.thread
        return Posted(place=place.model_copy(update={"thread": thread}), message_id=ts)

    async def _client_for(self, team_id: str) -> AsyncWebClient:
        if self.installations is None:
            return make_client(self.config, self.session, token=self.config.bot_token)
        installation = await self.installations.async_find_installation(enterprise_id=None, team_id=team_id)
        if installation is None or not installation.bot_token:
            raise ChannelGoneError(f"threadbot is not installed in Slack workspace {team_id}")
        if self._rotator is not None and installation.bot_refresh_token:
            refreshed = await self._rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
            )
            if refreshed is not None:
                await self.installations.async_save(refreshed)
                installation = refreshed
        return make_client(self.config, self.session, token=installation.bot_token)
