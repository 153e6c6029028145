"""The Bolt listeners: slash commands and mentions in, neutral commands to the bot, Block Kit replies out;
every other message people write in a channel goes to `Bot.observe` (sessions count them).

Each listener acknowledges Slack at once and leaves the work to a background job, so the 3-second deadline
holds however long the command takes. Parsing, moderator checks and error replies stay in the core.

Slack redelivers an event it thinks was missed (`X-Slack-Retry-Num`, the same `event_id`), maybe to another
worker process: each event id is claimed in the database first (in the background job, after the ack), and
only the claim's winner handles it; a repeat is acknowledged (Bolt has already answered 200) and dropped.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.actors import ActorResolver
from adapters.slack.config import SlackConfig
from adapters.slack.escape import escape, unformat
from adapters.slack.inplace import Draw, InPlace
from adapters.slack.mentions import UserGroups, group_to_notify
from adapters.slack.packing import SlackMessage
from adapters.slack.presses import ButtonHandlers
from adapters.slack.render import render_messages
from adapters.slack.work import Work
from bot.core import Bot
from bot.models import Reply
from storage.sql import DatabaseWriteError

log = logging.getLogger(__name__)

ANY_SLASH_COMMAND = re.compile(r"^/")


class SlackHandlers:
    def __init__(
        self,
        bot: Bot,
        config: SlackConfig,
        actors: ActorResolver,
        work: Work,
        groups: UserGroups | None = None,
    ) -> None:
        self.bot = bot
        self.config = config
        self.actors = actors
        self.work = work
        self.groups = groups or UserGroups()
        self._team_urls: dict[str, str | None] = {}
        self.presses = ButtonHandlers(bot, actors, work)

    def register(self, app: AsyncApp) -> None:
        app.command(ANY_SLASH_COMMAND)(self.on_command)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        self.presses.register(app)

    # slash commands

    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        """`/threadbot quote tokens` or `/quote tokens`: ack now (saying so if it will take a while), answer later."""
        text = inbound.slash_text(
            command.get("command", ""), command.get("text", ""), self.config, self.bot.registry
        )
        if text is None:
            await ack(
                text=f"I don't handle `{escape(command.get('command', ''))}`. Try `{self.config.command} help`."
            )
            return
        found = self.bot.registry.match(text.split())
        if found is not None and found[0].slow:
            await ack(text=f"Working on `{escape(found[0].name)}`\u2026")
        else:
            await ack()
        space = inbound.space_id(context.team_id, context.enterprise_id, command)
        self.work.spawn(self._answer_command(command, text, space, client, respond), name="slack-command")

    async def _answer_command(
        self, payload: dict[str, Any], text: str, space: str, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        channel, user = str(payload.get("channel_id", "")), str(payload.get("user_id", ""))
        actor = await self.actors.resolve(client, space, user, payload.get("user_name"))
        asked = (
            f"{actor.display_name} asked: {payload.get('command', '')} {unformat(payload.get('text', ''))}"
        )
        draw = self._drawer(client, space, asked)
        answer = InPlace(client, draw, channel=channel, user=user, respond=respond)
        reply = await self.bot.handle_text(text, actor, inbound.place(space, channel), answer.on_complete)
        await answer.send(reply)

    # mentions

    async def on_mention(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """`@threadbot quote tokens`, in a channel or a thread; Bolt has already acked the event."""
        if inbound.is_from_a_bot(event):
            return
        space = inbound.space_id(context.team_id, context.enterprise_id, body)
        answer = self._answer_mention(body.get("event_id"), event, space, client, context.bot_user_id)
        self.work.spawn(answer, name="slack-mention")

    async def _answer_mention(
        self,
        event_id: object,
        event: dict[str, Any],
        space: str,
        client: AsyncWebClient,
        bot_user_id: str | None,
    ) -> None:
        if await self._repeat(event_id):
            return
        channel, user = str(event.get("channel", "")), str(event.get("user", ""))
        thread = event.get("thread_ts") or None
        actor = await self.actors.resolve(client, space, user, None)
        text = inbound.mention_text(str(event.get("text", "")), bot_user_id)
        answer = InPlace(client, self._drawer(client, space), channel=channel, user=user, thread_ts=thread)
        place = inbound.place(space, channel, thread)
        reply = await self.bot.handle_text(text, actor, place, answer.on_complete)
        await answer.send(reply)

    def _drawer(self, client: AsyncWebClient, space: str, asked: str | None = None) -> Draw:
        """An answer's replies as Slack messages: the first one and, if it completes later, the final one."""

        async def draw(reply: Reply) -> list[SlackMessage]:
            group = await group_to_notify(reply, client, space, self.groups)
            return render_messages(reply, asked=asked, group_id=group)

        return draw

    # ordinary messages

    async def on_message(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """A message in a channel the bot is in (`message.channels`, `message.groups`): observed, not answered.

        Bots, edits and other subtypes are skipped, and so is a message that mentions the bot: it is a command,
        answered through its `app_mention` event and not counted twice."""
        if not inbound.is_observable(event, context.bot_user_id):
            return
        space = inbound.space_id(context.team_id, context.enterprise_id, body)
        result = context.authorize_result
        known_url = result.url if result is not None else None
        self.work.spawn(self._observe(body.get("event_id"), event, space, client, known_url), name="slack-message")

    async def _observe(
        self, event_id: object, event: dict[str, Any], space: str, client: AsyncWebClient, known_url: str | None
    ) -> None:
        if await self._repeat(event_id):
            return
        actor = await self.actors.resolve(client, space, str(event["user"]), None)
        team_url = known_url or await self._team_url(client, space)
        await self.bot.observe(inbound.channel_message(event, actor, space, team_url))

    async def _team_url(self, client: AsyncWebClient, space: str) -> str | None:
        """The workspace's URL for permalinks (OAuth installs get it with each event; one token asks once)."""
        if space not in self._team_urls:
            try:
                url = (await client.auth_test()).get("url")
            except SlackApiError as error:
                log.warning("auth.test failed in %s (%s): messages get no links", space, _code(error))
                url = None
            self._team_urls[space] = url if isinstance(url, str) else None
        return self._team_urls[space]

    async def _repeat(self, event_id: object) -> bool:
        """Slack redelivers an event it thinks was missed: True if any worker has already taken this one."""
        if not isinstance(event_id, str) or not event_id:
            return False
        now = self.bot.context.clock().timestamp()
        try:
            if await self.bot.context.stores.slack_events.claim(event_id, now=now):
                return False
        except DatabaseWriteError as error:  # better a rare double answer than a member left unanswered
            log.warning("could not record Slack event %s (%s); handling it anyway", event_id, error)
            return False
        log.info("Slack event %s was already handled (a retry): acknowledged, not handled again", event_id)
        return True


def _code(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown_error"))
