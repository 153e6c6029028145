"""One registry of chat commands, shared by every adapter.

A command's handler docstring is its help text, so `help`, Discord's slash-command descriptions and Slack's
usage hints all come from the same words.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.context import Context
    from bot.models import Command, Reply

Handler = Callable[["Context", "Command"], Awaitable["Reply"]]
Completer = Callable[["Context", "Command", "Reply"], Awaitable["Reply | None"]]
"""Finishes a partial reply of its command: the completed reply, or None when there is nothing to complete."""


@dataclass(frozen=True, slots=True)
class Option:
    """A `--name` option. Flags take no value; others take the next word (or `--name=value`)."""

    name: str
    help: str
    takes_value: bool = False
    choices_from: str | None = None  # e.g. "archives": adapters can autocomplete from this list


@dataclass(frozen=True, slots=True)
class Param:
    """The free-text argument of a command (a query, a claim); adapters show it as one text field."""

    name: str
    help: str
    required: bool = False
    choices_from: str | None = None  # e.g. "archives", "commands": adapters can autocomplete from this list


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    handler: Handler
    help: str
    param: Param | None = None
    options: tuple[Option, ...] = ()
    aliases: tuple[str, ...] = ()
    moderator_only: bool = False
    slow: bool = False  # may take longer than a platform's 3-second deadline: adapters defer first
    group: str = "general"
    completer: Completer | None = None

    @property
    def summary(self) -> str:
        """The first line of the help text, short enough for a slash-command description."""
        return self.help.split("\n", 1)[0].strip()

    @property
    def usage(self) -> str:
        parts = [self.name]
        if self.param is not None:
            parts.append(f"<{self.param.name}>" if self.param.required else f"[{self.param.name}]")
        for opt in self.options:
            parts.append(f"[--{opt.name} {opt.name.upper()}]" if opt.takes_value else f"[--{opt.name}]")
        return " ".join(parts)

    def option(self, name: str) -> Option | None:
        return next((opt for opt in self.options if opt.name == name), None)


@dataclass(slots=True)
class Registry:
    """Commands by name and alias. Names may be several words ("stance fix"); the longest match wins."""

    _specs: dict[str, CommandSpec] = field(default_factory=dict)
    _names: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        for name in (spec.name, *spec.aliases):
            key = tuple(name.lower().split())
            if key in self._names:
                raise ValueError(f"command name {name!r} is registered twice")
            self._names[key] = spec
        self._specs[spec.name] = spec

    def command(
        self,
        name: str,
        *,
        param: Param | None = None,
        options: Iterable[Option] = (),
        aliases: Iterable[str] = (),
        moderator_only: bool = False,
        slow: bool = False,
        group: str = "general",
        completer: Completer | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register the decorated coroutine as command `name`; its docstring becomes the help text."""

        def decorate(handler: Handler) -> Handler:
            doc = inspect.getdoc(handler)
            if not doc:
                raise ValueError(f"command {name!r} needs a docstring: it is the command's help text")
            self.add(
                CommandSpec(
                    name=name,
                    handler=handler,
                    help=doc,
                    param=param,
                    options=tuple(options),
                    aliases=tuple(aliases),
                    moderator_only=moderator_only,
                    slow=slow,
                    group=group,
                    completer=completer,
                )
            )
            return handler

        return decorate

    def extend(self, other: Registry) -> None:
        """Add every command of another registry (a feature module's own), refusing name clashes."""
        for spec in other.specs():
            self.add(spec)

    def get(self, name: str) -> CommandSpec | None:
        return self._names.get(tuple(name.lower().split()))

    def match(self, words: list[str]) -> tuple[CommandSpec, int] | None:
        """The command the leading words name, and how many words its name took."""
        lowered = [w.lower() for w in words]
        for length in range(min(len(lowered), 3), 0, -1):
            spec = self._names.get(tuple(lowered[:length]))
            if spec is not None:
                return spec, length
        return None

    def specs(self) -> list[CommandSpec]:
        return sorted(self._specs.values(), key=lambda s: s.name)

    def names(self) -> list[str]:
        return [spec.name for spec in self.specs()]

    def spellings(self) -> list[str]:
        """Every way a command can be named (names and aliases) and the first word of each (`prompt`), sorted."""
        named = {" ".join(words) for words in self._names}
        return sorted(named | {name.split()[0] for name in named})
