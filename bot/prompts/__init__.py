"""Daily discussion prompts: built from the thread's own disagreements, on a schedule that never double-posts.

The unit `feature` joins the schedule commands, the pool commands and the suggestion queue, with the scheduler
as its tick and the miner (which finds each archive's disagreements in the background) as its job.
See docs/prompts.md.
"""

from __future__ import annotations

from bot.feature import Feature
from bot.prompts import commands as schedule_commands
from bot.prompts import pool_commands, suggestions
from bot.prompts.miner import finish_mining, run_miner, start_mining, stop_mining
from bot.prompts.scheduler import tick
from bot.registry import Registry

commands = Registry()
commands.extend(schedule_commands.commands)
commands.extend(pool_commands.commands)
commands.extend(suggestions.commands)

feature = Feature(
    name="prompts",
    commands=commands,
    ticks=(("prompts", tick),),
    jobs=(("prompt-miner", run_miner),),
    start=start_mining,
    stop=stop_mining,
    finish=finish_mining,
)

__all__ = ["commands", "feature"]
