"""Stance of comments toward a claim: clear cases with the real models, and the rough fallback."""

from __future__ import annotations

from bot.engine.loader import Engine
from bot.engine.stance import StanceClassifier

from .conftest import needs_models

CLAIM = "We should ban smoking in public places"
COMMENTS = [
    "Smoking in public places should be banned, second-hand smoke harms everyone around the smoker.",
    "Banning smoking in public is an unfair restriction on personal freedom; smoking in public should stay legal.",
    "My cat loves sleeping in the sun all afternoon.",
    "I fully agree, public smoking bans protect children's health.",
    "A ban on smoking outdoors is government overreach and should not happen.",
]


@needs_models
def test_clear_cases(engine: Engine) -> None:
    """Agree, disagree and unrelated comments are told apart, with counts and confidences."""
    report = engine.stance.classify(CLAIM, COMMENTS)
    stances = [r.stance for r in report.results]
    assert stances == ["agree", "disagree", "unrelated", "agree", "disagree"]
    assert report.counts == {"agree": 2, "disagree": 2, "neutral": 0, "unrelated": 1}
    assert not report.rough and report.method == "nli" and report.note is None
    for r in report.results:
        assert 0.5 <= r.confidence <= 1.0
    assert report.results[2].agree_probability is None  # unrelated comments never reach NLI


@needs_models
def test_nli_is_bounded(engine: Engine) -> None:
    """Only the `max_nli` most relevant comments are scored; the rest are listed as unscored."""
    bounded = StanceClassifier(engine.nli, engine.embedder, max_nli=2)
    report = bounded.classify(CLAIM, COMMENTS)
    assert len(report.unscored) == 2
    assert len(report.results) == 3  # two scored + one unrelated


def test_fallback_without_models_says_rough(no_model_engine: Engine) -> None:
    """With an empty model folder the engine still answers, marked rough, from lexical cues."""
    assert no_model_engine.rough and no_model_engine.nli is None and no_model_engine.embedder is None
    report = no_model_engine.stance.classify(CLAIM, COMMENTS)
    assert report.rough and report.method == "lexical"
    assert report.note is not None and "Rough" in report.note
    assert report.results[2].stance == "unrelated"
    assert {r.stance for r in report.results} <= {"agree", "disagree", "neutral", "unrelated"}
    assert sum(report.counts.values()) == len(COMMENTS)
