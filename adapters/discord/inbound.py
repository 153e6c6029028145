"""Discord events as the pieces of a neutral command: what a user asked for (slash-command data or a message that
mentions the bot) and where they asked it (`Place`).

Pure functions over Discord's JSON, strings and channels, so they are tested without a client.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.appcommands import SUB_COMMAND, SUB_COMMAND_GROUP, SlashRoute, SlashTree
from bot.models import Actor, Command, Place

PLATFORM = "discord"


class UnknownSlashCommand(LookupError):
    """An interaction named a command this build does not have (commands were synced by another version)."""


@dataclass(frozen=True, slots=True)
class Invocation:
    """A slash command as the user filled it in: the route, the option values, the focused option if any."""

    path: tuple[str, ...]
    route: SlashRoute
    values: dict[str, Any] = field(default_factory=dict)
    focused: str | None = None

    def command(self, actor: Actor, place: Place) -> Command:
        """The core command, built from the typed fields directly: no re-parsing of reconstructed text."""
        args: list[str] = []
        options: dict[str, str | bool] = {}
        raw = [self.route.spec.name]
        for name, value in self.values.items():
            if name == self.route.param_name:
                args = str(value).split()
                raw.append(" ".join(args))
                continue
            option = self.route.options.get(name)
            if option is None:
                continue
            if option.takes_value:
                text = str(value).strip()
                if text:
                    options[option.name] = text
                    raw.append(f"--{option.name} {text}")
            elif value is True:
                options[option.name] = True
                raw.append(f"--{option.name}")
        return Command(
            name=self.route.spec.name, args=args, options=options, raw=" ".join(raw), actor=actor, place=place
        )


def resolve(tree: SlashTree, data: Mapping[str, Any]) -> Invocation:
    """Walk the interaction's subcommand options down to the leaf and collect its values."""
    path = [str(data.get("name", ""))]
    options: list[Mapping[str, Any]] = list(data.get("options") or [])
    while len(options) == 1 and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        path.append(str(options[0]["name"]))
        options = list(options[0].get("options") or [])
    key = tuple(path)
    route = tree.routes.get(key)
    if route is None:
        raise UnknownSlashCommand("/" + " ".join(key))
    values = {str(o["name"]): o.get("value") for o in options}
    focused = next((str(o["name"]) for o in options if o.get("focused")), None)
    return Invocation(path=key, route=route, values=values, focused=focused)


def mention_text(content: str, bot_id: int, *, direct: bool) -> str | None:
    """The command in a message addressed to the bot, or None if the message is not for it.

    In a server the message must start with the bot's mention (`@threadbot quote tokens`); a mention further
    on is conversation, not a command. In a DM every message is a command, mention or not.
    """
    text = content.strip()
    match = re.match(rf"<@!?{bot_id}>", text)
    if match is not None:
        return text[match.end() :].strip()
    return text if direct and text else None


def place_of(guild_id: int | None, channel: object, channel_id: int | None, user_id: int) -> Place:
    """A guild is a space of its own; each user's DMs with the bot are a space too (`dm-<user id>`).

    In a thread, `channel` is the parent (its archive default and memory apply) and `thread` the thread.
    """
    space = str(guild_id) if guild_id is not None else f"dm-{user_id}"
    if isinstance(channel, discord.Thread) and channel.parent_id is not None:
        return Place(platform=PLATFORM, space=space, channel=str(channel.parent_id), thread=str(channel.id))
    return Place(platform=PLATFORM, space=space, channel=str(channel_id or user_id))


def space_key(guild_id: int) -> str:
    """The storage scope of a guild, e.g. for importing an archive into it: `discord:<guild id>`."""
    return f"{PLATFORM}:{guild_id}"
