"""Reading-group sessions: a moderator's assistant for live text discussions (docs/sessions.md).

The unit `feature`: its commands, its tick (auto-close and reading reminders) and its observer (counting
ordinary channel messages, called through `Bot.observe`)."""

from __future__ import annotations

from bot.feature import Feature
from bot.registry import Registry
from bot.sessions import commands as session_commands
from bot.sessions import floor, reading, recording
from bot.sessions.participation import observe_message
from bot.sessions.tick import tick

commands = Registry()
for _part in (session_commands, floor, recording, reading):
    commands.extend(_part.commands)

feature = Feature(name="sessions", commands=commands, ticks=(("sessions", tick),), observers=(observe_message,))

__all__ = ["commands", "feature"]
