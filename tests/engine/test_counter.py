"""Counterargument ranking: opposite side first, near-duplicates of the claim excluded."""

from __future__ import annotations

from bot.engine.loader import Engine

from .conftest import needs_models

CLAIM = "School uniforms reduce bullying because no child stands out"
TEXTS = [
    "School uniforms reduce bullying because no child stands out.",  # the claim itself, re-posted
    "Honestly, school uniforms reduce bullying because no child stands out - so true!",  # a quote of it
    "Uniforms do not reduce bullying at all; kids simply find other things, like shoes or phones, to pick on.",
    "Uniforms really do cut bullying, since poorer kids are no longer teased for their clothes.",
    "The cafeteria should serve more vegetarian meals.",
]


@needs_models
def test_counter_prefers_opposition_and_drops_duplicates(engine: Engine) -> None:
    """The opposing comment ranks first; the re-posted claim and its quote are excluded."""
    report = engine.counter.rank(CLAIM, TEXTS)
    ranked = [c.index for c in report.candidates]
    assert set(report.excluded_duplicates) == {0, 1}
    assert 0 not in ranked and 1 not in ranked
    assert ranked[0] == 2
    first = report.candidates[0]
    assert first.disagree_probability is not None and first.disagree_probability > 0.5
    assert not report.rough


def test_counter_without_models(no_model_engine: Engine) -> None:
    """With no model: BM25 only, duplicates still excluded, result marked rough."""
    report = no_model_engine.counter.rank(CLAIM, TEXTS)
    ranked = [c.index for c in report.candidates]
    assert report.rough
    assert 0 in report.excluded_duplicates and 0 not in ranked
    assert ranked and ranked[0] in {2, 3}
    assert all(c.disagree_probability is None for c in report.candidates)
