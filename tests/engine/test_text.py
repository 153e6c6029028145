"""Claim negation, stems and near-duplicate measures."""

from __future__ import annotations

import pytest

from bot.engine.text import containment, negate_claim, stem


@pytest.mark.parametrize(
    ("claim", "negation"),
    [
        ("We should abandon the use of school uniform", "We should not abandon the use of school uniform"),
        ("The USA is a good country to live in.", "The USA is not a good country to live in"),
        ("Homeschooling should not be banned", "Homeschooling should be banned"),
        ("It isn't fair", "It is fair"),
        ("The USA has good healthcare", "The USA does not have good healthcare"),
        ("Vaccines cause autism", "It is not true that vaccines cause autism"),
    ],
)
def test_negate_claim(claim: str, negation: str) -> None:
    """Rule-based negation inserts or removes "not" at the first auxiliary verb."""
    assert negate_claim(claim) == negation


def test_stem_groups_inflections() -> None:
    """ban, bans, banned, banning share a stem."""
    assert {stem(w) for w in ["ban", "bans", "banned", "banning"]} == {"ban"}


def test_containment() -> None:
    """A quoted claim is wholly contained; unrelated text is not."""
    claim = "school uniforms reduce bullying in schools"
    assert containment(claim, "As they say, school uniforms reduce bullying in schools. True.") == 1.0
    assert containment(claim, "The weather is nice today and the sea is calm") == 0.0
