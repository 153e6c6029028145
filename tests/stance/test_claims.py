"""Stored claims (bot/claims.py): one per normalised wording and space, suggested most used first."""

from __future__ import annotations

from bot.claims import claim_text, remember_claim, suggest_claims
from bot.core import Bot
from storage.stance_store import claim_key

SPACE = "console:local"
OTHER = "discord:other"


def test_claim_key_ignores_case_spacing_and_trailing_punctuation() -> None:
    """Two wordings a user would call the same claim share one key."""
    assert claim_key("  Remote   WORK is better?! ") == claim_key("remote work is better")
    assert claim_key("remote work is better") != claim_key("remote work is worse")


async def test_same_claim_same_id_latest_text_kept(bot: Bot) -> None:
    """Asking the same claim again returns the same id and keeps the latest wording."""
    first = await remember_claim(bot.context, SPACE, "Remote work is better.")
    second = await remember_claim(bot.context, SPACE, "remote   work is BETTER")
    assert first == second
    assert await claim_text(bot.context, SPACE, first) == "remote   work is BETTER"


async def test_claims_invisible_to_another_space(bot: Bot) -> None:
    """Another space cannot read a claim by id, nor see it suggested."""
    claim_id = await remember_claim(bot.context, SPACE, "cats are better than dogs")
    assert await claim_text(bot.context, OTHER, claim_id) is None
    assert await suggest_claims(bot.context, OTHER, "cats") == []
    assert await suggest_claims(bot.context, SPACE, "cats") == ["cats are better than dogs"]


async def test_suggestions_match_typed_text_most_used_first(bot: Bot) -> None:
    """Typed text filters the claims; a claim asked more often comes first; limit is respected."""
    await remember_claim(bot.context, SPACE, "taxes should be lower")
    for _ in range(3):
        await remember_claim(bot.context, SPACE, "public transport should be free")
    await remember_claim(bot.context, SPACE, "homework should be banned")
    assert await suggest_claims(bot.context, SPACE, "should") == [
        "public transport should be free",
        "homework should be banned",
        "taxes should be lower",
    ]
    assert await suggest_claims(bot.context, SPACE, "TAX") == ["taxes should be lower"]
    assert len(await suggest_claims(bot.context, SPACE, "", limit=2)) == 2
