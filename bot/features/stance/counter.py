"""`counter`: the comment in the thread that best argues against a claim, verbatim and cited.

Candidates come from the same retrieval as `stance` (pipeline.py); the engine's counter ranker orders them, and
only comments on topic and leaning against the claim qualify. Moderators' fixes decide where they exist.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from bot.archive_choice import resolve_archive
from bot.claims import remember_claim
from bot.context import Context
from bot.engine.counter import CounterReport
from bot.engine.loader import Engine
from bot.engine.stance import lexical_polarity
from bot.features.stance import pipeline
from bot.features.stance.cache import cached_by_index, remember_new
from bot.features.stance.feedback import Label, fixed_labels
from bot.features.stance.pipeline import being_read_now, candidates
from bot.models import Command, CounterCandidateRef, CounterReply, Reply
from bot.quoting import to_quote
from bot.retrieval.cache import FloatMatrix
from bot.times import now_iso
from storage.interface import SearchHit, StoredComment
from storage.stance_store import claim_key

COUNTER_LIST = 10
NO_COUNTER = "I found no comment that argues against that."
LEXICAL_COUNTER_COVERAGE = 0.4
ROUGH_COUNTER = "Rough: no NLI model is installed, so counters are keyword matches only."


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
        {c.id: c for c in await ctx.stores.archives.get_comments([c for c in extra if c not in by_id])} if extra else {}
    )
    for cid in extra:
        if cid in by_id:
            offers.append(Offer(by_id[cid].comment, by_id[cid].highlighted, None))
        elif cid in fetched:
            offers.append(Offer(fetched[cid], None, None))
    return offers




async def find_counter(ctx: Context, command: Command, claim: str) -> Reply:
    """The next fresh counterargument to `claim` in this channel, or a reply saying why there is none."""
    archive = await resolve_archive(ctx, command)
    place = command.place
    claim_id = await remember_claim(ctx, place.space_key, claim)
    engine = await ctx.services.load_engine()
    identity = await asyncio.to_thread(engine.stance.logit_identity)
    embed_now = 0 if being_read_now(ctx, archive.id, claim_key(claim), identity) else pipeline.EMBED_NOW
    hits, vectors, _ = await candidates(ctx, archive.id, claim, embed_now)
    fixes = await fixed_labels(ctx, place.space_key, claim_key(claim), archive.id)
    ranked: _Counters | None = None
    if hits:
        store = ctx.stores.stance
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
    shown = await ctx.stores.archives.shown_in_channel(place.space_key, place.channel, ids)
    fresh = [o for o in offers if o.comment.id not in shown]
    if not fresh:
        await ctx.stores.archives.forget_shown(place.space_key, place.channel, ids)
        reply.note = "Every comment I found arguing against that has been shown in this channel; ask again to start over."
        return reply
    chosen = pick_counter(fresh, ctx.services.random)
    await ctx.stores.archives.record_shown(place.space_key, place.channel, [chosen.comment.id], now_iso(ctx))
    reply.quote = to_quote(chosen.comment, chosen.highlighted, chosen.score)
    reply.note = rough_note
    return reply


SAMPLE_TOP = 3
SAMPLE_MARGIN = 0.1


def pick_counter(fresh: list[Offer], rng: random.Random) -> Offer:
    """One of the best few fresh counters: those among the top `SAMPLE_TOP` scoring within `SAMPLE_MARGIN` of
    the best. Near-ties are the engine's noise, so sampling them varies what a channel sees without ever
    offering a clearly weaker comment; a moderator's unscored pick is only taken when nothing scored is left."""
    best = fresh[0]
    if best.score is None:
        return best
    close = [o for o in fresh[:SAMPLE_TOP] if o.score is not None and o.score >= best.score - SAMPLE_MARGIN]
    return rng.choice(close)
