"""Threads imported from their links in chat: `import <link>` (in the background, reported in the channel),
`archive follow` / `unfollow` / `follows` (re-imported on a schedule that survives restarts).

The unit joins the commands with the follows' tick, and waits for (or, on stop, cancels) imports still running.
See docs/import.md.
"""

from __future__ import annotations

from bot.context import Context
from bot.feature import Feature
from bot.features.links.commands import commands
from bot.features.links.runs import tick


async def _finish(ctx: Context) -> None:
    await ctx.services.tasks.wait()


async def _stop(ctx: Context) -> None:
    await ctx.services.tasks.cancel()


feature = Feature(name="links", commands=commands, ticks=(("follows", tick),), finish=_finish, stop=_stop)

__all__ = ["commands", "feature"]
