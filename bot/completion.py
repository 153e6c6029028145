"""Answers that complete themselves in place: a partial reply is finished in the background and handed to the
adapter, which replaces the first message with it (an edit on Discord, `chat.update` on Slack, a second print
on the console). Nobody has to ask again.

The core runs the command's `completer` (bot/registry.py) after the first reply; the adapter's callback gets
the completed reply. Both platforms keep an answer editable for minutes, so a completion gives up after
`COMPLETE_WITHIN` seconds; a failing one is logged and the first reply simply stays.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.actions import with_actions
from bot.context import Context
from bot.models import Command, CounterReply, ErrorReply, Reply, StanceReply
from bot.registry import Completer

log = logging.getLogger(__name__)


def is_partial(reply: Reply) -> bool:
    """Whether the core will complete this reply (when the adapter asked for completions)."""
    return isinstance(reply, StanceReply | CounterReply) and reply.partial


OnComplete = Callable[[Reply], Awaitable[None]]
"""What an adapter does with the completed reply: edit the message it sent with the first one."""
COMPLETE_WITHIN = 600.0


class Completions:
    """The completions under way in one bot process."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(
        self, ctx: Context, completer: Completer, command: Command, first: Reply, on_complete: OnComplete
    ) -> None:
        """Finish `first` in the background, unless it is an error (nothing to complete)."""
        if isinstance(first, ErrorReply):
            return
        task = asyncio.create_task(self._complete(ctx, completer, command, first, on_complete))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _complete(
        self, ctx: Context, completer: Completer, command: Command, first: Reply, on_complete: OnComplete
    ) -> None:
        try:
            final = await asyncio.wait_for(completer(ctx, command, first), COMPLETE_WITHIN)
            if final is not None:
                await on_complete(with_actions(final))  # the same buttons as the first answer
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("completing the answer to %r failed; the first answer stays", command.name)

    async def wait(self) -> None:
        """Until every completion under way is done (one-shot processes, before they exit)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
