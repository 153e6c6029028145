"""Slash commands built from the core's registry, as the JSON Discord's bulk-overwrite endpoint takes.

The registry is data (names, help, a free-text param, options), so the commands are built as payloads rather
than as typed discord.py callbacks; `SlashTree.routes` maps what an interaction names back to the spec.
A multi-word name ("archive use") becomes a subcommand (`/archive use`), unless its first word is itself a
command (Discord cannot have `/stance` and `/stance fix` both), in which case it is flattened (`/stance-fix`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from adapters.discord.limits import (
    COMMAND_DESCRIPTION_CHARS,
    COMMAND_NAME_CHARS,
    OPTIONS_PER_COMMAND,
    STRING_OPTION_MAX,
    TOP_LEVEL_COMMANDS,
)
from adapters.text import clip_line
from bot.core import MAX_COMMAND_CHARS
from bot.registry import CommandSpec, Option, Registry

JSON = dict[str, Any]

# Discord's application command and option types.
CHAT_INPUT = 1
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
BOOLEAN = 5
# Where a command may be used (guilds, the bot's DMs) and how the app is installed (to a guild).
CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1
GUILD_INSTALL = 0

OPTION_VALUE_CHARS = 100
_INVALID = re.compile(r"[^-_\w]+")


class SlashBuildError(ValueError):
    """The registry cannot be expressed as Discord commands (too many, or two names that collide)."""


def slash_name(text: str) -> str:
    """A valid Discord command or option name: lower case, no spaces, at most 32 characters."""
    name = _INVALID.sub("-", text.strip().lower()).strip("-")[:COMMAND_NAME_CHARS]
    if not name:
        raise SlashBuildError(f"{text!r} cannot be a Discord command name")
    return name


@dataclass(frozen=True, slots=True)
class SlashRoute:
    """One invocable slash command and how its Discord option names map onto the spec."""

    spec: CommandSpec
    param_name: str | None = None
    options: dict[str, Option] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """Discord option name -> the list its values come from ("archives"), for autocomplete."""


@dataclass(frozen=True, slots=True)
class SlashTree:
    payload: list[JSON]
    routes: dict[tuple[str, ...], SlashRoute]

    def digest(self, *parts: str) -> str:
        """A fingerprint of the commands and where they go, so an unchanged set is not re-synced."""
        blob = json.dumps({"commands": self.payload, "target": list(parts)}, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def path_of(self, spec_name: str) -> tuple[str, ...] | None:
        return next((path for path, route in self.routes.items() if route.spec.name == spec_name), None)


def _route_and_options(spec: CommandSpec, autocomplete: frozenset[str]) -> tuple[SlashRoute, list[JSON]]:
    options: list[JSON] = []
    by_name: dict[str, Option] = {}
    sources: dict[str, str] = {}
    param_name = None
    if spec.param is not None:
        param_name = slash_name(spec.param.name)
        entry: JSON = {
            "type": STRING,
            "name": param_name,
            "description": clip_line(spec.param.help, COMMAND_DESCRIPTION_CHARS),
            "required": spec.param.required,
            "max_length": min(MAX_COMMAND_CHARS, STRING_OPTION_MAX),
        }
        source = getattr(spec.param, "choices_from", None)
        if isinstance(source, str) and source in autocomplete:
            entry["autocomplete"] = True
            sources[param_name] = source
        options.append(entry)
    for opt in spec.options:
        name = slash_name(opt.name)
        if name == param_name or name in by_name:
            raise SlashBuildError(f"`{spec.name}`: option `{opt.name}` collides with another option name")
        by_name[name] = opt
        entry = {
            "name": name,
            "description": clip_line(opt.help, COMMAND_DESCRIPTION_CHARS),
            "required": False,
        }
        if opt.takes_value:
            entry |= {"type": STRING, "max_length": OPTION_VALUE_CHARS}
            if opt.choices_from in autocomplete:
                entry["autocomplete"] = True
                sources[name] = opt.choices_from or ""
        else:
            entry["type"] = BOOLEAN
        options.append(entry)
    if len(options) > OPTIONS_PER_COMMAND:
        raise SlashBuildError(
            f"`{spec.name}` has {len(options)} options; Discord allows {OPTIONS_PER_COMMAND}"
        )
    options.sort(key=lambda o: not o["required"])  # Discord wants required options first
    return SlashRoute(spec=spec, param_name=param_name, options=by_name, sources=sources), options


def _description(spec: CommandSpec) -> str:
    marker = " (moderators)" if spec.moderator_only and "moderator" not in spec.summary.lower() else ""
    return clip_line(spec.summary, COMMAND_DESCRIPTION_CHARS - len(marker)) + marker


def _paths(specs: list[CommandSpec]) -> dict[tuple[str, ...], CommandSpec]:
    """Each spec's slash path: its words, or one flattened name where a prefix is a command itself."""
    words = {spec.name: tuple(slash_name(w) for w in spec.name.split()) for spec in specs}
    taken = set(words.values())
    paths: dict[tuple[str, ...], CommandSpec] = {}
    for spec in specs:
        path = words[spec.name]
        if len(path) > 3 or any(path[:n] in taken for n in range(1, len(path))):
            path = (slash_name("-".join(path)),)
        if path in paths:
            raise SlashBuildError(f"`{spec.name}` and `{paths[path].name}` both map to /{' '.join(path)}")
        paths[path] = spec
    return paths


def build_tree(registry: Registry, autocomplete: frozenset[str] = frozenset()) -> SlashTree:
    """Every registry command as a slash command (or subcommand); `autocomplete` names the known lists."""
    routes: dict[tuple[str, ...], SlashRoute] = {}
    top: dict[str, JSON] = {}
    open_groups: set[str] = set()  # groups with a command members may use: also offered in DMs
    for path, spec in sorted(_paths(registry.specs()).items()):
        route, options = _route_and_options(spec, autocomplete)
        routes[path] = route
        leaf: JSON = {"name": path[-1], "description": _description(spec), "options": options}
        if len(path) == 1:
            top[path[0]] = leaf | {
                "type": CHAT_INPUT,
                "contexts": [CONTEXT_GUILD] if spec.moderator_only else [CONTEXT_GUILD, CONTEXT_BOT_DM],
                "integration_types": [GUILD_INSTALL],
            }
            continue
        group = top.setdefault(
            path[0],
            {
                "type": CHAT_INPUT,
                "name": path[0],
                "description": f"{path[0].capitalize()} commands",
                "options": [],
                "integration_types": [GUILD_INSTALL],
            },
        )
        if not spec.moderator_only:
            open_groups.add(path[0])
        group["contexts"] = [CONTEXT_GUILD, CONTEXT_BOT_DM] if path[0] in open_groups else [CONTEXT_GUILD]
        parent = group
        if len(path) == 3:
            found: list[JSON] = [o for o in group["options"] if o["name"] == path[1]]
            if found:
                parent = found[0]
            else:
                parent = {
                    "type": SUB_COMMAND_GROUP,
                    "name": path[1],
                    "description": f"{path[0].capitalize()} {path[1]} commands",
                    "options": [],
                }
                group["options"].append(parent)
        parent["options"].append(leaf | {"type": SUB_COMMAND})
    if len(top) > TOP_LEVEL_COMMANDS:
        raise SlashBuildError(f"{len(top)} top-level commands; Discord allows {TOP_LEVEL_COMMANDS}")
    return SlashTree(payload=[top[name] for name in sorted(top)], routes=routes)
