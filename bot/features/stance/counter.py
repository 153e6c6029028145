"""`counter`: a comment of the thread that argues against a claim, verbatim and cited.

A counter is a comment the stance pipeline (pipeline.py) counts as disagreeing with the claim: the same reading,
the same moderators' fixes, the same cache. So when `stance` lists disagreeing comments, `counter` offers one of
them, and when it offers none, no comment read disagrees. They are offered most relevant and clearest first;
short replies that only disagree through the comment they answer ("No, there's really not.") come after the
comments that make their point on their own. While comments are still being read and none disagrees so far, the
answer says so and completes itself in place (`complete_counter`).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from bot.archive_choice import resolve_archive
from bot.claims import remember_claim
from bot.context import Context
from bot.engine.replies import is_short_reply
from bot.features.stance.pipeline import Count, Counted, count_claim
from bot.models import Command, CounterCandidateRef, CounterReply, Reply
from bot.quoting import to_quote
from bot.remembering import CLAIM, SHOWN, remember
from bot.times import now_iso

COUNTER_LIST = 10
NO_COUNTER = "I found no comment that argues against that."
STILL_READING = (
    "No comment read so far argues against that; more are being read now. This answer completes itself when they "
    "are done."
)
LEXICAL_COUNTER_COVERAGE = 0.4
"""Without a model, a counter must also share this much of the claim's words: word cues alone are weak."""
ROUGH_COUNTER = "Rough: no NLI model is installed, so counters are keyword matches only."
OPPOSITION_WEIGHT = 0.5
"""How much the pipeline's confidence adds to a counter's (min-max scaled) relevance, as in the engine's counter
ranker (bot/engine/counter.py)."""


@dataclass(frozen=True)
class Offer:
    """A comment that may be offered as a counter; `score` is None for a moderator's pick the engine did not read."""

    comment: Counted
    score: float | None

    @property
    def standalone(self) -> bool:
        """Whether the comment makes its point without the comment it answers."""
        comment = self.comment.comment
        return not (comment.parent_source_id and is_short_reply(comment.text))


def counter_offers(rows: list[Counted], rough: bool) -> list[Offer]:
    """The disagreeing rows as counters, best first: standalone before short replies, then by score
    (relevance scaled over these rows, plus `OPPOSITION_WEIGHT` x confidence); a moderator's picks the engine
    did not read come last."""
    disagreeing = [r for r in rows if r.label == "disagree"]
    if rough:
        disagreeing = [r for r in disagreeing if r.fixed or r.relevance >= LEXICAL_COUNTER_COVERAGE]
    read = [r for r in disagreeing if not (r.fixed and r.relevance == 0.0)]
    low = min((r.relevance for r in read), default=0.0)
    span = max((r.relevance for r in read), default=0.0) - low
    offers = [
        Offer(r, ((r.relevance - low) / span if span > 0 else 1.0) + OPPOSITION_WEIGHT * r.score) for r in read
    ]
    offers += [Offer(r, None) for r in disagreeing if r not in read]
    return sorted(offers, key=lambda o: (not o.standalone, o.score is None, -(o.score or 0.0)))


async def find_counter(ctx: Context, command: Command, claim: str) -> Reply:
    """The next fresh counterargument to `claim` in this channel, or a reply saying why there is none."""
    started = time.perf_counter()
    archive = await resolve_archive(ctx, command)
    place = command.place
    claim_id = await remember(CLAIM, remember_claim(ctx, place.space_key, claim))
    count: Count = await count_claim(ctx, place.space_key, archive, claim, started)
    reply = CounterReply(claim=claim, claim_id=claim_id, archive=archive.name, rough=count.rough)
    offers = counter_offers(count.rows, count.rough)
    reply.candidates = [
        CounterCandidateRef(comment_id=o.comment.comment.id, source_id=o.comment.comment.source_id, score=o.score or 0.0)
        for o in offers[:COUNTER_LIST]
    ]
    rough_note = ROUGH_COUNTER if count.rough else None
    if not offers:
        reply.partial = count.reading
        reply.note = " ".join(n for n in (STILL_READING if count.reading else NO_COUNTER, rough_note) if n)
        return reply
    ids = [o.comment.comment.id for o in offers]
    shown = await ctx.stores.archives.shown_in_channel(place.space_key, place.channel, ids)
    fresh = [o for o in offers if o.comment.comment.id not in shown]
    if not fresh:
        await remember(SHOWN, ctx.stores.archives.forget_shown(place.space_key, place.channel, ids))
        reply.note = "Every comment I found arguing against that has been shown in this channel; ask again to start over."
        return reply
    chosen = pick_counter(fresh, ctx.services.random)
    await remember(
        SHOWN,
        ctx.stores.archives.record_shown(place.space_key, place.channel, [chosen.comment.comment.id], now_iso(ctx)),
    )
    reply.quote = to_quote(chosen.comment.comment, chosen.comment.highlighted, chosen.score)
    reply.note = rough_note
    return reply


SAMPLE_TOP = 3
SAMPLE_MARGIN = 0.1


def pick_counter(fresh: list[Offer], rng: random.Random) -> Offer:
    """One of the best few fresh counters: those among the top `SAMPLE_TOP` scoring within `SAMPLE_MARGIN` of
    the best, of the same kind (standalone or not) as the best. Near-ties are the engine's noise, so sampling them
    varies what a channel sees without ever offering a clearly weaker comment; a moderator's unscored pick is
    only taken when nothing scored is left."""
    best = fresh[0]
    if best.score is None:
        return best
    close = [
        o
        for o in fresh[:SAMPLE_TOP]
        if o.score is not None and o.standalone == best.standalone and o.score >= best.score - SAMPLE_MARGIN
    ]
    return rng.choice(close)
