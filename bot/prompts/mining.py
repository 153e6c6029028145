"""Mining an archive for its disagreements: the prompt pool's claims, each with the comments on each side.

1. The comments read (universe.py): the whole archive, or neighbourhoods of a big one; with vectors.
2. Candidate claims (claims.py): of each comment worth quoting, its central sentence that takes a position,
   verbatim, and (with the bound's room left) its next such sentence (`OTHER_CLAIMS`). A reply the stance
   pipeline judges to push back on its parent (`pushback`, the model; word cues only without one) makes the
   parent's sentence closest to the reply a candidate too, with the reply on its other side.
3. A cheap prior orders the candidates for the model's time: how many comments are about the claim at all
   (cosine, or shared words without models; fewer than 2 x `MIN_SIDE` and it cannot divide them) and how much it
   takes a stand; near-duplicates (the same point twice: identical, or `divided.same_point`) collapse into the
   first.
4. Each chosen claim is weighed (divided.py): read by the stance pipeline against its nearest comments, kept if
   both sides have support, as in Polis, and the two quotes shown read as opposed to each other too. Of the
   disagreements kept, one per claim's comment and per pair of quotes, the best.
5. The much-replied and quotable comments join the pool for the other turns and as the fallback.
Every step is bounded (`Bounds`) and waits while a command runs or an answer completes itself in place.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.context import Context
from bot.engine.loader import Engine
from bot.engine.text import content_stems
from bot.prompts.claims import claim_sentences, claims_of, normal, worth_quoting
from bot.prompts.divided import MIN_SIDE, Claim, Divider, same_point, stand
from bot.prompts.pushback import THRESHOLD, cue_score, eligible
from bot.prompts.universe import Idle, Universe, embed_universe, gather, warm_sentences
from bot.services import StancePipeline
from storage.interface import ArchiveInfo, StoredComment
from storage.pool_store import PoolItem
from storage.prompt_store import ReplyPair

log = logging.getLogger(__name__)

NEAR = 0.37
"""Cosine at which a comment counts as about a claim for the prior: the engine's relevance gate, but over the
whole comment only (the gate itself also reads its sentences)."""
LEXICAL_NEAR = 0.3
"""The same without models: the share of the claim's content words a comment has."""
OTHER_CLAIMS = 1
"""Claim sentences of a comment weighed besides its central one (when the bound has room): a comment may make
two points, and the thread may argue about the other one. On 30 ArguAna test debates this found 62 pairs, 0.871
of them opposing, against 34 and 0.971 with central sentences only; but without it the bundled sample has no
disagreement at all, its one real one being a comment's second point (bench/README_engine.md, section 7)."""
PROGRESS_SECONDS = 15.0
SPLIT_CHUNK = 32
DISCUSSED_LIMIT = 200
QUOTE_LIMIT = 200
QUOTE_CHARS = (80, 700)


@dataclass(frozen=True, slots=True)
class Bounds:
    """How much one mining run may do: comments read, claims weighed, comments per claim, reply pairs judged,
    and seconds of its own work (after which it keeps what it has; time spent waiting for members is not
    counted, so a busy channel delays mining but does not cut it short)."""

    universe: int = 1000
    seeds: int = 40
    neighbourhood: int = 24
    claims: int = 48
    neighbours: int = 24
    pairs: int = 128
    seconds: float = 480.0


@dataclass(slots=True)
class Mined:
    """What one run found: pool items (best disagreements first, then discussed and quotable comments)."""

    items: list[PoolItem]
    comments_read: int
    claims_weighed: int
    complete: bool
    seconds: float
    rough: bool


@dataclass(slots=True)
class _Progress:
    """Logs a line every `PROGRESS_SECONDS`: where a long mining run is."""

    archive: ArchiveInfo
    started: float = field(default_factory=time.perf_counter)
    last: float = field(default_factory=time.perf_counter)

    def note(self, what: str, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self.last >= PROGRESS_SECONDS:
            self.last = now
            log.info("mining `%s` (%s comments): %s (%.0f s)", self.archive.name, f"{self.archive.comment_count:,}",
                     what, now - self.started)  # fmt: skip


@dataclass(slots=True)
class _Clock:
    """Mining's own time: wall time less its waits at `gate`. The miner yields to members (commands, and answers
    completing themselves in place, which a member is watching), and those waits must not use up its bound."""

    gate: Idle
    start: float = field(default_factory=time.perf_counter)
    waited: float = 0.0

    async def turn(self) -> None:
        """Wait at the gate, and leave the wait out of the working time."""
        before = time.perf_counter()
        await self.gate()
        self.waited += time.perf_counter() - before

    def worked(self) -> float:
        return time.perf_counter() - self.start - self.waited

    def past(self, seconds: float) -> bool:
        return self.worked() > seconds


class _Words:
    """Content-word sets of the universe, for the no-model prior and neighbours."""

    def __init__(self, comments: Sequence[StoredComment]) -> None:
        self.sets = [set(content_stems(c.text)) for c in comments]

    def coverage(self, claim: str) -> npt.NDArray[np.float64]:
        wanted = set(content_stems(claim))
        if not wanted:
            return np.zeros(len(self.sets), dtype=np.float64)
        return np.array([len(wanted & s) / len(wanted) for s in self.sets], dtype=np.float64)


@dataclass(slots=True)
class _Closeness:
    """How close each comment of the universe is to a claim: cosine, or shared words without vectors."""

    universe: Universe
    words: _Words | None

    def __call__(self, claim: Claim) -> npt.NDArray[np.float64]:
        if self.universe.vectors is not None and claim.vector is not None:
            return (self.universe.vectors @ claim.vector).astype(np.float64)
        assert self.words is not None
        return self.words.coverage(claim.text)


async def mine(
    ctx: Context, archive: ArchiveInfo, pipeline: StancePipeline, bounds: Bounds | None = None
) -> Mined:
    """The archive's pool, within `bounds`."""
    bounds = bounds or Bounds()
    progress = _Progress(archive)
    clock = _Clock(pipeline.quiet)
    engine = await ctx.services.load_engine()
    universe = await gather(ctx, archive, bounds.universe, bounds.seeds, bounds.neighbourhood)
    pairs = await _reply_pairs(ctx, archive, bounds.pairs)
    universe.add([c for pair in pairs for c in (pair.parent, pair.reply)])
    progress.note(f"reading {len(universe.comments)} comments ({universe.duplicates} duplicates left out)", True)
    await embed_universe(ctx, engine, universe, clock.turn, lambda: clock.past(0.4 * bounds.seconds))
    closeness = _Closeness(universe, None if universe.vectors is not None else _Words(universe.comments))
    ready: set[str] = set()
    sentences = await _claim_sentences(universe.comments, clock.turn)
    if universe.vectors is not None:
        windows = await asyncio.to_thread(lambda: [t for c in universe.comments for t in engine.stance.window_texts(c.text)])
        texts = windows + [t for found in sentences.values() for t in found]
        ready = await warm_sentences(engine, texts, clock.turn, lambda: clock.past(0.65 * bounds.seconds))
    progress.note("claims next")
    claims, centrals = await _claims(engine, universe, closeness, sentences, ready, bounds)
    pushed = await _pushbacks(engine, pipeline, universe, pairs, sentences)
    chosen = _choose(pushed + claims, bounds.claims)
    divider = Divider(archive, pipeline, universe, centrals, closeness, clock.turn)
    items: list[PoolItem] = []
    weighed = 0
    for claim in chosen:
        if clock.past(bounds.seconds):
            break
        item = await divider.weigh(claim, bounds.neighbours)
        weighed += 1
        if item is not None:
            items.append(item)
        progress.note(f"weighed {weighed} of {len(chosen)} claims, {len(items)} disagreements so far")
    items.sort(key=lambda item: -item.score)
    disagreements = [_ranked(item, rank) for rank, item in enumerate(_distinct(items))]
    others = await _others(ctx, archive, {i.comment_id for i in disagreements})
    seconds = time.perf_counter() - clock.start
    complete = weighed == len(chosen) and not clock.past(bounds.seconds)
    progress.note(f"done: {len(disagreements)} disagreements from {weighed} claims"
                  + ("" if complete else " (bounded: stopped early)")
                  + f"; {clock.waited:.0f} s of it waiting for members", True)  # fmt: skip
    rough = engine.rough or any(item.rough for item in items)
    return Mined(disagreements + others, len(universe.comments), weighed, complete, seconds, rough)


def _distinct(items: list[PoolItem]) -> list[PoolItem]:
    """The disagreements (best first) that show something new: one per claim's comment (two sentences of one
    comment that both divide the thread are one prompt) and one per pair of quotes."""
    kept: list[PoolItem] = []
    comments: set[int] = set()
    pairs: set[tuple[int | None, int | None]] = set()
    for item in items:
        pair = (item.agree_id, item.disagree_id)
        if item.comment_id in comments or pair in pairs:
            continue
        comments.add(item.comment_id)
        pairs.add(pair)
        kept.append(item)
    return kept


def _ranked(item: PoolItem, rank: int) -> PoolItem:
    return PoolItem(item.key, rank, item.source, item.comment_id, item.claim, item.score, item.rough,
                    item.agree_id, item.disagree_id, item.judged)  # fmt: skip


async def _reply_pairs(ctx: Context, archive: ArchiveInfo, limit: int) -> list[ReplyPair]:
    """Reply pairs worth a prompt (a quotable claim and reply by two people), newest first, at most `limit`."""
    if limit <= 0 or not await ctx.stores.prompts.has_replies(archive.id):
        return []
    pairs = await ctx.stores.prompts.reply_pairs(archive.id, None, limit * 4)

    def good(pair: ReplyPair) -> bool:
        parent, reply = pair.parent.text, pair.reply.text
        return eligible(pair) and worth_quoting(parent) and worth_quoting(reply) and bool(claim_sentences(parent))

    kept = await asyncio.to_thread(lambda: [p for p in pairs if good(p)])  # pure Python: off the event loop
    return kept[:limit]


async def _claim_sentences(comments: Sequence[StoredComment], idle: Idle) -> dict[int, list[str]]:
    """Each comment's claim sentences (none if it is not worth quoting), found in a worker thread a chunk at a
    time: sentence splitting is pure Python, and the event loop has commands to answer."""

    def chunk(part: Sequence[StoredComment]) -> dict[int, list[str]]:
        return {c.id: claim_sentences(c.text) if worth_quoting(c.text) else [] for c in part}

    found: dict[int, list[str]] = {}
    for start in range(0, len(comments), SPLIT_CHUNK):
        await idle()
        found.update(await asyncio.to_thread(chunk, comments[start : start + SPLIT_CHUNK]))
    return found


async def _claims(
    engine: Engine,
    universe: Universe,
    closeness: _Closeness,
    claim_texts: dict[int, list[str]],
    ready: set[str],
    bounds: Bounds,
) -> tuple[list[Claim], dict[int, str]]:
    """The quotable comments' claim sentences that can divide the thread, with their prior: every comment's
    central one (best first), then up to `OTHER_CLAIMS` more of each (best first), so the central claims are
    weighed first and the others with the bound's room left; and every quotable comment's central sentence by
    comment id (see the module docstring)."""
    centrals: dict[int, str] = {}
    found: list[Claim] = []
    others: list[Claim] = []
    vectors_of = universe.vectors
    for row, comment in enumerate(universe.comments):
        sentences = claim_texts.get(comment.id, [])
        if not sentences or (vectors_of is not None and not all(s in ready for s in sentences)):
            continue
        vectors = None
        if vectors_of is not None:
            vectors = await asyncio.to_thread(engine.stance.sentence_vectors, sentences)
        ranked = claims_of(sentences, vectors, vectors_of[row] if vectors_of is not None else None)
        centrals[comment.id] = sentences[ranked[0]]
        for rank, index in enumerate(ranked[: 1 + OTHER_CLAIMS]):
            claim = Claim(comment, row, sentences[index], None if vectors is None else vectors[index], 0.0)
            near = closeness(claim)
            near[row] = 0.0
            density = int((near >= (NEAR if claim.vector is not None else LEXICAL_NEAR)).sum())
            if density < 2 * MIN_SIDE:
                continue
            claim.prior = min(density, bounds.neighbours) * stand(claim.text)
            (found if rank == 0 else others).append(claim)
    return sorted(found, key=lambda c: -c.prior) + sorted(others, key=lambda c: -c.prior), centrals


async def _pushbacks(
    engine: Engine,
    pipeline: StancePipeline,
    universe: Universe,
    pairs: list[ReplyPair],
    claim_texts: dict[int, list[str]],
) -> list[Claim]:
    """Claims from replies the pipeline judges to push back on their parent (the model; word cues only without
    one), strongest first, one per parent: the parent's sentence closest to the reply."""
    pairs = [p for p in pairs if p.parent.id in universe.rows and p.reply.id in universe.rows]
    if not pairs:
        return []
    scores = await pipeline.pushback(pairs, background=True)
    by_cues = scores is None
    if scores is None:
        scores = [cue_score(p.reply.text) for p in pairs]
    best: dict[int, tuple[ReplyPair, float]] = {}
    for pair, score in zip(pairs, scores, strict=True):
        if score >= THRESHOLD and score > best.get(pair.parent.id, (pair, -1.0))[1]:
            best[pair.parent.id] = (pair, score)
    found: list[Claim] = []
    for pair, score in sorted(best.values(), key=lambda b: -b[1]):
        sentences = claim_texts.get(pair.parent.id) or claim_sentences(pair.parent.text)
        row = universe.rows[pair.parent.id]
        reply_row = universe.rows[pair.reply.id]
        if universe.vectors is not None:
            vectors = await asyncio.to_thread(engine.stance.sentence_vectors, sentences)
            index = int(np.argmax(vectors @ universe.vectors[reply_row]))
            vector = vectors[index]
        else:
            reply_words = set(content_stems(pair.reply.text))
            index = max(range(len(sentences)), key=lambda i: (len(reply_words & set(content_stems(sentences[i]))), -i))
            vector = None
        found.append(Claim(pair.parent, row, sentences[index], vector, float("inf"), pair.reply, score, by_cues))
    return found


def _choose(claims: list[Claim], limit: int) -> list[Claim]:
    """The first `limit` claims that are not near-duplicates of one chosen before (pushback claims first)."""
    chosen: list[Claim] = []
    seen: set[str] = set()
    for claim in claims:
        if len(chosen) >= limit:
            break
        key = normal(claim.text)
        if key in seen:
            continue
        if any(same_point(c.text, claim.text, c.vector, claim.vector) for c in chosen):
            continue
        seen.add(key)
        chosen.append(claim)
    return chosen


async def _others(ctx: Context, archive: ArchiveInfo, claimed: set[int]) -> list[PoolItem]:
    """The archive's much-replied comments (if it has replies) and its quotable ones: the prompts of the other
    turns and, when no disagreement is left, the fallback. Never a comment a disagreement already quotes as
    its claim, never chatter."""
    store = ctx.stores.prompts
    found: list[PoolItem] = []
    taken = set(claimed)

    async def quotable(comments: list[StoredComment]) -> set[int]:
        return await asyncio.to_thread(lambda: {c.id for c in comments if worth_quoting(c.text)})

    if await store.has_replies(archive.id):
        replied = await store.most_replied(archive.id, ctx.settings.prompt_min_replies, DISCUSSED_LIMIT)
        fit = await quotable([comment for comment, _ in replied])
        for rank, (comment, replies) in enumerate(replied):
            if comment.id in taken or comment.id not in fit:
                continue
            taken.add(comment.id)
            found.append(PoolItem(f"q:{comment.id}", rank, "discussed", comment.id, "", float(replies), False,
                                  None, None, ()))  # fmt: skip
    low, high = QUOTE_CHARS
    notable = await store.notable(archive.id, low, high, QUOTE_LIMIT)
    fit = await quotable(notable)
    for rank, comment in enumerate(notable):
        if comment.id in taken or comment.id not in fit:
            continue
        taken.add(comment.id)
        found.append(PoolItem(f"q:{comment.id}", rank, "quote", comment.id, "", 0.0, False, None, None, ()))
    return found
