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
        raise _unknown(words, registry)
    spec, used = found
    args, options = _split_options(words[used:], spec)
    if spec.param is None and args:
        raise _stray_words(spec, words[:used], args, registry)
    return Command(name=spec.name, args=args, options=options, raw=raw, actor=actor, place=place)


def _family(word: str, registry: Registry) -> list[str]:
    """The commands whose name starts with this word and goes on (`prompt` -> `prompt now`, `prompt pool`, ...)."""
    return [name for name in registry.spellings() if name.split()[0] == word.lower() and " " in name]


def command_hint(words: list[str], registry: Registry) -> str:
    """What to say to words that name no command: the nearest command, the nearest of a group's own (`prompt
    nxt` -> `prompt next`), or the group's commands (`prompt` alone, `prompt bogus`)."""
    family = _family(words[0], registry)
    if not family:
        return _suggestion(words[0], registry)
    group = words[0].lower()
    if len(words) > 1:
        close = difflib.get_close_matches(words[1].lower(), [name.split(" ", 1)[1] for name in family], n=1)
        if close:
            return f"Did you mean `{group} {close[0]}`?"
    return f"The `{group}` commands: " + ", ".join(f"`{name}`" for name in family) + "."


def _unknown(words: list[str], registry: Registry) -> UsageError:
    """No command is named by these words."""
    grouped = bool(_family(words[0], registry))
    if grouped and len(words) == 1:
        return UsageError(f"`{words[0][:40]}` needs one more word.", hint=command_hint(words, registry))
    asked = " ".join(words[:2]) if grouped else words[0]
    return UsageError(f"I don't know the command `{asked[:60]}`.", hint=command_hint(words, registry))


def _stray_words(spec: CommandSpec, named: list[str], extra: list[str], registry: Registry) -> UsageError:
    """Words after a command that takes none. After a group's own word (`session stast`, read as `session`) they
    are a subcommand it does not have; after any other command, stray text. Either is said, never ignored."""
    if len(named) == 1 and _family(named[0], registry):
        return _unknown([named[0], extra[0]], registry)
    return UsageError(
        f"`{spec.name}` takes nothing after its name (got \u201c{' '.join(extra)[:40]}\u201d).",
        hint=f"Usage: `{spec.usage}`",
    )


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
    close = difflib.get_close_matches(word.lower(), registry.spellings(), n=1)
    if close:
        return f"Did you mean `{close[0]}`? `help` lists every command."
    return "`help` lists every command."
