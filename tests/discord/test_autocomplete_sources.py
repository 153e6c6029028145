"""Autocomplete lists for stance commands: labels and votes, and autocomplete on a claim's free text."""

from __future__ import annotations

from adapters.discord.appcommands import build_tree
from adapters.discord.autocomplete import choices
from bot.autocomplete import SOURCES
from bot.context import Context
from bot.core import Bot
from bot.models import Actor, Command, Place, Reply, TextReply
from bot.registry import Option, Param, Registry

PLACE = Place(platform="discord", space="9", channel="8")
ACTOR = Actor(user_id="1", display_name="a")


async def suggest(bot: Bot, place: Place, source: str, typed: str) -> list[str]:
    """The core's suggestions (`Bot.suggest`) as the Discord adapter offers them."""
    return await choices(bot, source, typed, ACTOR, place)


async def _handler(ctx: Context, command: Command) -> Reply:
    """Vote on a claim."""
    return TextReply(text="ok")


def test_a_claim_param_and_a_choice_option_get_autocomplete() -> None:
    registry = Registry()
    registry.command("stance", param=Param("claim", "the claim", required=True, choices_from="claims"))(
        _handler
    )
    registry.command(
        "stance vote",
        param=Param("claim", "the claim", required=True, choices_from="claims"),
        options=[Option("choice", "agree, disagree or pass", takes_value=True, choices_from="votes")],
    )(_handler)
    tree = build_tree(registry, autocomplete=frozenset(SOURCES))
    command = next(c for c in tree.payload if c["name"] == "stance-vote")
    claim, choice = command["options"]
    assert (claim["name"], claim.get("autocomplete"), claim["required"]) == ("claim", True, True)
    assert (choice["name"], choice.get("autocomplete")) == ("choice", True)
    assert "choices" not in claim  # suggestions only: any typed claim is accepted as a new one
    assert tree.routes[("stance-vote",)].sources == {"claim": "claims", "choice": "votes"}


async def test_labels_and_votes_are_offered_and_filtered(bot: Bot) -> None:
    assert await suggest(bot, PLACE, "stance-labels", "") == [
        "agree",
        "disagree",
        "neutral",
        "unrelated",
        "clear",
    ]
    assert await suggest(bot, PLACE, "stance-labels", "dis") == ["disagree"]
    assert await suggest(bot, PLACE, "votes", "") == ["agree", "disagree", "pass"]
    assert await suggest(bot, PLACE, "votes", "p") == ["pass"]
    assert await suggest(bot, PLACE, "no-such-list", "a") == []
