"""The archive's sides on a session's claim: one quote for it, one against, and how many lean each way.

They come from the stance pipeline (`ctx.services.stance`, the same one `stance` counts with, moderators' fixes
included). Only when it is absent or fails do crude word cues ("agree", "not", "wrong") split the best BM25
matches, and the sides then say they are rough.
"""

from __future__ import annotations

import logging
import re

from bot.context import Context
from bot.sides import ArchiveSides
from storage.interface import ArchiveInfo, SearchHit

log = logging.getLogger(__name__)

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


async def archive_sides(ctx: Context, space_key: str, archive: ArchiveInfo, claim: str) -> ArchiveSides:
    """The stance pipeline's sides when it is there and works; the rough word-cue split otherwise."""
    pipeline = ctx.services.stance
    if pipeline is not None:
        try:
            return await pipeline.sides(space_key, archive, claim)
        except Exception:
            log.exception("the stance pipeline failed; using the rough word-cue sides")
    return await rough_sides(ctx, archive, claim)


def lean(text: str) -> int:
    """+1 if a comment's words lean towards agreeing, -1 towards disagreeing, 0 if unclear."""
    words = [w.casefold() for w in _WORD.findall(text.replace("\u2019", "'"))]
    score = sum(w in FOR_CUES for w in words) - sum(w in AGAINST_CUES or w.endswith("n't") for w in words)
    return int(score > 0) - int(score < 0)


async def rough_sides(ctx: Context, archive: ArchiveInfo, claim: str) -> ArchiveSides:
    hits: list[SearchHit] = await ctx.stores.archives.search([archive.id], claim, CANDIDATES)
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
