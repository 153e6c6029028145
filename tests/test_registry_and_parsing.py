"""The shared command registry and the one parser every adapter uses."""

from __future__ import annotations

import pytest

from bot.core import INTERNAL_ERROR, Bot
from bot.errors import UsageError
from bot.features import build_registry
from bot.models import Actor, Command, ErrorReply, Place
from bot.parsing import parse, storable, storable_command
from bot.registry import Registry

ACTOR = Actor(user_id="u1", display_name="Ann")
PLACE = Place(platform="console", space="local", channel="c1")


def test_command_names_and_aliases_are_unique() -> None:
    """Every name and alias maps to exactly one command (adding a clash raises)."""
    registry = build_registry()
    seen: set[str] = set()
    for spec in registry.specs():
        for name in (spec.name, *spec.aliases):
            assert name not in seen
            seen.add(name)
    clash = Registry()
    clash.add(registry.specs()[0])
    with pytest.raises(ValueError, match="twice"):
        clash.add(registry.specs()[0])


def test_every_command_has_help_text() -> None:
    for spec in build_registry().specs():
        assert spec.summary, spec.name
        assert len(spec.summary) <= 100, f"{spec.name}: slash-command descriptions are capped at 100 characters"


def test_parse_splits_options_from_free_text() -> None:
    command = parse("quote it's the tokens --archive hn", build_registry(), ACTOR, PLACE)
    assert command.name == "quote"
    assert command.text == "it's the tokens"
    assert command.options == {"archive": "hn"}


def test_parse_accepts_prefix_equals_and_phone_dashes() -> None:
    registry = build_registry()
    assert parse("!quote cot --archive=x", registry, ACTOR, PLACE).options == {"archive": "x"}
    assert parse("quote cot \u2014archive x", registry, ACTOR, PLACE).options == {"archive": "x"}


def test_multi_word_command_names_match_longest() -> None:
    command = parse("archive use hn", build_registry(), ACTOR, PLACE)
    assert command.name == "archive use"
    assert command.text == "hn"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "Empty command"),
        ("qoute tokens", "Did you mean `quote`"),
        ("quote tokens --bogus", "no option `--bogus`"),
        ("quote tokens --archive", "needs a value"),
        ("archive use", "needs a name"),
        ("sesion", "Did you mean `session`"),
        ("session stast", "Did you mean `session stats`"),  # `session` alone shows the status: not for a typo
        ("session bogus", "The `session` commands: `session end`"),
        ("prompt nxt", "Did you mean `prompt next`"),
        ("prompt", "`prompt` needs one more word"),
        ("raise", "The `raise` commands: `raise hand`"),
        ("queue everyone", "`queue` takes nothing after its name (got \u201ceveryone\u201d)"),
        ("session status now please", "takes nothing after its name"),
    ],
)
def test_malformed_commands_say_what_is_wrong(raw: str, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(raw, build_registry(), ACTOR, PLACE)
    assert expected in caught.value.message + "\n" + (caught.value.hint or "")


def test_a_command_that_takes_nothing_still_takes_its_options_and_prefix() -> None:
    registry = build_registry()
    assert parse("!prompt next --archive hn", registry, ACTOR, PLACE).options == {"archive": "hn"}
    assert parse("session", registry, ACTOR, PLACE).name == "session status"
    assert parse("raise hand", registry, ACTOR, PLACE).name == "hand"


def test_lone_surrogates_become_replacement_characters() -> None:
    """SQLite cannot store a lone surrogate (a platform's JSON may escape one in): every text a command carries
    gets U+FFFD instead, and valid text, astral characters included, is left as it is."""
    assert storable("a\ud800b\udfff \U0001f600 ok") == "a\ufffdb\ufffd \U0001f600 ok"
    command = Command(
        name="quote",
        args=["to\udce9kens"],
        options={"archive": "\ud800", "all": True},
        raw="quote to\udce9kens --archive \ud800",
        actor=Actor(user_id="u1", display_name="Eve\ud83d"),
        place=PLACE,
    )
    clean = storable_command(command)
    assert clean.args == ["to\ufffdkens"] and clean.options == {"archive": "\ufffd", "all": True}
    assert clean.raw == "quote to\ufffdkens --archive \ufffd" and clean.actor.display_name == "Eve\ufffd"
    clean.model_dump_json().encode("utf-8")


async def test_a_command_an_adapter_built_with_a_lone_surrogate_is_answered(no_models: None, bot: Bot) -> None:
    """A Command built from typed slash options (no parsing) is cleaned in `Bot.handle` as well."""
    command = Command(name="stance", args=["tokens", "\ud800"], actor=ACTOR, place=PLACE)
    reply = await bot.handle(command)
    assert not (isinstance(reply, ErrorReply) and reply.message.startswith(INTERNAL_ERROR)), reply
