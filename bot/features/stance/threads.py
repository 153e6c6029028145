"""Reply structure for stance: short replies join the candidates, and each short reply brings its parent's text.

Retrieval finds comments by their words, and "No, there's really not." shares none with the claim: it speaks to
the claim only through the comment it answers. So the short replies to the best candidates are judged with them,
and the engine reads each short reply together with its parent (bot/engine/replies.py). Archives without reply
structure (plain text, most CSV) are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from bot.engine.replies import is_short_reply
from storage.interface import SearchHit, StoredComment

REPLY_SOURCES = 20  # the best candidates whose short replies join them
REPLIES_FETCHED = 200  # replies looked at, at most (one indexed query)
REPLIES_ADDED = 40  # short replies added, at most: a claim's candidates stay bounded


async def with_short_replies(ctx: Context, archive_id: int, hits: list[SearchHit]) -> list[SearchHit]:
    """`hits`, then the short replies to the best `REPLY_SOURCES` of them that retrieval did not find."""
    sources = [h.comment.source_id for h in hits[:REPLY_SOURCES]]
    if not sources:
        return hits
    replies = await ctx.stores.archives.replies_to(archive_id, sources, REPLIES_FETCHED)
    have = {h.comment.id for h in hits}
    added = [r for r in replies if r.id not in have and is_short_reply(r.text)][:REPLIES_ADDED]
    return hits + [SearchHit(comment=r, score=0.0, highlighted=r.text) for r in added]


async def parent_texts(ctx: Context, archive_id: int, comments: Sequence[StoredComment]) -> dict[int, str]:
    """Comment id -> the text of the comment it replies to, for the short replies among `comments`."""
    wanted = {c.id: c.parent_source_id for c in comments if c.parent_source_id and is_short_reply(c.text)}
    if not wanted:
        return {}
    found = await ctx.stores.archives.comments_by_source(archive_id, [p for p in wanted.values() if p])
    return {cid: found[source].text for cid, source in wanted.items() if source in found}
