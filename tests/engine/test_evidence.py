"""Sentence windows of a comment: quotes set apart, sentences kept whole, concessions weighed below the point."""

from __future__ import annotations

from bot.engine.evidence import own_text, sentences, windows
from bot.engine.loader import Engine
from bot.engine.stance import StanceClassifier

from .conftest import needs_models


def test_quoted_lines_are_not_the_authors_words() -> None:
    """`>` lines (also as Reddit's `&gt;`) are dropped; a comment that is only a quote keeps its text."""
    comment = "&gt; Guns make us safer.\n\nThat is not what the data says. Homicides rise with gun ownership."
    assert own_text(comment) == "That is not what the data says. Homicides rise with gun ownership."
    assert own_text("> only a quote") == "> only a quote"


def test_a_leading_quotation_is_context_unless_it_is_all_there_is() -> None:
    """A quoted sentence opening a reply is dropped; a signed quotation ("~ Ben Franklin") is the comment."""
    reply = '"Nobody needs a car in a city." That ignores everyone who works night shifts far from a train.'
    assert own_text(reply).startswith("That ignores")
    signed = '"They that can give up essential liberty deserve neither liberty nor safety." ~ Ben Franklin'
    assert own_text(signed) == signed


def test_sentences_keep_abbreviations_and_exact_text() -> None:
    """The segmenter does not cut at "Mr." or "e.g." and returns the text as written."""
    text = "Mr. Smith went to Washington D.C. today, e.g. by train. He didn't like it!"
    assert sentences(text) == ["Mr. Smith went to Washington D.C. today, e.g. by train.", "He didn't like it!"]


def test_short_comments_are_one_window() -> None:
    """Up to two sentences the comment is read whole, as before."""
    assert [w.text for w in windows("Bans work. Look at Ireland.")] == ["Bans work. Look at Ireland."]


def test_the_point_after_but_outweighs_the_concession() -> None:
    """"Sure, X" weighs less than "But Y"; a question weighs less than a statement."""
    found = windows("Sure, some oils smell nice. I use lavender. But the healing claims are false. Why buy them?", 1)
    weights = {w.text: w.weight for w in found}
    assert weights["But the healing claims are false."] > weights["I use lavender."]
    assert weights["Sure, some oils smell nice."] < weights["I use lavender."]
    assert weights["Why buy them?"] < weights["I use lavender."]


def test_a_short_concession_and_rebuttal_are_read_apart() -> None:
    """Two sentences are one window, unless the second turns with "However": then the rebuttal weighs more."""
    found = windows("I agree that bans are popular. However, they do not reduce smoking.")
    assert [w.text for w in found] == ["I agree that bans are popular.", "However, they do not reduce smoking."]
    assert found[1].weight > found[0].weight


@needs_models
def test_cached_values_of_whole_comment_reading_are_not_reused(engine: Engine) -> None:
    """z and relevance mean something else with sentence evidence: both cache identities change."""
    assert engine.stance.evidence is not None
    whole = StanceClassifier(engine.nli, engine.embedder, head=engine.stance.head)
    assert whole.logit_identity() != engine.stance.logit_identity()
    assert whole.relevance_identity() != engine.stance.relevance_identity()


@needs_models
def test_one_decisive_sentence_in_a_long_comment_counts(engine: Engine) -> None:
    """A long off-topic comment with one sentence against the claim is on topic and disagrees (as read whole too)."""
    claim = "We should ban smoking in public places"
    comment = (
        "I spent the weekend repainting the kitchen, which took far longer than planned. The blue we picked looked "
        "grey under the evening light, so we bought a second tin. My brother came over to help with the ceiling. "
        "Banning smoking in public places is an unfair restriction on personal freedom and should not happen. "
        "Afterwards we ordered pizza and watched an old film until midnight."
    )
    assert engine.stance.classify(claim, [comment]).results[0].stance == "disagree"
