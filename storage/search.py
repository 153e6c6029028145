"""Full-text search that stays fast on a million comments.

FTS5's bm25() costs a lookup per matching row, so a common word in a large archive would score hundreds of
thousands of rows. Instead every query scores at most about `SCORE_CAP` rows per tier:

1. comments holding every query word, ranked by BM25 (when that set is too large: its newest `SCORE_CAP`);
2. then comments holding any of the *rarer* words (those in at most `SCORE_CAP` comments), ranked by BM25.

On archives of up to `SCORE_CAP` comments this is exact BM25 with all-word matches first. Archives are
addressed as rowid ranges (one per import), which FTS5 seeks to directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.db import Database
from storage.fts import match_all, match_any, query_terms
from storage.splitting import MAX_COMMENT_CHARS

SCORE_CAP = 5000
HIGHLIGHT_MAX_CHARS = MAX_COMMENT_CHARS

BOUNDED_COUNT = """
SELECT count(*) FROM (
    SELECT rowid FROM comments_fts WHERE comments_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?
)
"""
NTH_NEWEST = """
SELECT rowid FROM comments_fts WHERE comments_fts MATCH ? AND rowid BETWEEN ? AND ?
ORDER BY rowid DESC LIMIT 1 OFFSET ?
"""
RANK = """
SELECT rowid, bm25(comments_fts) AS rank FROM comments_fts
WHERE comments_fts MATCH ? AND rowid BETWEEN ? AND ?
ORDER BY rank LIMIT ?
"""
# Bounded cost: a comment longer than an import now stores (one from an older database) is left unmarked.
HIGHLIGHT = f"""
SELECT rowid,
    CASE WHEN length(text) <= {HIGHLIGHT_MAX_CHARS} THEN highlight(comments_fts, 0, char(2), char(3)) END
FROM comments_fts
WHERE comments_fts MATCH ? AND rowid IN ({{ids}})
"""
SEGMENTS = "SELECT first_id, last_id FROM archive_segments WHERE archive_id IN ({ids}) ORDER BY first_id"
RANK_JOINED = """
SELECT comments_fts.rowid, bm25(comments_fts) AS rank FROM comments_fts
JOIN comments c ON c.id = comments_fts.rowid
WHERE comments_fts MATCH ? AND c.archive_id IN ({ids}) AND comments_fts.rowid BETWEEN ? AND ?
ORDER BY rank LIMIT ?
"""


async def ranked_ids(
    db: Database, archive_ids: Sequence[int], query: str, limit: int
) -> list[tuple[int, float, str]]:
    """(comment id, score: higher is better, text with \\x02/\\x03 around matched words), best first."""
    terms = query_terms(query)
    if not terms or not archive_ids:
        return []
    span = await _span(db, archive_ids)
    if span is None:
        return []
    low, high, exact = span

    async def count(expr: str) -> int:
        row = await db.fetchone(BOUNDED_COUNT, (expr, low, high, SCORE_CAP + 1))
        return int(row[0]) if row else 0

    async def rank(expr: str, start: int) -> list[tuple[int, float]]:
        if exact:
            rows = await db.fetchall(RANK, (expr, start, high, limit))
        else:
            sql = RANK_JOINED.format(ids=",".join("?" * len(archive_ids)))
            rows = await db.fetchall(sql, (expr, *archive_ids, start, high, limit))
        return [(int(r[0]), -float(r[1])) for r in rows]

    frequencies = {term: await count(match_any([term])) for term in terms}
    present = [t for t in terms if frequencies[t]]
    if not present:
        return []
    everything = match_all(present)
    start = low
    if await count(everything) > SCORE_CAP:
        row = await db.fetchone(NTH_NEWEST, (everything, low, high, SCORE_CAP - 1))
        start = int(row[0]) if row else low
    ranked: dict[int, tuple[int, float]] = {cid: (0, score) for cid, score in await rank(everything, start)}
    rare = [t for t in present if frequencies[t] <= SCORE_CAP]
    if len(ranked) < limit and rare and len(present) > 1:
        for cid, score in await rank(match_any(rare), low):
            ranked.setdefault(cid, (1, score))
    best = sorted(ranked.items(), key=lambda item: (item[1][0], -item[1][1]))[:limit]
    marked = await _highlights(db, [cid for cid, _ in best], match_any(present))
    return [(cid, score, marked.get(cid, "")) for cid, (_, score) in best]


async def _span(db: Database, archive_ids: Sequence[int]) -> tuple[int, int, bool] | None:
    """The rowid range covering the archives, and whether it holds only their comments (one run each, adjacent)."""
    rows = await db.fetchall(SEGMENTS.format(ids=",".join("?" * len(archive_ids))), list(archive_ids))
    if not rows:
        return None
    low, high = int(rows[0][0]), max(int(r[1]) for r in rows)
    exact = len(rows) == 1
    return low, high, exact


async def _highlights(db: Database, ids: list[int], expr: str) -> dict[int, str]:
    if not ids:
        return {}
    rows = await db.fetchall(HIGHLIGHT.format(ids=",".join("?" * len(ids))), (expr, *ids))
    return {int(r[0]): str(r[1]) for r in rows if r[1] is not None}
