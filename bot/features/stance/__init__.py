"""The stance feature: `stance`, `counter`, `stance fix` and `stance vote`, over one stance pipeline.

Modules: commands (the handlers), pipeline (counting a claim), counter (finding a counterargument), feedback
(moderators' fixes and members' votes), reader (reading on in the background), cache (the model results
cache), service (the pipeline as sessions and prompts reach it).
"""

from __future__ import annotations

from bot.context import Context
from bot.feature import Feature
from bot.features.stance import commands as stance_commands
from bot.features.stance import feedback
from bot.features.stance.reader import close_reading, finish_reading, reading
from bot.features.stance.service import StanceService
from bot.registry import Registry

commands = Registry()
commands.extend(stance_commands.commands)
commands.extend(feedback.commands)


async def start(ctx: Context) -> None:
    """Offer the pipeline to the other features and make the background reader."""
    ctx.services.stance = StanceService(ctx)
    reading(ctx)


async def stop(ctx: Context) -> None:
    """Stop reading on (what was read stays cached) before the stores close."""
    await close_reading(ctx)
    ctx.services.stance = None


feature = Feature(name="stance", commands=commands, start=start, stop=stop, finish=finish_reading)
