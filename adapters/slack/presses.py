"""Clicks on threadbot's buttons (`block_actions`): acked at once, then handed to the core (`Bot.press`) as
the clicker, where they clicked.

The core runs what the button stands for ("Show all": `stance --all`, Agree / Disagree / Pass: `stance vote`,
"Another": `counter` again), looks the claim up by id in the clicking workspace (a button from another
workspace, or for a claim since deleted, gets "that claim is gone" and nothing else) and says who sees the
answer: only the clicker, or the channel with a line saying who asked for it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.actors import ActorResolver
from adapters.slack.buttons import ACTION_PREFIX, BadButtonError, token_of
from adapters.slack.inplace import InPlace
from adapters.slack.packing import SlackMessage
from adapters.slack.render import render_messages
from adapters.slack.work import Work
from bot.core import Bot
from bot.models import Reply

log = logging.getLogger(__name__)

OUR_BUTTONS = re.compile(rf"^{re.escape(ACTION_PREFIX)}")


@dataclass(frozen=True, slots=True)
class Click:
    """Who clicked which button, on a message in which channel (and thread)."""

    action_id: str
    value: object
    user: str
    user_name: str | None
    channel: str
    thread: str | None

    @classmethod
    def from_payload(cls, body: dict[str, Any], action: dict[str, Any]) -> Click:
        user = body.get("user") or {}
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
        thread = container.get("thread_ts") or message.get("thread_ts")
        return cls(
            action_id=str(action.get("action_id", "")),
            value=action.get("value"),
            user=str(user.get("id", "")),
            user_name=user.get("username") or user.get("name"),
            channel=str(channel),
            thread=str(thread) if thread else None,
        )


class ButtonHandlers:
    def __init__(self, bot: Bot, actors: ActorResolver, work: Work) -> None:
        self.bot = bot
        self.actors = actors
        self.work = work

    def register(self, app: AsyncApp) -> None:
        app.action(OUR_BUTTONS)(self.on_click)

    async def on_click(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        """Ack within Slack's 3 seconds before anything else; the command runs afterwards."""
        await ack()
        space = inbound.space_id(context.team_id, context.enterprise_id, body)
        click = Click.from_payload(body, action)
        self.work.spawn(self._answer(click, space, client, respond), name="slack-button")

    async def _answer(self, click: Click, space: str, client: AsyncWebClient, respond: AsyncRespond) -> None:
        actor = await self.actors.resolve(client, space, click.user, click.user_name)
        place = inbound.place(space, click.channel, click.thread)
        try:
            token = token_of(click.action_id, click.value)
        except BadButtonError as error:
            log.info("a click on %s that threadbot cannot read: %s", click.action_id, error)
            token = ""  # not a token: the core answers that it cannot read the button

        async def draw(reply: Reply) -> list[SlackMessage]:
            # called once the press has been answered (a completion waits for the first answer to be sent)
            return render_messages(reply, asked=pressed.asked)

        answer = InPlace(
            client, draw, channel=click.channel, user=click.user, thread_ts=click.thread, respond=respond
        )
        pressed = await self.bot.press(token, actor, place, answer.on_complete)
        await answer.send(pressed.reply)
