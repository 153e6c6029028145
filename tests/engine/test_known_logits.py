"""Known logits (a cache's z values) spare the NLI model: stance and counter give the same answer without it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.engine.loader import Engine
from bot.engine.nli import NliScores
from bot.engine.stance import StanceClassifier

from .conftest import needs_models
from .test_stance import CLAIM, COMMENTS


def _count_nli_calls(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wrap the NLI scorer so each call records how many premises it scored."""
    assert engine.nli is not None
    real = engine.nli.score
    calls: list[int] = []

    def counting(premises: list[str], hypothesis: str, *args: Any, **kwargs: Any) -> NliScores:
        calls.append(len(premises))
        return real(premises, hypothesis, *args, **kwargs)

    monkeypatch.setattr(engine.nli, "score", counting)
    return calls


@needs_models
def test_stance_with_all_logits_known_skips_nli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given every z from a first run, a second run calls no model and labels every comment the same."""
    first = engine.stance.classify(CLAIM, COMMENTS)
    assert set(first.logits) == {r.index for r in first.results if r.agree_probability is not None}
    calls = _count_nli_calls(engine, monkeypatch)
    again = engine.stance.classify(CLAIM, COMMENTS, known_logits=first.logits)
    assert calls == []
    assert [r.stance for r in again.results] == [r.stance for r in first.results]


@needs_models
def test_stance_scores_only_the_unknown(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """With some z known, only the other comments go through NLI (once per hypothesis)."""
    first = engine.stance.classify(CLAIM, COMMENTS)
    known = dict(list(first.logits.items())[:2])
    calls = _count_nli_calls(engine, monkeypatch)
    engine.stance.classify(CLAIM, COMMENTS, known_logits=known)
    assert calls and all(n == len(first.logits) - 2 for n in calls)


@needs_models
def test_counter_reuses_known_logits(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter ranking, given its own z back, runs no NLI and ranks the same."""
    first = engine.counter.rank(CLAIM, COMMENTS, limit=3)
    assert first.logits
    calls = _count_nli_calls(engine, monkeypatch)
    again = engine.counter.rank(CLAIM, COMMENTS, limit=3, known_logits=first.logits)
    assert calls == []
    assert [c.index for c in again.candidates] == [c.index for c in first.candidates]


@needs_models
def test_identity_changes_with_calibration(engine: Engine) -> None:
    """A different calibration gives a different cache identity; no NLI model gives none."""
    base = engine.stance.logit_identity()
    other = StanceClassifier(engine.nli, engine.embedder, calibration=replace(engine.stance.calibration, bias=0.5))
    assert base and other.logit_identity() not in (None, base)
    assert StanceClassifier(None, None).logit_identity() is None


@needs_models
def test_known_relevance_spares_the_embedder(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given every relevance and z from a first run, a second run embeds nothing and labels the same."""
    first = engine.stance.classify(CLAIM, COMMENTS)
    assert set(first.relevance) == set(range(len(COMMENTS)))
    assert engine.embedder is not None
    embedded: list[str] = []
    real = engine.embedder.embed

    def recording(texts: list[str]) -> Any:
        embedded.extend(texts)
        return real(texts)

    monkeypatch.setattr(engine.embedder, "embed", recording)
    again = engine.stance.classify(CLAIM, COMMENTS, known_logits=first.logits, known_relevance=first.relevance)
    assert embedded == []
    assert [r.stance for r in again.results] == [r.stance for r in first.results]
    new = "A comment nobody has embedded yet, about the claim all the same."
    engine.stance.classify(CLAIM, [*COMMENTS, new], known_logits=first.logits, known_relevance=first.relevance)
    assert embedded == [new, CLAIM]  # only what is not known (a vector embedded once is remembered)


@needs_models
def test_a_spent_time_budget_leaves_comments_for_the_next_ask(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time left, only known z count and the rest are reported late; asking again with them known and a
    budget to spare finishes the job with the same labels as an unbudgeted run."""
    full = engine.stance.classify(CLAIM, COMMENTS)
    scored = sorted(full.logits)
    assert len(scored) >= 2
    head = {scored[0]: full.logits[scored[0]]}
    calls = _count_nli_calls(engine, monkeypatch)
    rushed = engine.stance.classify(CLAIM, COMMENTS, known_logits=head, budget_seconds=0.0)
    assert calls == []
    assert set(rushed.logits) == set(head)
    assert set(rushed.late) == set(scored) - set(head) and set(rushed.late) <= set(rushed.unscored)
    assert sum(rushed.counts[s] for s in ("agree", "disagree", "neutral")) == 1
    finished = engine.stance.classify(CLAIM, COMMENTS, known_logits=rushed.logits, budget_seconds=60.0)
    assert finished.late == []
    assert [r.stance for r in finished.results] == [r.stance for r in full.results]
