"""The stance pipeline as other features reach it (`ctx.services.stance`): session sides, prompt pushback and
the prompt miner's readings are counted by the same pipeline as `stance`, never by a second one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

import numpy as np
import numpy.typing as npt

from bot.context import Context
from bot.engine.loader import Engine
from bot.features.stance.pipeline import best_row, count_claim
from bot.features.stance.reader import reading
from bot.features.stance.weighing import weigh_claim
from bot.sides import ArchiveSides, Weighing
from storage.interface import ArchiveInfo, StoredComment
from storage.prompt_store import ReplyPair

PAIR_STEP = 2
"""Reply pairs read per background step (each pair is one short NLI read)."""


class StanceService:
    """`bot.services.StancePipeline`, implemented by the stance feature over one bot's context."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def sides(self, space_key: str, archive: ArchiveInfo, claim: str) -> ArchiveSides:
        async with reading(self._ctx).command():  # as `stance` does: the background reader waits
            count = await count_claim(self._ctx, space_key, archive, claim, time.perf_counter())
        agree, disagree = best_row(count.rows, "agree"), best_row(count.rows, "disagree")
        return ArchiveSides(
            archive=archive.name,
            matching=sum(row.label != "unrelated" for row in count.rows),
            agree=agree.comment if agree else None,
            disagree=disagree.comment if disagree else None,
            agree_count=sum(row.label == "agree" for row in count.rows),
            disagree_count=sum(row.label == "disagree" for row in count.rows),
            rough=count.rough,
        )

    async def pushback(self, pairs: Sequence[ReplyPair], *, background: bool = False) -> list[float] | None:
        engine = await self._ctx.services.load_engine()
        if engine.rough:
            return None
        if not background:
            async with reading(self._ctx).command():
                return await asyncio.to_thread(_disagreement, engine, pairs)
        scores: list[float] = []
        for start in range(0, len(pairs), PAIR_STEP):
            await reading(self._ctx).idle()
            scores += await asyncio.to_thread(_disagreement, engine, pairs[start : start + PAIR_STEP])
        return scores

    async def weigh(
        self,
        archive: ArchiveInfo,
        claim: str,
        comments: Sequence[StoredComment],
        vectors: npt.NDArray[np.float32] | None,
        gate: Callable[[], Awaitable[None]] | None = None,
    ) -> Weighing:
        return await weigh_claim(self._ctx, archive, claim, comments, vectors, gate or self.idle)

    async def idle(self) -> None:
        await reading(self._ctx).idle()

    async def quiet(self) -> None:
        await reading(self._ctx).quiet()


ON_TOPIC = {0: 1.0}
"""A reply is about its parent by construction, so the relevance gate (meant for a whole archive) is skipped."""


def _disagreement(engine: Engine, pairs: Sequence[ReplyPair]) -> list[float]:
    """Each reply read against its parent as the claim: the engine's probability that it does not agree
    (worker thread)."""
    scores = []
    for pair in pairs:
        report = engine.stance.classify(pair.parent.text, [pair.reply.text], known_relevance=ON_TOPIC)
        agree = report.results[0].agree_probability
        scores.append(0.0 if agree is None else 1.0 - agree)
    return scores
