"""Putting a rendered reply in front of people: in the channel or thread, or only to the one who asked.

Posting never sets `link_names` and turns unfurling off, so neither names nor citation links expand into
pings or previews. A slash command used where the bot is not a member falls back to the command's
`response_url`, which Slack always accepts. `deliver` says where each message went (`Shown`), so an answer
that completes later can replace it (`inplace`): `update_message` and `delete_message` for posted ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.packing import SlackMessage

log = logging.getLogger(__name__)

NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


@dataclass(frozen=True, slots=True)
class Shown:
    """Where one message went: posted (`ts`, for chat.update), through the `response_url` (`responded`: it can
    be replaced with `replace_original`), or neither: an ephemeral message, which Slack lets no bot edit."""

    channel: str
    ts: str | None = None
    responded: bool = False


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
) -> Shown | None:
    """Send `message` publicly, or ephemerally if it says so; fall back to `respond` where posting is refused.
    Returns where it went, or None when it could not be sent (logged)."""
    try:
        if message.ephemeral:
            await post_ephemeral(client, message, channel=channel, user=user, thread_ts=thread_ts)
            return Shown(channel)
        posted = await post_message(client, message, channel=channel, thread_ts=thread_ts)
        return Shown(str(posted.get("channel") or channel), ts=posted.get("ts"))
    except SlackApiError as error:
        if respond is None or (not message.ephemeral and _error(error) not in NOT_A_MEMBER):
            log.warning("could not post to %s: %s", channel, _error(error))
            return None
        log.info("posting to %s refused (%s); answering through the response_url", channel, _error(error))
    await respond_with(respond, message, replace_original=False)
    return Shown(channel, responded=True)


async def respond_with(respond: AsyncRespond, message: SlackMessage, *, replace_original: bool) -> None:
    """The message through the `response_url` (`replace_original`: in place of the one sent there before)."""
    await respond(
        text=message.text,
        blocks=message.blocks,
        response_type="ephemeral" if message.ephemeral else "in_channel",
        replace_original=replace_original,
        unfurl_links=False,
        unfurl_media=False,
    )


async def update_message(client: AsyncWebClient, message: SlackMessage, *, channel: str, ts: str) -> None:
    """chat.update of a message the bot posted: new blocks and notification text (no `link_names`)."""
    await client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)


async def delete_message(client: AsyncWebClient, *, channel: str, ts: str) -> None:
    await client.chat_delete(channel=channel, ts=ts)
