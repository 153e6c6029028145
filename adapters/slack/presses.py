"""Clicks on threadbot's buttons (`block_actions`): acked at once, then run as core commands by the clicker.

"Show all" runs `stance --all` for the button's claim and archive and shows the list only to the one who
clicked; Agree / Disagree / Pass run `stance vote` as the clicker (answered only to them); "Another" runs
`counter` again in the channel. The claim's text is looked up by id in the clicking workspace, so a button
from another workspace, or for a claim since deleted, gets a clear "that claim is gone" and nothing else.
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
from adapters.slack.buttons import ACTION_PREFIX, ANOTHER, SHOW_ALL, BadButtonError, ClaimRef, vote_choice
from adapters.slack.outbound import deliver
from adapters.slack.packing import SlackMessage
from adapters.slack.render import render_messages
from adapters.slack.work import Work
from bot.claims import claim_text
from bot.core import Bot
from bot.models import Actor, Command, ErrorReply, Place, Reply

log = logging.getLogger(__name__)

OUR_BUTTONS = re.compile(rf"^{re.escape(ACTION_PREFIX)}")
CLAIM_GONE = ErrorReply(
    message="That claim is gone: it is not stored in this workspace (any more).",
    hint="Ask again with `stance <claim>`.",
)
BAD_BUTTON = ErrorReply(
    message="That button is not one I can read (it may come from an older version of threadbot).",
    hint="Ask again with `stance <claim>`.",
)


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


def command_for(click: Click, claim: str, ref: ClaimRef, actor: Actor, place: Place) -> Command | None:
    """The core command a button stands for, as if the clicker had typed it; None for a button we don't know."""
    archive: dict[str, str | bool] = {"archive": ref.archive} if ref.archive else {}
    choice = vote_choice(click.action_id)
    if click.action_id == SHOW_ALL:
        return typed("stance", claim, {"all": True, **archive}, actor, place)
    if click.action_id == ANOTHER:
        return typed("counter", claim, archive, actor, place)
    if choice is not None:
        return typed("stance vote", claim, {"choice": choice}, actor, place)
    return None


def typed(name: str, claim: str, options: dict[str, str | bool], actor: Actor, place: Place) -> Command:
    """The command with `raw` spelled as a user would type it (`stance <claim> --all --archive hn`)."""
    flags = [f"--{key}" if value is True else f"--{key} {value}" for key, value in options.items()]
    raw = " ".join([name, claim, *flags])
    return Command(name=name, args=claim.split(), options=options, raw=raw, actor=actor, place=place)


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
        reply = await self._run(click, actor, place)
        public = click.action_id == ANOTHER and not isinstance(reply, ErrorReply)
        asked = f"{actor.display_name} asked for another counterargument" if public else None
        for message in render_messages(reply, asked=asked):
            await self._send(message, public, click, client, respond)

    async def _run(self, click: Click, actor: Actor, place: Place) -> Reply:
        try:
            ref = ClaimRef.decode(click.value)
        except BadButtonError as error:
            log.info("button %s with an unreadable value: %s", click.action_id, error)
            return BAD_BUTTON
        claim = await claim_text(self.bot.context, place.space_key, ref.claim_id)
        if claim is None:
            return CLAIM_GONE
        command = command_for(click, claim, ref, actor, place)
        if command is None:
            log.info("a click on %s, which threadbot no longer has", click.action_id)
            return BAD_BUTTON
        return await self.bot.handle(command)

    async def _send(
        self,
        message: SlackMessage,
        public: bool,
        click: Click,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        message.ephemeral = message.ephemeral or not public
        await deliver(
            client, message, channel=click.channel, user=click.user, thread_ts=click.thread, respond=respond
        )
