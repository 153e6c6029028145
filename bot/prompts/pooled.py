"""A space's view of an archive's stored pool: the mined items it has not dropped, with its moderators' fixes.

The pool is mined per archive, but fixes (`stance fix`) belong to a space: here they override the mined labels
of a claim's comments, so the counts and the quote on each side follow them, and a claim that no longer has
`MIN_SIDE` comments on each side is left out for that space. Nothing here runs a model, so `prompt next`
answers from SQLite at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.context import Context
from bot.prompts.claims import worth_quoting
from bot.prompts.divided import MIN_SIDE
from storage.interface import ArchiveInfo, StoredComment
from storage.pool_store import Judged, PoolItem, PoolState
from storage.stance_store import claim_key

DISAGREEMENTS = ("mined", "reply")


@dataclass(frozen=True, slots=True)
class Pooled:
    """A pooled disagreement as a space sees it: its claim's comment, the quote on each side (None: that side
    has no quote) and the counts."""

    item: PoolItem
    claim: StoredComment
    agree: StoredComment | None
    disagree: StoredComment | None
    agree_count: int
    disagree_count: int


@dataclass(frozen=True, slots=True)
class SpacePool:
    """An archive's pool for one space: its state (None: not mined yet), disagreements in rank order, and the
    much-replied and quotable comments, each as (item, comment)."""

    state: PoolState | None
    disagreements: list[Pooled]
    discussed: list[tuple[PoolItem, StoredComment]]
    quotes: list[tuple[PoolItem, StoredComment]]
    dropped: int = 0


def _fixed(item: PoolItem, fixes: Mapping[int, str]) -> list[Judged]:
    """The item's counted comments with the space's fixes applied; a comment fixed to a side counts on it."""
    rows = [replace(j, label=fixes.get(j.comment_id, j.label)) for j in item.judged]
    known = {j.comment_id for j in item.judged}
    rows += [Judged(cid, label, 1.0, 0.0) for cid, label in fixes.items() if cid not in known]
    return rows


def _pick(side: Sequence[Judged], chosen: int | None, comments: Mapping[int, StoredComment]) -> StoredComment | None:
    """The mined quote if it still stands on this side, else the clearest other comment of the side we have."""
    ids = [j.comment_id for j in side]
    if chosen in ids and chosen in comments:
        return comments[chosen]
    for judged in sorted(side, key=lambda j: (-j.confidence, -j.relevance)):
        comment = comments.get(judged.comment_id)
        if comment is not None and worth_quoting(comment.text):
            return comment
    return None


async def space_pool(ctx: Context, space_key: str, archive: ArchiveInfo) -> SpacePool:
    """The archive's stored pool as `space_key` sees it (see the module docstring)."""
    pools = ctx.stores.pools
    state = await pools.state(archive.id)
    if state is None:
        return SpacePool(None, [], [], [])
    items = await pools.items(archive.id)
    dropped = await pools.dropped(space_key, archive.id)
    kept = [i for i in items if i.key not in dropped]
    fixes = await ctx.stores.stance.archive_fixes(space_key, archive.id) if kept else {}
    judged: dict[str, list[Judged]] = {}
    wanted: set[int] = set()
    for item in kept:
        wanted.add(item.comment_id)
        if item.source not in DISAGREEMENTS:
            continue
        rows = _fixed(item, fixes.get(claim_key(item.claim), {}))
        judged[item.key] = rows
        wanted.update(cid for cid in (item.agree_id, item.disagree_id) if cid is not None)
        if fixes.get(claim_key(item.claim)):
            wanted.update(j.comment_id for j in rows)  # a fix may move the quote to another comment
    comments = {c.id: c for c in await ctx.stores.archives.get_comments(sorted(wanted))}
    found = SpacePool(state, [], [], [], dropped=len(items) - len(kept))
    for item in kept:
        comment = comments.get(item.comment_id)
        if comment is None:
            continue
        if item.source == "discussed":
            found.discussed.append((item, comment))
        elif item.source == "quote":
            found.quotes.append((item, comment))
        else:
            pooled = _disagreement(item, comment, judged[item.key], comments)
            if pooled is not None:
                found.disagreements.append(pooled)
    return found


def _disagreement(
    item: PoolItem, claim: StoredComment, rows: list[Judged], comments: Mapping[int, StoredComment]
) -> Pooled | None:
    agree = [j for j in rows if j.label == "agree"]
    disagree = [j for j in rows if j.label == "disagree"]
    if item.source == "mined" and (len(agree) < MIN_SIDE or len(disagree) < MIN_SIDE):
        return None
    against = _pick(disagree, item.disagree_id, comments)
    if against is None:
        return None
    return Pooled(item, claim, _pick(agree, item.agree_id, comments), against, len(agree), len(disagree))
