"""Daily discussion prompts: built from the thread's own disagreements, on a schedule that never double-posts.

The unit `feature` joins the schedule commands and the suggestion queue, with the scheduler as its tick.
See docs/prompts.md.
"""

from __future__ import annotations

from bot.feature import Feature
from bot.prompts import commands as schedule_commands
from bot.prompts import suggestions
from bot.prompts.scheduler import tick
from bot.registry import Registry

commands = Registry()
commands.extend(schedule_commands.commands)
commands.extend(suggestions.commands)

feature = Feature(name="prompts", commands=commands, ticks=(("prompts", tick),))

__all__ = ["commands", "feature"]
