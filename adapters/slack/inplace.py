"""Answers that complete in place on Slack: a partial answer's messages are replaced by the completed one.

The core hands the completed reply to `InPlace.on_complete` (bot/completion.py). It waits until the first
answer is sent (`send`), renders the completed reply as the first one was rendered (same `asked` line, same
group to notify, for the same eyes) and replaces the first answer's messages in order: a posted one (it has a
`ts`) with `chat.update`; the first one, when it went through the command's `response_url`, by posting there
with `replace_original: true`. Parts beyond the first answer's messages are posted after them; posted messages
left over are deleted (`chat.delete`). Slack lets no bot edit an ephemeral message it posted with
`chat.postEphemeral`, so a completed ephemeral answer arrives as a new ephemeral message. A message that can
no longer be updated (deleted meanwhile) is logged and left as it was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.outbound import Shown, delete_message, deliver, respond_with, update_message
from adapters.slack.packing import SlackMessage
from bot.models import Reply

log = logging.getLogger(__name__)

Draw = Callable[[Reply], Awaitable[list[SlackMessage]]]
"""A reply as the Slack messages of this answer (`render.render_messages` with what the answer adds)."""


class InPlace:
    """One answer in one place: `send` shows the first reply, `on_complete` puts the completed one there."""

    def __init__(
        self,
        client: AsyncWebClient,
        draw: Draw,
        *,
        channel: str,
        user: str,
        thread_ts: str | None = None,
        respond: AsyncRespond | None = None,
    ) -> None:
        self.client = client
        self.draw = draw
        self.channel = channel
        self.user = user
        self.thread_ts = thread_ts
        self.respond = respond
        self._shown: asyncio.Future[tuple[list[Shown | None], bool]] = (
            asyncio.get_running_loop().create_future()
        )

    async def send(self, reply: Reply) -> None:
        """Show the first reply, and tell a completion waiting for it where its messages went."""
        shown: list[Shown | None] = []
        try:
            for message in await self.draw(reply):
                shown.append(await self._deliver(message))
        finally:
            if not self._shown.done():
                self._shown.set_result((shown, reply.ephemeral))

    async def on_complete(self, final: Reply) -> None:
        shown, ephemeral = await self._shown
        if not any(shown):
            return  # the first answer was never shown: nothing to complete
        messages = await self.draw(final.model_copy(update={"ephemeral": ephemeral}))
        try:
            await self._replace(shown, messages)
        except SlackApiError as error:
            log.warning("could not complete the answer in %s: %s", self.channel, error.response.get("error"))

    async def _replace(self, shown: list[Shown | None], messages: list[SlackMessage]) -> None:
        for index, message in enumerate(messages):
            old = shown[index] if index < len(shown) else None
            if old is not None and old.ts is not None:
                await update_message(self.client, message, channel=old.channel, ts=old.ts)
            elif index == 0 and old is not None and old.responded and self.respond is not None:
                await respond_with(self.respond, message, replace_original=True)
            else:
                await self._deliver(message)
        for old in shown[len(messages) :]:
            if old is not None and old.ts is not None:
                await delete_message(self.client, channel=old.channel, ts=old.ts)

    async def _deliver(self, message: SlackMessage) -> Shown | None:
        return await deliver(
            self.client,
            message,
            channel=self.channel,
            user=self.user,
            thread_ts=self.thread_ts,
            respond=self.respond,
        )
