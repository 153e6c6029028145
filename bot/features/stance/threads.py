"""Reply structure for stance: short replies join the candidates, and every reply brings the chain it answers.

Retrieval finds comments by their words, and "No, there's really not." shares none with the claim: it speaks to
the claim only through the comment it answers. So the short replies to the best candidates are judged with them,
and the engine reads every reply through its parent, its parent's parent, ... up to the thread's title
(bot/engine/replies.py). Archives without reply structure (plain text, most CSV) keep only the title above their
comments, which counts only when it states a side on the claim.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from bot.engine.replies import Ancestry, is_short_reply
from storage.interface import ArchiveInfo, SearchHit, StoredComment

REPLY_SOURCES = 20  # the best candidates whose short replies join them
REPLIES_FETCHED = 200  # replies looked at, at most (one indexed query)
REPLIES_ADDED = 40  # short replies added, at most: a claim's candidates stay bounded
MAX_ANCESTORS = 12  # comments read above a reply (one indexed query a level; Reddit serves 10 levels a page)


async def with_short_replies(ctx: Context, archive_id: int, hits: list[SearchHit]) -> list[SearchHit]:
    """`hits`, then the short replies to the best `REPLY_SOURCES` of them that retrieval did not find."""
    sources = [h.comment.source_id for h in hits[:REPLY_SOURCES]]
    if not sources:
        return hits
    replies = await ctx.stores.archives.replies_to(archive_id, sources, REPLIES_FETCHED)
    have = {h.comment.id for h in hits}
    added = [r for r in replies if r.id not in have and is_short_reply(r.text)][:REPLIES_ADDED]
    return hits + [SearchHit(comment=r, score=0.0, highlighted=r.text) for r in added]


async def ancestries(ctx: Context, archive: ArchiveInfo, comments: Sequence[StoredComment]) -> dict[int, Ancestry]:
    """Comment id -> what it answers: its parents' texts (nearest first, at most `MAX_ANCESTORS`) and the archive's
    title when the chain reaches the top of the thread."""
    chains: dict[int, list[StoredComment]] = {c.id: [] for c in comments}
    ends = {c.id: c for c in comments}  # the farthest comment known on each chain
    known: dict[str, StoredComment] = {}
    for _ in range(MAX_ANCESTORS):
        wanted = {e.parent_source_id for e in ends.values() if e.parent_source_id} - set(known)
        if wanted:
            known.update(await ctx.stores.archives.comments_by_source(archive.id, sorted(wanted)))
        moved = False
        for cid, end in list(ends.items()):
            parent = known.get(end.parent_source_id) if end.parent_source_id else None
            if parent is None or parent.id == cid or any(p.id == parent.id for p in chains[cid]):
                continue
            chains[cid].append(parent)
            ends[cid] = parent
            moved = True
        if not moved:
            break
    title = (archive.title or "").strip() or None
    out: dict[int, Ancestry] = {}
    for cid, chain in chains.items():
        reaches_top = not ends[cid].parent_source_id
        out[cid] = Ancestry(tuple(p.text for p in chain), title if reaches_top else None)
    return out
