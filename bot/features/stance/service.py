"""The stance pipeline as other features reach it (`ctx.services.stance`): session sides and prompt pushback
are counted by the same pipeline as `stance`, with moderators' fixes, never by a second one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from bot.context import Context
from bot.engine.loader import Engine
from bot.features.stance.pipeline import best_row, count_claim
from bot.features.stance.reader import reading
from bot.sides import ArchiveSides
from storage.interface import ArchiveInfo
from storage.prompt_store import ReplyPair


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

    async def pushback(self, pairs: Sequence[ReplyPair]) -> list[float] | None:
        engine = await self._ctx.services.load_engine()
        if engine.rough:
            return None
        async with reading(self._ctx).command():
            return await asyncio.to_thread(_disagreement, engine, pairs)


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
