"""The shared command registry and the one parser every adapter uses."""

from __future__ import annotations

import pytest

from bot.errors import UsageError
from bot.features import build_registry
from bot.models import Actor, Place
from bot.parsing import parse
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
    ],
)
def test_malformed_commands_say_what_is_wrong(raw: str, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(raw, build_registry(), ACTOR, PLACE)
    assert expected in caught.value.message + (caught.value.hint or "")
