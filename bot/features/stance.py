"""`stance` and `counter`: where the thread stands on a claim, and the comment that best argues against it.

Both read the archive's comments that share words with the claim (storage's BM25, at most `CANDIDATES`) and run
the engine (bot/engine) on them in a worker thread. The engine loads once per process, lazily, and is kept in
`ctx.services["engine"]`; with no model installed it falls back to word-based guesses and the reply says so.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import cast

import numpy as np

from bot.archive_choice import ARCHIVE_OPTION, resolve_archive
from bot.context import Context
from bot.engine.counter import CounterReport
from bot.engine.loader import Engine, load_engine
from bot.engine.stance import StanceReport, StanceResult, lexical_polarity
from bot.errors import UsageError
from bot.features.quote import to_quote
from bot.models import (
    Command,
    CounterCandidateRef,
    CounterReply,
    Reply,
    StanceCounts,
    StanceItem,
    StanceReply,
)
from bot.registry import Option, Param, Registry

commands = Registry()

CANDIDATES = 200
COUNTER_LIST = 10
ENGINE = "engine"
ENGINE_LOCK = "engine-lock"
ALL_OPTION = Option("all", "List every comment with its label and score")
NO_COUNTER = "I found no comment that argues against that."
LEXICAL_COUNTER_COVERAGE = 0.4
ROUGH_COUNTER = "Rough: no NLI model is installed, so counters are keyword matches only."


async def get_engine(ctx: Context) -> Engine:
    """The process's engine, loaded on first use in a worker thread (settings.model_dir, else installed models)."""
    engine = ctx.services.get(ENGINE)
    if engine is None:
        lock = ctx.services.setdefault(ENGINE_LOCK, asyncio.Lock())
        async with lock:
            engine = ctx.services.get(ENGINE)
            if engine is None:
                folder = ctx.settings.model_dir
                engine = await asyncio.to_thread(load_engine, folder, folder)
                ctx.services[ENGINE] = engine
    return cast(Engine, engine)


def _claim(command: Command) -> str:
    claim = command.text
    if not claim:
        raise UsageError(
            "Say which claim to check.", hint=f"For example: `{command.name} remote work is better`"
        )
    return claim


@commands.command(
    "stance",
    param=Param("claim", "the claim to check against the thread", required=True),
    options=[ALL_OPTION, ARCHIVE_OPTION],
    slow=True,
)
async def stance(ctx: Context, command: Command) -> Reply:
    """How the thread's comments stand toward a claim: how many agree, disagree, are neutral or off topic.

    Shows the clearest quote on each side; `--all` lists every comment considered with its label and score.
    """
    claim = _claim(command)
    archive = await resolve_archive(ctx, command)
    hits = await ctx.store.search([archive.id], claim, CANDIDATES)
    if not hits:
        return StanceReply(
            claim=claim, note=f"Nothing in the archive `{archive.name}` mentions \u201c{claim[:200]}\u201d."
        )
    engine = await get_engine(ctx)
    report: StanceReport = await asyncio.to_thread(
        engine.stance.classify, claim, [h.comment.text for h in hits]
    )
    by_label: dict[str, list[StanceResult]] = {}
    for result in report.results:
        by_label.setdefault(result.stance, []).append(result)

    def best(label: str) -> StanceResult | None:
        return max(by_label.get(label, []), key=lambda r: (r.confidence, r.relevance), default=None)

    quotes = {}
    for label in ("agree", "disagree"):
        top = best(label)
        quotes[label] = (
            None if top is None else to_quote(hits[top.index].comment, hits[top.index].highlighted)
        )
    on_topic = [r.confidence for r in report.results if r.stance != "unrelated"]
    notes = [report.note] if report.note else []
    if report.unscored:
        notes.append(f"{len(report.unscored)} more on-topic comments were not scored (too many to read).")
    items: list[StanceItem] = []
    if command.options.get("all"):
        items = [
            StanceItem(
                comment_id=hits[r.index].comment.id,
                text=hits[r.index].comment.text,
                label=r.stance,
                score=r.confidence,
            )
            for r in sorted(report.results, key=lambda r: (_ORDER[r.stance], -r.confidence))
        ]
    return StanceReply(
        claim=claim,
        counts=StanceCounts(**{k: report.counts.get(k, 0) for k in _ORDER}),
        agree=quotes["agree"],
        disagree=quotes["disagree"],
        confidence=float(np.mean(on_topic)) if on_topic else None,
        rough=report.rough,
        note=" ".join(notes) or None,
        items=items,
    )


_ORDER = {"agree": 0, "disagree": 1, "neutral": 2, "unrelated": 3}


@dataclass(frozen=True)
class _Counters:
    report: CounterReport
    eligible: list[int]  # indices into the hits, best first: related and leaning against the claim


def _rank_counters(engine: Engine, claim: str, texts: list[str]) -> _Counters:
    """Rank counterarguments and keep only those that are on topic and lean against the claim (worker thread)."""
    embeddings = engine.embedder.embed(texts) if engine.embedder is not None else None
    report = engine.counter.rank(
        claim, texts, embeddings=embeddings, lexical_ranking=list(range(len(texts))), limit=COUNTER_LIST
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


@commands.command(
    "counter",
    param=Param("claim", "the claim to find a counterargument to", required=True),
    options=[ARCHIVE_OPTION],
    slow=True,
)
async def counter(ctx: Context, command: Command) -> Reply:
    """The comment in the thread that best argues against a claim, verbatim and cited.

    Asked again in the same channel, the next best one not yet shown.
    """
    claim = _claim(command)
    archive = await resolve_archive(ctx, command)
    hits = await ctx.store.search([archive.id], claim, CANDIDATES)
    if not hits:
        return CounterReply(claim=claim, note=NO_COUNTER)
    engine = await get_engine(ctx)
    ranked = await asyncio.to_thread(_rank_counters, engine, claim, [h.comment.text for h in hits])
    candidates = [
        CounterCandidateRef(
            comment_id=hits[c.index].comment.id, source_id=hits[c.index].comment.source_id, score=c.score
        )
        for c in ranked.report.candidates[:COUNTER_LIST]
    ]
    rough_note = ROUGH_COUNTER if ranked.report.rough else None
    if not ranked.eligible:
        note = " ".join(n for n in (NO_COUNTER, rough_note) if n)
        return CounterReply(claim=claim, candidates=candidates, rough=ranked.report.rough, note=note)
    place = command.place
    ids = [hits[i].comment.id for i in ranked.eligible]
    shown = await ctx.store.shown_in_channel(place.space_key, place.channel, ids)
    fresh = [i for i in ranked.eligible if hits[i].comment.id not in shown]
    if not fresh:
        await ctx.store.forget_shown(place.space_key, place.channel, ids)
        note = "Every comment I found arguing against that has been shown in this channel; ask again to start over."
        return CounterReply(claim=claim, candidates=candidates, rough=ranked.report.rough, note=note)
    hit = hits[fresh[0]]
    await ctx.store.record_shown(place.space_key, place.channel, [hit.comment.id], _now(ctx))
    score = next(c.score for c in ranked.report.candidates if c.index == fresh[0])
    return CounterReply(
        claim=claim,
        quote=to_quote(hit.comment, hit.highlighted, score),
        candidates=candidates,
        rough=ranked.report.rough,
        note=rough_note,
    )


def _now(ctx: Context) -> str:
    return ctx.clock().isoformat(timespec="seconds")
