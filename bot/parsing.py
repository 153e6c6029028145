"""Turn a line of chat text into a `Command`, the same way for every adapter.

Words are split on white space (never shell-quoted: claims are full of apostrophes). Words starting with `--`
(or the em dash phones substitute for it) are options; everything else is the free-text argument.
"""

from __future__ import annotations

import difflib
import re

from bot.errors import UsageError
from bot.models import Actor, ChannelMessage, Command, Place
from bot.registry import CommandSpec, Registry

_DASHES = ("--", "\u2014", "\u2013\u2013")
PREFIXES = ("!", "/", "?")
_UNSTORABLE = re.compile(r"[\ud800-\udfff\x00]")


def storable(text: str) -> str:
    """`text` with each lone surrogate and NUL replaced by U+FFFD. UTF-8, and so SQLite, cannot hold a lone
    surrogate, and PostgreSQL's text no NUL, yet a platform's JSON may carry either escaped (`"\\ud800"`,
    `"\\u0000"`): stored or searched, it would fail the command."""
    return _UNSTORABLE.sub("\ufffd", text)


def _storable_actor(actor: Actor) -> Actor:
    return actor.model_copy(update={"display_name": storable(actor.display_name)})


def storable_command(command: Command) -> Command:
    """The command with every text it carries made `storable`: words, option values, raw text, the actor's name."""
    options = {
        name: storable(value) if isinstance(value, str) else value for name, value in command.options.items()
    }
    update = {
        "args": [storable(arg) for arg in command.args],
        "options": options,
        "raw": storable(command.raw),
        "actor": _storable_actor(command.actor),
    }
    return command.model_copy(update=update)


def storable_message(message: ChannelMessage) -> ChannelMessage:
    """An observed message with its text and its author's name made `storable` (sessions count and record it)."""
    return message.model_copy(
        update={"text": storable(message.text), "actor": _storable_actor(message.actor)}
    )


def _option_name(word: str) -> str | None:
    for dash in _DASHES:
        if word.startswith(dash) and len(word) > len(dash):
            return word[len(dash) :]
    return None


def parse(raw: str, registry: Registry, actor: Actor, place: Place) -> Command:
    """Parse `raw` ("quote tokens --archive hn") into a Command, or raise UsageError saying what is wrong."""
    text = raw.strip()
    if text[:1] in PREFIXES:
        text = text[1:].lstrip()
    words = text.split()
    if not words:
        raise UsageError("Empty command.", hint="Try `help` to see what I can do.")
    found = registry.match(words)
    if found is None:
        raise UsageError(f"I don't know the command `{words[0][:40]}`.", hint=_suggestion(words[0], registry))
    spec, used = found
    args, options = _split_options(words[used:], spec)
    return Command(name=spec.name, args=args, options=options, raw=raw, actor=actor, place=place)


def _split_options(words: list[str], spec: CommandSpec) -> tuple[list[str], dict[str, str | bool]]:
    args: list[str] = []
    options: dict[str, str | bool] = {}
    index = 0
    while index < len(words):
        word = words[index]
        name = _option_name(word)
        if name is None:
            args.append(word)
            index += 1
            continue
        value: str | None = None
        if "=" in name:
            name, value = name.split("=", 1)
        option = spec.option(name.lower())
        if option is None:
            known = ", ".join(f"--{o.name}" for o in spec.options) or "none"
            raise UsageError(
                f"`{spec.name}` has no option `--{name[:30]}`.",
                hint=f"Options of `{spec.name}`: {known}. Usage: `{spec.usage}`",
            )
        if option.takes_value:
            if value is None:
                if index + 1 >= len(words) or _option_name(words[index + 1]) is not None:
                    raise UsageError(f"`--{option.name}` needs a value.", hint=f"Usage: `{spec.usage}`")
                value = words[index + 1]
                index += 1
            options[option.name] = value
        else:
            if value is not None:
                raise UsageError(f"`--{option.name}` takes no value.", hint=f"Usage: `{spec.usage}`")
            options[option.name] = True
        index += 1
    if spec.param is not None and spec.param.required and not args:
        raise UsageError(
            f"`{spec.name}` needs a {spec.param.name}: {spec.param.help}", hint=f"Usage: `{spec.usage}`"
        )
    return args, options


def _suggestion(word: str, registry: Registry) -> str:
    close = difflib.get_close_matches(word.lower(), registry.names(), n=1)
    if close:
        return f"Did you mean `{close[0]}`? `help` lists every command."
    return "`help` lists every command."
