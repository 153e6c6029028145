"""A time budget for NLI ends near where it was set: the last pass is sized to the time left from the measured
pace, so a `stance` reply does not run a whole batch past its deadline. Runs on a fake clock and a fake NLI
model that costs a fixed time per pair, so it needs no models and no quiet machine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bot.engine import stance as stance_module
from bot.engine.nli import NliScores
from bot.engine.stance import StanceClassifier

CLAIM = "Public smoking should be banned"
COMMENTS = [f"Public smoking should be banned, reason number {n}." for n in range(60)]
SECONDS_PER_PAIR = 0.005


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def perf_counter(self) -> float:
        return self.now


class SlowNli:
    """An NLI model that entails everything and costs `SECONDS_PER_PAIR` of the fake clock per pair."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.pairs = 0

    def score(self, premises: list[str], hypothesis: str) -> NliScores:
        self.clock.now += SECONDS_PER_PAIR * len(premises)
        self.pairs += len(premises)
        return NliScores(entailment=np.full(len(premises), 0.9, dtype=np.float32), contradiction=None)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(stance_module.time, "perf_counter", fake.perf_counter)
    return fake


def _classifier(nli: Any) -> StanceClassifier:
    return StanceClassifier(nli, None)  # word coverage for relevance: every comment here is related


def test_the_last_batch_fits_the_time_left(clock: FakeClock) -> None:
    """With 0.255 s and passes of 16 comments at 10 ms each (two hypotheses), the budget reads 25 comments and
    ends on time, instead of starting a second full pass at 0.16 s and ending at 0.32 s."""
    nli = SlowNli(clock)
    started = clock.now
    report = _classifier(nli).classify(CLAIM, COMMENTS, budget_seconds=0.255, budget_batch=16)
    spent = clock.now - started
    assert spent <= 0.255
    assert len(report.logits) == 25
    assert len(report.late) == len(COMMENTS) - 25


def test_the_first_batch_always_runs(clock: FakeClock) -> None:
    """A budget shorter than one pass still reads one pass: a background step is never spent on nothing."""
    nli = SlowNli(clock)
    report = _classifier(nli).classify(CLAIM, COMMENTS, budget_seconds=0.01, budget_batch=4)
    assert len(report.logits) == 4


def test_a_budget_given_as_a_function_is_asked_once_when_nli_starts(clock: FakeClock) -> None:
    """A caller's deadline becomes a budget at the moment NLI starts (after relevance, which may have embedded),
    and that budget governs: 0.105 s at 10 ms a comment reads 10 comments."""
    nli = SlowNli(clock)
    asked: list[int] = []

    def budget() -> float:
        asked.append(nli.pairs)
        return 0.105

    report = _classifier(nli).classify(CLAIM, COMMENTS, budget_seconds=budget, budget_batch=5)
    assert asked == [0]
    assert len(report.logits) == 10
