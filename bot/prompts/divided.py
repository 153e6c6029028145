"""Whether a claim divides the thread, and the two quotes that show it (the last steps of mining.py).

1. The stance pipeline reads the claim against its nearest comments by meaning (at most `neighbours`), as
   `stance` would (`ctx.services.stance.weigh`).
2. A side counts the comments that take it clearly (confidence >= `MIN_CONFIDENCE`; word cues have no
   confidence to speak of), each person once, each point once (a near-duplicate of a counted comment, as in a
   thread captured twice, is not counted again), never the claim's author or a copy of the claim's comment. As in
   Polis, both sides need support: `MIN_SIDE` comments each (a pushback pair: its reply suffices); the score is
   the weaker side's confidence-weighted support, times how much the claim takes a stand.
3. The quotes are checked the other way round: of the clearest `PAIR_CHOICES` comments worth quoting on each
   side, a pair stands only if the pipeline also reads each quote against the other's central sentence as
   disagreeing, and the claim's comment, read against each quote's central sentence, does not take the other
   side; the clearest such pair is shown. A claim with no such pair is left out: its two sides are likely the
   model's mistake (bench/prompt_mining.py; on ArguAna validation debates the reading each way took the share
   of real opposing pairs from about 0.69 to 0.81). A pushback pair was judged directly (reply against parent);
   an agreeing quote shown beside it must disagree with the reply. Word cues (no model) are too crude to check
   anything with; their prompts say they are rough.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.engine.text import content_stems
from bot.prompts.claims import normal, position, worth_quoting
from bot.prompts.universe import Idle, Universe, Vectors
from bot.services import StancePipeline
from bot.sides import Reading
from storage.interface import ArchiveInfo, StoredComment
from storage.pool_store import Judged, PoolItem

MIN_SIDE = 2
DUPLICATE = 0.9
"""Cosine (or, without vectors, share of content words) above which two texts are the same point made twice."""
MIN_CONFIDENCE = 0.6
POSITION_WEIGHT = 0.25
PAIR_CHOICES = 2


@dataclass(slots=True)
class Claim:
    """A candidate claim: a sentence of `comment` (row `row` of the universe), its vector, its prior; a pushback
    pair's claim also has the reply and the pipeline's confidence that it pushes back."""

    comment: StoredComment
    row: int
    text: str
    vector: Vectors | None
    prior: float
    reply: StoredComment | None = None
    strength: float = 0.0
    by_cues: bool = False  # the pushback was judged by word cues (no model installed)

    @property
    def key(self) -> str:
        return f"m:{self.comment.id}:{zlib.crc32(normal(self.text).encode()):08x}"


def stand(text: str) -> float:
    """The factor a claim's stand-taking gives its prior and score: 1 -/+ `POSITION_WEIGHT`."""
    return 1 + POSITION_WEIGHT * max(-1.0, min(1.0, position(text)))


@dataclass(slots=True)
class Divider:
    """Weighs claims over one mining run's universe. `centrals` maps a comment id to its central sentence (the
    sentence a quote is read by in the pair check); `closeness(claim)` ranks the universe for a claim."""

    archive: ArchiveInfo
    pipeline: StancePipeline
    universe: Universe
    centrals: dict[int, str]
    closeness: Callable[[Claim], npt.NDArray[np.float64]]
    gate: Idle
    """Awaited before each step of reading (the miner's turn)."""

    def same(self, one: int, other: int) -> bool:
        """Whether two comments of the universe (by id) are near-duplicates: cosine above `DUPLICATE`, or without
        vectors that share of their content words."""
        rows = self.universe.rows
        if one not in rows or other not in rows or one == other:
            return one == other
        a, b = rows[one], rows[other]
        vectors = self.universe.vectors
        texts = self.universe.comments[a].text, self.universe.comments[b].text
        return same_point(*texts, *((vectors[a], vectors[b]) if vectors is not None else (None, None)))

    def neighbours(self, claim: Claim, limit: int) -> list[int]:
        """Rows of the comments nearest the claim, its own comment left out (a pushback's reply kept)."""
        near = self.closeness(claim)
        order = [int(i) for i in np.argsort(-near, kind="stable") if int(i) != claim.row][:limit]
        if claim.reply is not None:
            reply_row = self.universe.rows[claim.reply.id]
            if reply_row not in order:
                order = [*order[: limit - 1], reply_row]
        return order

    async def weigh(self, claim: Claim, limit: int) -> PoolItem | None:
        """The claim read against its nearest comments, as a pool item if it divides them (module docstring)."""
        rows = self.neighbours(claim, limit)
        comments = [self.universe.comments[r] for r in rows]
        vectors = self.universe.vectors[rows] if self.universe.vectors is not None else None
        weighing = await self.pipeline.weigh(self.archive, claim.text, comments, vectors, self.gate)
        by_id = {c.id: c for c in comments}
        readings = list(weighing.readings)
        if claim.reply is not None:  # the pipeline judged this reply against its parent: the other side
            readings = [r for r in readings if r.comment_id != claim.reply.id]
            readings.append(Reading(claim.reply.id, "disagree", max(claim.strength, MIN_CONFIDENCE), 1.0))
        minimum = 0.0 if weighing.rough else MIN_CONFIDENCE
        sides = counted_sides(readings, by_id, claim.comment, minimum, self.same)
        agree, disagree = sides.get("agree", []), sides.get("disagree", [])
        if claim.reply is None and (len(agree) < MIN_SIDE or len(disagree) < MIN_SIDE):
            return None
        weight = sum(j.confidence for j in agree), sum(j.confidence for j in disagree)
        if claim.reply is not None:
            weight = (weight[0] + 1.0, weight[1])  # the parent's author holds the claim
        pair = await self.pair(claim, quotable(agree, by_id), quotable(disagree, by_id), by_id, weighing.rough)
        if pair is None:
            return None
        return PoolItem(
            key=claim.key,
            rank=0,
            source="mined" if claim.reply is None else "reply",
            comment_id=claim.comment.id,
            claim=claim.text,
            score=round(min(weight) * stand(claim.text), 4),
            rough=weighing.rough or claim.by_cues,
            agree_id=pair[0],
            disagree_id=pair[1],
            judged=tuple(agree + disagree),
        )

    async def pair(
        self,
        claim: Claim,
        agree: list[Judged],
        disagree: list[Judged],
        comments: Mapping[int, StoredComment],
        rough: bool = False,
    ) -> tuple[int | None, int] | None:
        """The quotes to show (agreeing, disagreeing): the clearest pair that passes the checks of step 3. Word
        cues (`rough`, no model) are too crude to check anything: their clearest pair is shown as it is."""
        if rough:
            pushed = claim.reply.id if claim.reply is not None else (disagree[0].comment_id if disagree else None)
            if pushed is None or (claim.reply is None and not agree):
                return None
            return (agree[0].comment_id if agree else None), pushed
        if claim.reply is not None:
            against = claim.reply
            read = await self.labels(against, [comments[j.comment_id] for j in agree[:PAIR_CHOICES]])
            beside = [j.comment_id for j in agree[:PAIR_CHOICES] if read.get(j.comment_id) == "disagree"]
            return (beside[0] if beside else None), against.id
        agree, disagree = agree[:PAIR_CHOICES], disagree[:PAIR_CHOICES]
        if not agree or not disagree:
            return None
        cross: dict[tuple[int, int], str] = {}  # (quote read by, quote read) -> label
        for mine, theirs in ((agree, disagree), (disagree, agree)):
            for j in mine:
                read = await self.labels(comments[j.comment_id], [comments[o.comment_id] for o in theirs])
                cross.update(((j.comment_id, o), label) for o, label in read.items())
        claim_view: dict[int, str] = {}  # quote -> how the claim's comment reads against the quote's sentence
        for j in agree + disagree:
            claim_view[j.comment_id] = (await self.labels(comments[j.comment_id], [claim.comment])).get(
                claim.comment.id, "unrelated"
            )
        confirmed = [
            (a.confidence + d.confidence, a.comment_id, d.comment_id)
            for a, d in itertools.product(agree, disagree)
            if cross.get((a.comment_id, d.comment_id)) == "disagree"
            and cross.get((d.comment_id, a.comment_id)) == "disagree"
            and claim_view[a.comment_id] != "disagree"
            and claim_view[d.comment_id] != "agree"
        ]
        if not confirmed:
            return None
        _, agreeing, disagreeing = max(confirmed)
        return agreeing, disagreeing

    async def labels(self, quote: StoredComment, others: Sequence[StoredComment]) -> dict[int, str]:
        """How the pipeline reads each of `others` against `quote`'s central sentence: comment id -> label."""
        if not others:
            return {}
        sentence = self.centrals.get(quote.id) or quote.text
        rows = [self.universe.rows[c.id] for c in others]
        vectors = self.universe.vectors[rows] if self.universe.vectors is not None else None
        weighing = await self.pipeline.weigh(self.archive, sentence, others, vectors, self.gate)
        return {r.comment_id: r.label for r in weighing.readings}


def quotable(side: Sequence[Judged], comments: Mapping[int, StoredComment]) -> list[Judged]:
    """The side's comments worth quoting, clearest first (confidence, then relevance)."""
    ordered = sorted(side, key=lambda j: (-j.confidence, -j.relevance))
    return [j for j in ordered if j.comment_id in comments and worth_quoting(comments[j.comment_id].text)]


def same_point(
    one: str,
    other: str,
    one_vector: npt.NDArray[np.float32] | None = None,
    other_vector: npt.NDArray[np.float32] | None = None,
) -> bool:
    """Whether two texts make the same point: cosine above `DUPLICATE`, or (without both vectors) that share of
    their content words."""
    if one_vector is not None and other_vector is not None:
        return float(one_vector @ other_vector) > DUPLICATE
    a, b = set(content_stems(one)), set(content_stems(other))
    return bool(a | b) and len(a & b) / len(a | b) > DUPLICATE


def counted_sides(
    readings: Sequence[Reading],
    comments: Mapping[int, StoredComment],
    claim_comment: StoredComment,
    min_confidence: float = MIN_CONFIDENCE,
    same: Callable[[int, int], bool] | None = None,
) -> dict[str, list[Judged]]:
    """The comments that count on each side (step 2 of the module docstring), clearest first. `same(a, b)` says
    whether two comments (by id) are near-duplicates: one that repeats the claim's comment or a comment already
    counted (a thread captured twice, a comment posted again with an edit) is not counted again."""
    counted: list[Judged] = []
    people: set[tuple[str, str]] = set()
    own = normal(claim_comment.text)
    ordered = sorted(readings, key=lambda r: (-r.confidence, -r.relevance))
    for r in ordered:
        comment = comments.get(r.comment_id)
        if r.label not in ("agree", "disagree") or r.confidence < min_confidence or comment is None:
            continue
        if (claim_comment.author and comment.author == claim_comment.author) or normal(comment.text) == own:
            continue
        who = (r.label, comment.author or f"#{comment.id}")
        if who in people:
            continue
        earlier = (claim_comment.id, *(j.comment_id for j in counted))
        if same is not None and any(same(r.comment_id, other) for other in earlier):
            continue
        people.add(who)
        counted.append(Judged(r.comment_id, r.label, r.confidence, r.relevance))
    sides: dict[str, list[Judged]] = {}
    for judged in counted:
        sides.setdefault(judged.label, []).append(judged)
    return sides
