"""`stance` and `counter`: where the thread stands on a claim, and the comment that best argues against it.

Both read the archive's comments most relevant to the claim (hybrid retrieval, bot/retrieval: BM25 fused with
stored sentence vectors, at most `CANDIDATES`) and run the engine (bot/engine) on them in a worker thread. The engine loads once per process, lazily, and is kept in
`ctx.services["engine"]`; with no model installed it falls back to word-based guesses and the reply says so.

The NLI model's z per (model and calibration, claim, comment) is kept in SQLite, so a repeated claim (in this
process or the next) only runs the model on comments it has not seen. Moderators' fixes (`stance fix`, in
stance_feedback.py) override the engine's label in every count and counter choice; members' votes show beside.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from functools import partial

import numpy as np

from bot.archive_choice import ARCHIVE_OPTION, resolve_archive
from bot.claims import remember_claim, stance_store
from bot.context import Context
from bot.engine.counter import CounterReport
from bot.engine.loader import Engine
from bot.engine.service import get_engine
from bot.engine.stance import StanceReport, lexical_polarity
from bot.errors import UsageError
from bot.features import stance_feedback
from bot.features.quote import to_quote
from bot.features.stance_cache import cached_by_index, remember_new
from bot.features.stance_feedback import Label, fixed_labels, members_tally
from bot.features.stance_reading import Candidates, reading
from bot.models import (
    Command,
    CounterCandidateRef,
    CounterReply,
    MemberVotes,
    Quote,
    Reply,
    StanceCounts,
    StanceItem,
    StanceReply,
)
from bot.registry import Option, Param, Registry
from bot.retrieval import retrieve
from bot.retrieval.cache import FloatMatrix
from bot.retrieval.indexer import embed_and_store
from bot.retrieval.search import hit_vectors, vector_store
from bot.times import now_iso
from storage.interface import ArchiveInfo, SearchHit, StoredComment
from storage.stance_store import claim_key

commands = Registry()
commands.extend(stance_feedback.commands)

CANDIDATES = 200
EMBED_NOW = 64
EMBED_SECONDS = 0.5
EMBED_ALWAYS = 32
EMBED_BATCH = 8
STANCE_SECONDS = 2.0
NLI_BUDGET_SECONDS = 1.5
MIN_NLI_SECONDS = 0.5
"""A `stance` call runs NLI until about `STANCE_SECONDS` have passed since the command began (at least
`MIN_NLI_SECONDS`, at most `NLI_BUDGET_SECONDS`), so a new claim answers in 2-3 s on 2 cores even when
retrieval had to embed; the comments left are read in the background (stance_reading.py) and cached."""
READING_NOTE = "{count} more comments are being read now; ask again in a few seconds to count them too."
NOT_READ_NOTE = "{count} more on-topic comments were not read in time; ask again to count them too."
UNINDEXED_NOTE = (
    "{count} more matching comments are still being indexed and were left out; ask again shortly for a fuller "
    "count."
)
COUNTER_LIST = 10
ALL_OPTION = Option("all", "List every comment with its label and score")
NO_COUNTER = "I found no comment that argues against that."
LEXICAL_COUNTER_COVERAGE = 0.4
ROUGH_COUNTER = "Rough: no NLI model is installed, so counters are keyword matches only."


async def _candidates(
    ctx: Context, archive_id: int, claim: str, embed_now: int
) -> tuple[list[SearchHit], FloatMatrix | None, list[SearchHit]]:
    """The comments to judge (hybrid retrieval, best first), their vectors, and the hits left out.

    Vectors come from storage; the indexer fills them in the background after an import. Until it has reached
    these comments, the command embeds those it needs, best first: all of them when they are few (up to
    `EMBED_ALWAYS`: a small thread, once), else for at most `EMBED_SECONDS` (a long comment takes 30-70 ms), so
    a fresh 100k archive still answers within the platforms' patience. At most `embed_now` either way; the rest
    are left out (and embedded after the reply, stance_reading.py, or by the indexer).
    """
    hits = (await retrieve(ctx, [archive_id], claim, CANDIDATES)).hits
    store = vector_store(ctx)
    embedder = (await get_engine(ctx)).embedder if store is not None and hits else None
    if store is None or embedder is None:
        return hits, None, []
    stored = await store.vectors([h.comment.id for h in hits])
    missing = [h for h in hits if h.comment.id not in stored][:embed_now]
    seconds = float("inf") if len(missing) <= EMBED_ALWAYS else EMBED_SECONDS
    started = time.perf_counter()
    embedded: set[int] = set()
    while missing and time.perf_counter() - started < seconds:
        batch, missing = missing[:EMBED_BATCH], missing[EMBED_BATCH:]
        await embed_and_store(store, embedder, [h.comment.id for h in batch], [h.comment.text for h in batch])
        embedded.update(h.comment.id for h in batch)
    have = stored.keys() | embedded
    kept = [h for h in hits if h.comment.id in have]
    left_out = [h for h in hits if h.comment.id not in have]
    return kept, await hit_vectors(store, embedder, kept, {}), left_out


def _being_read(ctx: Context, archive_id: int, key: str, identity: str | None) -> bool:
    """Whether the background reader is at this claim: then a command answers from the cache and adds no work
    (no embedding, no NLI of its own), since the cache only grows."""
    return identity is not None and reading(ctx).reading_now(archive_id, key, identity)


def _claim(command: Command) -> str:
    claim = command.text
    if not claim:
        raise UsageError(
            "Say which claim to check.", hint=f"For example: `{command.name} remote work is better`"
        )
    return claim


async def _classify(
    ctx: Context,
    engine: Engine,
    claim: str,
    key: str,
    hits: list[SearchHit],
    vectors: FloatMatrix | None,
    budget_seconds: float,
    identities: tuple[str | None, str | None],
) -> StanceReport:
    """The engine's stance report, with cached relevance and z from SQLite and the new ones stored back."""
    store = stance_store(ctx)
    nli_identity, relevance_identity = identities
    ids = [h.comment.id for h in hits]
    known_z = await cached_by_index(store.cached_logits, nli_identity, key, ids)
    known_rel = await cached_by_index(store.cached_relevance, relevance_identity, key, ids)
    report: StanceReport = await asyncio.to_thread(
        partial(
            engine.stance.classify,
            claim,
            [h.comment.text for h in hits],
            embeddings=vectors,
            known_logits=known_z,
            known_relevance=known_rel,
            budget_seconds=budget_seconds,
        )
    )
    await remember_new(store.store_logits, nli_identity, key, ids, report.logits, known_z)
    await remember_new(store.store_relevance, relevance_identity, key, ids, report.relevance, known_rel)
    return report


def _nli_budget(started: float) -> float:
    """NLI seconds left for a `stance` call that started at `started` (perf_counter): what keeps the whole
    command near `STANCE_SECONDS`, within [`MIN_NLI_SECONDS`, `NLI_BUDGET_SECONDS`]."""
    left = STANCE_SECONDS - (time.perf_counter() - started)
    return min(NLI_BUDGET_SECONDS, max(MIN_NLI_SECONDS, left))


def _read_later(
    ctx: Context,
    engine: Engine,
    claim: str,
    key: str,
    archive_id: int,
    identity: str,
    found: tuple[list[SearchHit], FloatMatrix | None, list[SearchHit]],
    report: StanceReport | None,
) -> bool:
    """Hand what the reply left (comments unread, or left out for want of a vector) to the background reader."""
    hits, vectors, left_out = found
    candidates = Candidates(
        ids=[h.comment.id for h in hits],
        texts=[h.comment.text for h in hits],
        vectors=vectors,
        left_out=[(h.comment.id, h.comment.text) for h in left_out],
    )
    unread = (len(report.late) if report else 0) + len(left_out)
    logits, relevance = (report.logits, report.relevance) if report else ({}, {})
    return reading(ctx).submit(engine, archive_id, key, identity, claim, candidates, unread, logits, relevance)


def _identities(engine: Engine) -> tuple[str | None, str | None]:
    """Cache identities of the engine's z and relevance (hashing the model files once; worker thread)."""
    return engine.stance.logit_identity(), engine.stance.relevance_identity()


@dataclass(frozen=True)
class _Counted:
    """One comment in a stance count: the engine's label, or a moderator's (`fixed`)."""

    comment: StoredComment
    highlighted: str | None
    label: Label
    score: float
    relevance: float
    fixed: bool = False


def _engine_rows(hits: list[SearchHit], report: StanceReport, fixes: dict[int, Label]) -> list[_Counted]:
    rows = []
    for r in report.results:
        hit = hits[r.index]
        fixed = fixes.get(hit.comment.id)
        if fixed is not None:
            rows.append(_Counted(hit.comment, hit.highlighted, fixed, 1.0, r.relevance, fixed=True))
        else:
            rows.append(_Counted(hit.comment, hit.highlighted, r.stance, r.confidence, r.relevance))
    return rows


async def _fixed_rows(ctx: Context, fixes: dict[int, Label], counted: set[int]) -> list[_Counted]:
    """Fixed comments the engine did not label (not retrieved, or not scored): they count with their fix."""
    missing = [comment_id for comment_id in fixes if comment_id not in counted]
    found = await ctx.store.get_comments(missing) if missing else []
    return [_Counted(c, None, fixes[c.id], 1.0, 0.0, fixed=True) for c in found]


@commands.command(
    "stance",
    param=Param("claim", "the claim to check against the thread", required=True, choices_from="claims"),
    options=[ALL_OPTION, ARCHIVE_OPTION],
    slow=True,
)
async def stance(ctx: Context, command: Command) -> Reply:
    """How the thread's comments stand toward a claim: how many agree, disagree, are neutral or off topic.

    Shows the clearest quote on each side and the members' votes (`stance vote`); `--all` lists every comment
    considered with its number, label and score. Labels a moderator set with `stance fix` replace the engine's.
    """
    async with reading(ctx).command():  # background reading waits: this answer gets both cores
        return await _stance(ctx, command)


async def _stance(ctx: Context, command: Command) -> Reply:
    started = time.perf_counter()
    claim = _claim(command)
    archive = await resolve_archive(ctx, command)
    space = command.place.space_key
    claim_id = await remember_claim(ctx, space, claim)
    key = claim_key(claim)
    engine = await get_engine(ctx)
    identities = await asyncio.to_thread(_identities, engine)
    identity = identities[0]
    being_read = _being_read(ctx, archive.id, key, identity)
    found = await _candidates(ctx, archive.id, claim, embed_now=0 if being_read else EMBED_NOW)
    hits, vectors, left_out = found
    fixes = await fixed_labels(ctx, space, key, archive.id)
    members = await members_tally(ctx, space, key)
    if not hits and not fixes and not left_out:
        return StanceReply(
            claim=claim,
            claim_id=claim_id,
            archive=archive.name,
            members=members,
            note=f"Nothing in the archive `{archive.name}` mentions \u201c{claim[:200]}\u201d.",
        )
    rows: list[_Counted] = []
    notes: list[str] = []
    report: StanceReport | None = None
    late: list[int] = []
    if hits:
        budget = 0.0 if being_read else _nli_budget(started)
        report = await _classify(ctx, engine, claim, key, hits, vectors, budget, identities)
        rows = _engine_rows(hits, report, fixes)
        notes = [report.note] if report.note else []
        late = [i for i in report.late if hits[i].comment.id not in fixes]
        unscored = [i for i in report.unscored if hits[i].comment.id not in fixes]
        if len(unscored) > len(late):
            notes.append(f"{len(unscored) - len(late)} more on-topic comments were not scored (too many to read).")
    if being_read and identity is not None:
        notes.append(READING_NOTE.format(count=max(reading(ctx).unread(archive.id, key, identity), 1)))
    else:
        submitted = bool(late or left_out) and identity is not None and _read_later(
            ctx, engine, claim, key, archive.id, identity, found, report
        )
        if left_out:
            notes.append(UNINDEXED_NOTE.format(count=len(left_out)))
        if late:
            notes.append((READING_NOTE if submitted else NOT_READ_NOTE).format(count=len(late)))
    rough = report is not None and report.rough
    rows += await _fixed_rows(ctx, fixes, {row.comment.id for row in rows})
    return _stance_reply(
        claim, claim_id, archive, rows, members, rough, notes, bool(command.options.get("all"))
    )


def _stance_reply(
    claim: str,
    claim_id: int,
    archive: ArchiveInfo,
    rows: list[_Counted],
    members: MemberVotes | None,
    rough: bool,
    notes: list[str],
    list_all: bool,
) -> StanceReply:
    def best(label: str) -> Quote | None:
        top = max((r for r in rows if r.label == label), key=lambda r: (r.score, r.relevance), default=None)
        return None if top is None else to_quote(top.comment, top.highlighted)

    counts = {label: sum(r.label == label for r in rows) for label in _ORDER}
    on_topic = [r.score for r in rows if r.label != "unrelated"]
    items = [
        StanceItem(comment_id=r.comment.id, text=r.comment.text, label=r.label, score=r.score)
        for r in sorted(rows, key=lambda r: (_ORDER[r.label], -r.score))
    ]
    return StanceReply(
        claim=claim,
        claim_id=claim_id,
        archive=archive.name,
        counts=StanceCounts(**counts),
        agree=best("agree"),
        disagree=best("disagree"),
        confidence=float(np.mean(on_topic)) if on_topic else None,
        rough=rough,
        note=" ".join(notes) or None,
        items=items if list_all else [],
        members=members,
        fixed_ids=sorted(r.comment.id for r in rows if r.fixed),
    )


_ORDER = {"agree": 0, "disagree": 1, "neutral": 2, "unrelated": 3}


@dataclass(frozen=True)
class _Counters:
    report: CounterReport
    eligible: list[int]  # indices into the hits, best first: related and leaning against the claim


def _rank_counters(
    engine: Engine, claim: str, texts: list[str], known: dict[int, float], vectors: FloatMatrix | None
) -> _Counters:
    """Rank counterarguments and keep only those that are on topic and lean against the claim (worker thread)."""
    embeddings = vectors
    if embeddings is None and engine.embedder is not None:
        embeddings = engine.embedder.embed(texts)
    report = engine.counter.rank(
        claim,
        texts,
        embeddings=embeddings,
        lexical_ranking=list(range(len(texts))),
        limit=COUNTER_LIST,
        known_logits=known,
    )
    relevance, threshold = engine.stance.relevance(claim, texts, embeddings)
    if engine.embedder is None:  # word overlap only: a counter must share at least this much of the claim
        threshold = max(threshold, LEXICAL_COUNTER_COVERAGE)
    eligible = []
    for cand in report.candidates:
        if relevance[cand.index] < threshold:
            continue
        if cand.disagree_probability is not None:
            if cand.disagree_probability <= 0.5:
                continue
        elif lexical_polarity(claim, texts[cand.index]) >= 0:
            continue
        eligible.append(cand.index)
    return _Counters(report, eligible)


@dataclass(frozen=True)
class Offer:
    """A comment that may be offered as a counter."""

    comment: StoredComment
    highlighted: str | None
    score: float | None


async def _offers(
    ctx: Context, hits: list[SearchHit], ranked: _Counters | None, fixes: dict[int, Label]
) -> list[Offer]:
    """Eligible counters best first: the engine's, minus comments fixed as anything but disagree, plus every
    comment fixed as disagree (ranked ones in their place, the rest after)."""
    offers: list[Offer] = []
    if ranked is not None:
        engine_ok = set(ranked.eligible)
        for cand in ranked.report.candidates:
            comment = hits[cand.index].comment
            fixed = fixes.get(comment.id)
            if fixed == "disagree" or (fixed is None and cand.index in engine_ok):
                offers.append(Offer(comment, hits[cand.index].highlighted, cand.score))
    offered = {o.comment.id for o in offers}
    extra = [cid for cid, label in fixes.items() if label == "disagree" and cid not in offered]
    by_id = {h.comment.id: h for h in hits}
    fetched = (
        {c.id: c for c in await ctx.store.get_comments([c for c in extra if c not in by_id])} if extra else {}
    )
    for cid in extra:
        if cid in by_id:
            offers.append(Offer(by_id[cid].comment, by_id[cid].highlighted, None))
        elif cid in fetched:
            offers.append(Offer(fetched[cid], None, None))
    return offers


@commands.command(
    "counter",
    param=Param("claim", "the claim to find a counterargument to", required=True, choices_from="claims"),
    options=[ARCHIVE_OPTION],
    slow=True,
)
async def counter(ctx: Context, command: Command) -> Reply:
    """The comment in the thread that best argues against a claim, verbatim and cited.

    Asked again in the same channel, the next best one not yet shown. A comment a moderator fixed as
    disagreeing (`stance fix`) always qualifies; one fixed as anything else never does.
    """
    async with reading(ctx).command():  # background reading waits: this answer gets both cores
        return await _counter(ctx, command)


async def _counter(ctx: Context, command: Command) -> Reply:
    claim = _claim(command)
    archive = await resolve_archive(ctx, command)
    place = command.place
    claim_id = await remember_claim(ctx, place.space_key, claim)
    engine = await get_engine(ctx)
    identity = await asyncio.to_thread(engine.stance.logit_identity)
    embed_now = 0 if _being_read(ctx, archive.id, claim_key(claim), identity) else EMBED_NOW
    hits, vectors, _ = await _candidates(ctx, archive.id, claim, embed_now)
    fixes = await fixed_labels(ctx, place.space_key, claim_key(claim), archive.id)
    ranked: _Counters | None = None
    if hits:
        store = stance_store(ctx)
        key = claim_key(engine.counter.nli_claim(claim))
        ids = [h.comment.id for h in hits]
        known = await cached_by_index(store.cached_logits, identity, key, ids)
        texts = [h.comment.text for h in hits]
        ranked = await asyncio.to_thread(_rank_counters, engine, claim, texts, known, vectors)
        await remember_new(store.store_logits, identity, key, ids, ranked.report.logits, known)
    rough = ranked is not None and ranked.report.rough
    reply = CounterReply(claim=claim, claim_id=claim_id, archive=archive.name, rough=rough)
    if ranked is not None:
        reply.candidates = [
            CounterCandidateRef(
                comment_id=hits[c.index].comment.id, source_id=hits[c.index].comment.source_id, score=c.score
            )
            for c in ranked.report.candidates[:COUNTER_LIST]
        ]
    rough_note = ROUGH_COUNTER if rough else None
    offers = await _offers(ctx, hits, ranked, fixes)
    if not offers:
        reply.note = " ".join(n for n in (NO_COUNTER, rough_note) if n)
        return reply
    ids = [o.comment.id for o in offers]
    shown = await ctx.store.shown_in_channel(place.space_key, place.channel, ids)
    fresh = [o for o in offers if o.comment.id not in shown]
    if not fresh:
        await ctx.store.forget_shown(place.space_key, place.channel, ids)
        reply.note = "Every comment I found arguing against that has been shown in this channel; ask again to start over."
        return reply
    chosen = pick_counter(fresh, ctx.services.get(RANDOM_SERVICE, _RANDOM))
    await ctx.store.record_shown(place.space_key, place.channel, [chosen.comment.id], now_iso(ctx))
    reply.quote = to_quote(chosen.comment, chosen.highlighted, chosen.score)
    reply.note = rough_note
    return reply


RANDOM_SERVICE = "counter-random"
SAMPLE_TOP = 3
SAMPLE_MARGIN = 0.1
_RANDOM = random.SystemRandom()


def pick_counter(fresh: list[Offer], rng: random.Random) -> Offer:
    """One of the best few fresh counters: those among the top `SAMPLE_TOP` scoring within `SAMPLE_MARGIN` of
    the best. Near-ties are the engine's noise, so sampling them varies what a channel sees without ever
    offering a clearly weaker comment; a moderator's unscored pick is only taken when nothing scored is left."""
    best = fresh[0]
    if best.score is None:
        return best
    close = [o for o in fresh[:SAMPLE_TOP] if o.score is not None and o.score >= best.score - SAMPLE_MARGIN]
    return rng.choice(close)
