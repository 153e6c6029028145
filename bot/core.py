"""The one entry point for every adapter: text or a Command in, a Reply out; a button press in (`press`), its
answer out; what is typed so far in, suggestions out (`suggest`).

This is also the one place that maps errors to replies, so a user always learns what went wrong and how to
fix it, and no traceback ever reaches a channel.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence

from bot.actions import BAD_BUTTON, CLAIM_GONE, Pressed, answered, read_token, with_actions
from bot.autocomplete import SUGGESTIONS, suggest
from bot.background import Background
from bot.claims import claim_text
from bot.completion import Completions, OnComplete
from bot.context import Context
from bot.errors import PermissionDeniedError, UserFacingError
from bot.feature import Feature, Observer, ticks_of
from bot.models import Actor, ChannelMessage, Command, ErrorReply, Place, Reply
from bot.parsing import parse, storable, storable_command, storable_message
from bot.registry import Registry
from storage.sql import DatabaseUnwritableError, DatabaseWriteError

log = logging.getLogger(__name__)

MAX_COMMAND_CHARS = 4000
INTERNAL_ERROR = "Something went wrong while running"
"""How the reply to a command that failed with an unexpected exception starts: a bug, never a user's mistake."""


class Bot:
    """The core as every adapter sees it; it also owns the feature units' lifecycle (start, background, stop)."""

    def __init__(self, context: Context, features: Sequence[Feature] = ()) -> None:
        self.context = context
        self.features = tuple(features)
        self.observers: list[Observer] = [observer for unit in self.features for observer in unit.observers]
        self._started: list[Feature] = []
        self._background: list[asyncio.Task[None]] = []
        self._completions = Completions()

    async def start(self) -> None:
        """Run every unit's start hook, in order (each entry point does this once, before any command)."""
        for unit in self.features:
            if unit.start is not None:
                await unit.start(self.context)
            self._started.append(unit)

    def start_background(self) -> list[asyncio.Task[None]]:
        """Start the timed work (one loop over every unit's ticks) and the units' long-running jobs; `stop`
        cancels them. Only `threadbot run` does this: a one-shot `ask` posts nothing on its own."""
        background = Background(self.context, ticks=ticks_of(self.features))
        tasks = [asyncio.create_task(background.run_forever(), name="threadbot-background")]
        for unit in self.features:
            for name, job in unit.jobs:
                tasks.append(asyncio.create_task(job(self.context), name=f"threadbot-{name}"))
        self._background += tasks
        return tasks

    async def finish(self) -> None:
        """Wait for answers completing themselves and every unit's unfinished work (`threadbot ask`, piped
        scripts and benches, before exit)."""
        await self._completions.wait()
        for unit in self._started:
            if unit.finish is not None:
                await unit.finish(self.context)

    async def stop(self) -> None:
        """Cancel the background work, then run the started units' stop hooks in reverse order; a failing
        hook is logged and the others still run."""
        await self._completions.cancel()
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        self._background.clear()
        while self._started:
            unit = self._started.pop()
            if unit.stop is None:
                continue
            try:
                await unit.stop(self.context)
            except Exception:
                log.exception("stopping feature %s failed", unit.name)

    @property
    def registry(self) -> Registry:
        return self.context.registry

    async def handle_text(
        self, raw: str, actor: Actor, place: Place, on_complete: OnComplete | None = None
    ) -> Reply:
        """Parse and run one line of chat text (`on_complete`: as for `handle`)."""
        try:
            if len(raw) > MAX_COMMAND_CHARS:
                raise UserFacingError(
                    f"That command is {len(raw):,} characters long; the limit is {MAX_COMMAND_CHARS:,}.",
                    hint="Shorten the query or claim.",
                )
            command = parse(storable(raw), self.context.registry, actor, place)
        except UserFacingError as error:
            return ErrorReply(message=error.message, hint=error.hint)
        return await self.handle(command, on_complete)

    async def observe(self, message: ChannelMessage) -> None:
        """An ordinary (non-command) channel message, for the features that count or record messages.

        Adapters call it for every non-command message they see. Observers run side by side, so a slow one
        (a database write) delays no other; a failing one is logged. It never raises into the adapter."""
        message = storable_message(message)
        await asyncio.gather(*(self._observe_with(observer, message) for observer in self.observers))

    async def _observe_with(self, observer: Observer, message: ChannelMessage) -> None:
        try:
            await observer(self.context, message)
        except DatabaseWriteError as error:
            name = getattr(observer, "__name__", repr(observer))
            log.warning("observer %s could not store message %s: %s", name, message.message_id, error)
        except Exception:
            name = getattr(observer, "__name__", repr(observer))
            log.exception("observer %s failed on message %s", name, message.message_id)

    async def handle(self, command: Command, on_complete: OnComplete | None = None) -> Reply:
        """Run a parsed command, checking moderator rights here in the core, never in an adapter.

        With `on_complete`, a partial answer (one whose command has a completer) is completed in the background
        and handed to `on_complete`, so the adapter can replace its first message (bot/completion.py)."""
        command = storable_command(command)
        reply = await self._run(command)
        spec = self.context.registry.get(command.name)
        if on_complete is not None and spec is not None and spec.completer is not None:
            self._completions.start(self.context, spec.completer, command, reply, on_complete)
        return reply

    async def _run(self, command: Command) -> Reply:
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
            return with_actions(await spec.handler(self.context, command))
        except (UserFacingError, DatabaseWriteError) as error:
            if isinstance(error, DatabaseUnwritableError):
                log.warning("command %r was not stored: %s", spec.name, error)  # the operator's part: file, fix
            return ErrorReply(message=error.message, hint=error.hint)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("command %r failed (ref %s)", spec.name, ref)
            return ErrorReply(
                message=f"{INTERNAL_ERROR} `{spec.name}` (ref {ref}).",
                hint="Try again; if it keeps failing, tell the bot's operator this ref.",
            )

    async def press(
        self, token: str, actor: Actor, place: Place, on_complete: OnComplete | None = None
    ) -> Pressed:
        """A press of a button the core put under a reply (its `Action.token`): the command it stands for, on
        the claim as the presser's space stored it, run through `handle` as if the presser had typed it
        (`on_complete`: as for `handle`)."""
        press = read_token(token)
        if press is None:
            log.info("a press of %r, which is not a token threadbot wrote", token[:100])
            return Pressed(BAD_BUTTON)
        try:
            claim = await claim_text(self.context, place.space_key, press.claim_id)
        except DatabaseWriteError as error:  # the database is unreachable: the presser is told to try again
            return Pressed(ErrorReply(message=error.message, hint=error.hint))
        if claim is None or not claim.strip():
            return Pressed(CLAIM_GONE)
        return answered(press, await self.handle(press.command(claim, actor, place), on_complete), actor)

    async def suggest(
        self, source: str, typed: str, actor: Actor, place: Place, limit: int = SUGGESTIONS
    ) -> list[str]:
        """Values for an option whose values come from `source` (`Option.choices_from`), best match first."""
        try:
            return await suggest(self.context, source, typed, place, limit)
        except DatabaseWriteError as error:  # no suggestions while the database is unreachable
            log.warning("no suggestions for %s: %s", source, error)
            return []
