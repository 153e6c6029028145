"""Putting a rendered reply in front of people: in the channel or thread, or only to the one who asked.

Posting never sets `link_names` and turns unfurling off, so neither names nor citation links expand into
pings or previews. A slash command used where the bot is not a member falls back to the command's
`response_url`, which Slack always accepts.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.packing import SlackMessage

log = logging.getLogger(__name__)

NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


def _error(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown_error"))


async def post_message(
    client: AsyncWebClient, message: SlackMessage, *, channel: str, thread_ts: str | None = None
) -> dict[str, Any]:
    """chat.postMessage with the safe options; returns Slack's answer (with the message `ts`)."""
    kwargs: dict[str, Any] = {}
    if thread_ts:
        kwargs["thread_ts"] = thread_ts
    response = await client.chat_postMessage(
        channel=channel,
        text=message.text,
        blocks=message.blocks,
        unfurl_links=False,
        unfurl_media=False,
        **kwargs,
    )
    return dict(response.data) if isinstance(response.data, dict) else {}


async def post_ephemeral(
    client: AsyncWebClient, message: SlackMessage, *, channel: str, user: str, thread_ts: str | None = None
) -> None:
    kwargs: dict[str, Any] = {}
    if thread_ts:
        kwargs["thread_ts"] = thread_ts
    await client.chat_postEphemeral(
        channel=channel, user=user, text=message.text, blocks=message.blocks, **kwargs
    )


async def deliver(
    client: AsyncWebClient,
    message: SlackMessage,
    *,
    channel: str,
    user: str,
    thread_ts: str | None = None,
    respond: AsyncRespond | None = None,
) -> None:
    """Send `message` publicly, or ephemerally if it says so; fall back to `respond` where posting is refused."""
    response_type = "ephemeral" if message.ephemeral else "in_channel"
    try:
        if message.ephemeral:
            await post_ephemeral(client, message, channel=channel, user=user, thread_ts=thread_ts)
        else:
            await post_message(client, message, channel=channel, thread_ts=thread_ts)
        return
    except SlackApiError as error:
        if respond is None or (not message.ephemeral and _error(error) not in NOT_A_MEMBER):
            log.warning("could not post to %s: %s", channel, _error(error))
            return
        log.info("posting to %s refused (%s); answering through the response_url", channel, _error(error))
    await respond(
        text=message.text,
        blocks=message.blocks,
        response_type=response_type,
        replace_original=False,
        unfurl_links=False,
        unfurl_media=False,
    )
