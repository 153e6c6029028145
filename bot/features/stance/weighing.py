"""Reading a claim against comments someone else chose, in the background: how the prompt miner asks the one
stance pipeline (bot/prompts/mining.py, through `ctx.services.stance.weigh`).

The comments go through the engine's classifier exactly as `stance` reads them (evidence sentences, short
replies through their threads, the relevance gate), and every z and relevance is cached under the claim, so a
later `stance` of a mined claim answers from the cache. It runs in short budgeted steps, like the background
reader (reader.py), and each step first waits at the caller's gate (the miner's: until no command runs and no
answer is completing itself). Moderators' fixes belong to a space, so they are not applied here; the prompt
pool applies them when it builds a space's prompt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from functools import partial

import numpy as np
import numpy.typing as npt

from bot.context import Context
from bot.engine.stance import StanceReport
from bot.features.stance.cache import cached_by_index, remember_new
from bot.features.stance.threads import ancestries
from bot.sides import Reading, Weighing
from storage.interface import ArchiveInfo, StoredComment
from storage.stance_store import claim_key

STEP_SECONDS = 0.1
STEP_BATCH = 2
"""NLI per step, as the background reader does: a command waits for at most one short step."""


async def weigh_claim(
    ctx: Context,
    archive: ArchiveInfo,
    claim: str,
    comments: Sequence[StoredComment],
    vectors: npt.NDArray[np.float32] | None,
    gate: Callable[[], Awaitable[None]],
) -> Weighing:
    """One reading per comment (in the order given), read in background steps, each after awaiting `gate`, and
    cached."""
    if not comments:
        return Weighing(readings=(), rough=False)
    engine = await ctx.services.load_engine()
    nli_identity, relevance_identity = engine.stance.logit_identity(), engine.stance.relevance_identity()
    store = ctx.stores.stance
    key = claim_key(claim)
    ids = [c.id for c in comments]
    texts = [c.text for c in comments]
    parents = await ancestries(ctx, archive, comments)
    known_z = await cached_by_index(store.cached_logits, nli_identity, key, ids)
    known_rel = await cached_by_index(store.cached_relevance, relevance_identity, key, ids)
    while True:
        await gate()
        report: StanceReport = await asyncio.to_thread(
            partial(
                engine.stance.classify,
                claim,
                texts,
                embeddings=vectors,
                known_logits=known_z,
                known_relevance=known_rel,
                budget_seconds=STEP_SECONDS,
                budget_batch=STEP_BATCH,
                parents=[parents.get(i) for i in ids],
            )
        )
        await remember_new(store.store_logits, nli_identity, key, ids, report.logits, known_z)
        await remember_new(store.store_relevance, relevance_identity, key, ids, report.relevance, known_rel)
        known_z.update(report.logits)
        known_rel.update(report.relevance)
        if not report.late:
            break
    readings = tuple(Reading(ids[r.index], r.stance, r.confidence, r.relevance) for r in report.results)
    return Weighing(readings=readings, rough=report.rough)
