"""The one entry point for every adapter: text or a Command in, a Reply out.

This is also the one place that maps errors to replies, so a user always learns what went wrong and how to
fix it, and no traceback ever reaches a channel.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

from bot.context import Context
from bot.errors import PermissionDeniedError, UserFacingError
from bot.models import Actor, ChannelMessage, Command, ErrorReply, Place, Reply
from bot.parsing import parse
from bot.registry import Registry

log = logging.getLogger(__name__)

MAX_COMMAND_CHARS = 4000

Observer = Callable[[Context, ChannelMessage], Awaitable[None]]


def feature_observers() -> list[Observer]:
    """`observers = [coroutine_function]` of every feature module (like their `ticks`)."""
    from bot.features import FEATURES  # here, not at import time: feature modules may import the core

    return [observer for feature in FEATURES for observer in getattr(feature, "observers", ())]


class Bot:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.observers: list[Observer] = feature_observers()

    @property
    def registry(self) -> Registry:
        return self.context.registry

    async def handle_text(self, raw: str, actor: Actor, place: Place) -> Reply:
        """Parse and run one line of chat text."""
        try:
            if len(raw) > MAX_COMMAND_CHARS:
                raise UserFacingError(
                    f"That command is {len(raw):,} characters long; the limit is {MAX_COMMAND_CHARS:,}.",
                    hint="Shorten the query or claim.",
                )
            command = parse(raw, self.context.registry, actor, place)
        except UserFacingError as error:
            return ErrorReply(message=error.message, hint=error.hint)
        return await self.handle(command)

    async def observe(self, message: ChannelMessage) -> None:
        """An ordinary (non-command) channel message, for the features that count or record messages.

        Adapters call it for every non-command message they see. Observers run side by side, so a slow one
        (a database write) delays no other; a failing one is logged. It never raises into the adapter."""
        await asyncio.gather(*(self._observe_with(observer, message) for observer in self.observers))

    async def _observe_with(self, observer: Observer, message: ChannelMessage) -> None:
        try:
            await observer(self.context, message)
        except Exception:
            name = getattr(observer, "__name__", repr(observer))
            log.exception("observer %s failed on message %s", name, message.message_id)

    async def handle(self, command: Command) -> Reply:
        """Run a parsed command, checking moderator rights here in the core, never in an adapter."""
        spec = self.context.registry.get(command.name)
        if spec is None:
            return ErrorReply(
                message=f"I don't know the command `{command.name}`.", hint="`help` lists them."
            )
        try:
            if spec.moderator_only and not command.actor.is_moderator:
                raise PermissionDeniedError(
                    f"`{spec.name}` is for moderators only.",
                    hint="Ask a moderator of this server or workspace to run it.",
                )
            return await spec.handler(self.context, command)
        except UserFacingError as error:
            return ErrorReply(message=error.message, hint=error.hint)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("command %r failed (ref %s)", spec.name, ref)
            return ErrorReply(
                message=f"Something went wrong while running `{spec.name}` (ref {ref}).",
                hint="Try again; if it keeps failing, tell the bot's operator this ref.",
            )
