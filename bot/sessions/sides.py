"""The archive's sides on a session's claim: one quote for it, one against, and how many lean each way.

This is the seam to the stance engine (bot/engine). `ctx.services["stance"]` decides when it offers either
- `session_sides(archive, claim)`, a coroutine returning `ArchiveSides` (a service written for sessions), or
- `classify(claim, texts)` like `bot.engine.StanceClassifier` (or an `Engine` whose `.stance` is one): it then
  classifies the BM25 candidates, in a worker thread since it is CPU-bound.
Otherwise a BM25 search (`ctx.store.search`) finds the comments on the claim and crude word cues ("agree",
"not", "wrong") split them; replies then say the sides are rough.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.context import Context
from storage.interface import ArchiveInfo, SearchHit, StoredComment

log = logging.getLogger(__name__)

SERVICE = "stance"
CANDIDATES = 50
_WORD = re.compile(r"[\w']+|\+1")
FOR_CUES = frozenset(
    "agree agreed agrees exactly yes yep right true indeed definitely precisely absolutely correct +1 "
    "convincing convinced persuasive spot-on".split()
)
AGAINST_CUES = frozenset(
    "not no never nope wrong disagree disagreed doubt doubtful nonsense false unlikely overrated hardly "
    "isn't aren't don't doesn't won't can't cannot wasn't weren't shouldn't myth flawed misleading "
    "fails unconvincing overblown".split()
)


@dataclass(frozen=True, slots=True)
class ArchiveSides:
    """What the archive says on a claim. `rough` means word cues, not a stance model, chose the sides."""

    archive: str
    matching: int  # comments considered (the best matches, at most CANDIDATES for the fallback)
    agree: StoredComment | None
    disagree: StoredComment | None
    agree_count: int
    disagree_count: int
    rough: bool

    @property
    def unclear_count(self) -> int:
        return max(0, self.matching - self.agree_count - self.disagree_count)

    def summary(self) -> str:
        """`Archive `sample`: 12 for, 8 against, 30 unclear (of 50 best matches; rough: word cues)`."""
        if self.matching == 0:
            return f"Archive `{self.archive}`: no comment matches the claim."
        counts = f"{self.agree_count} for, {self.disagree_count} against, {self.unclear_count} unclear"
        if self.rough:
            how = f"of the {self.matching} best matches; rough: sorted by word cues, not a stance model"
        else:
            how = f"of {self.matching} comments on the claim"
        return f"Archive `{self.archive}`: {counts} ({how})."


@runtime_checkable
class SessionStance(Protocol):
    """What the stance engine offers sessions, registered as `ctx.services["stance"]`."""

    async def session_sides(self, archive: ArchiveInfo, claim: str) -> ArchiveSides: ...


class StanceJudgement(Protocol):
    """One comment's stance, as `bot.engine.StanceResult` gives it."""

    @property
    def index(self) -> int: ...
    @property
    def stance(self) -> str: ...  # "agree", "disagree", "neutral" or "unrelated"
    @property
    def confidence(self) -> float: ...


class StanceJudgements(Protocol):
    @property
    def results(self) -> Sequence[StanceJudgement]: ...
    @property
    def rough(self) -> bool: ...


@runtime_checkable
class StanceClassifierLike(Protocol):
    """`bot.engine.StanceClassifier`: synchronous, CPU-bound."""

    def classify(self, claim: str, comments: list[str]) -> StanceJudgements: ...


def _classifier(service: object) -> StanceClassifierLike | None:
    if isinstance(service, StanceClassifierLike):
        return service
    inner = getattr(service, "stance", None)  # an `Engine` carries its classifier as `.stance`
    return inner if isinstance(inner, StanceClassifierLike) else None


async def archive_sides(ctx: Context, archive: ArchiveInfo, claim: str) -> ArchiveSides:
    """The stance engine's answer when it is there and works; the rough lexical split otherwise."""
    service = ctx.services.get(SERVICE)
    try:
        if isinstance(service, SessionStance):
            return await service.session_sides(archive, claim)
        classifier = _classifier(service)
        if classifier is not None:
            return await classified_sides(ctx, classifier, archive, claim)
    except Exception:
        log.exception("the stance service failed; using the rough word-cue sides")
    return await rough_sides(ctx, archive, claim)


async def classified_sides(
    ctx: Context, classifier: StanceClassifierLike, archive: ArchiveInfo, claim: str
) -> ArchiveSides:
    """The engine's stance of the best BM25 matches; each side's quote is its most confident comment."""
    hits = await ctx.store.search([archive.id], claim, CANDIDATES)
    report = await asyncio.to_thread(classifier.classify, claim, [hit.comment.text for hit in hits])
    sides: dict[str, list[StanceJudgement]] = {"agree": [], "disagree": []}
    related = 0
    for result in report.results:
        related += result.stance != "unrelated"
        if result.stance in sides:
            sides[result.stance].append(result)

    def best(stance: str) -> StoredComment | None:
        found = sorted(sides[stance], key=lambda r: (-r.confidence, r.index))
        return hits[found[0].index].comment if found else None

    return ArchiveSides(
        archive=archive.name,
        matching=related,
        agree=best("agree"),
        disagree=best("disagree"),
        agree_count=len(sides["agree"]),
        disagree_count=len(sides["disagree"]),
        rough=report.rough,
    )


def lean(text: str) -> int:
    """+1 if a comment's words lean towards agreeing, -1 towards disagreeing, 0 if unclear."""
    words = [w.casefold() for w in _WORD.findall(text.replace("\u2019", "'"))]
    score = sum(w in FOR_CUES for w in words) - sum(w in AGAINST_CUES or w.endswith("n't") for w in words)
    return int(score > 0) - int(score < 0)


async def rough_sides(ctx: Context, archive: ArchiveInfo, claim: str) -> ArchiveSides:
    hits: list[SearchHit] = await ctx.store.search([archive.id], claim, CANDIDATES)
    leans = [(hit, lean(hit.comment.text)) for hit in hits]
    agreeing = [hit.comment for hit, side in leans if side > 0]
    disagreeing = [hit.comment for hit, side in leans if side < 0]
    return ArchiveSides(
        archive=archive.name,
        matching=len(hits),
        agree=agreeing[0] if agreeing else None,
        disagree=disagreeing[0] if disagreeing else None,
        agree_count=len(agreeing),
        disagree_count=len(disagreeing),
        rough=True,
    )
