"""Full-text search on PostgreSQL: the same query shaping and tiers as on SQLite (storage/search.py).

Comments holding every query word come first, then comments holding any of the rarer words. Matching uses
the GIN index on `comments.tsv`; user words are bound as values (`plainto_tsquery`), never tsquery syntax.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.fts import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, query_terms
from storage.postgres.database import PostgresDatabase
from storage.splitting import MAX_COMMENT_CHARS

SCORE_CAP = 5000
HEADLINE_OPTIONS = f"StartSel={HIGHLIGHT_OPEN}, StopSel={HIGHLIGHT_CLOSE}, HighlightAll=true"


def _tsquery(count: int, joiner: str) -> str:
    return "(" + f" {joiner} ".join(["plainto_tsquery('english', %s)"] * count) + ")"


def _ids(archive_ids: Sequence[int]) -> str:
    return ",".join(["%s"] * len(archive_ids))


async def _frequency(db: PostgresDatabase, archive_ids: Sequence[int], term: str) -> int:
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM comments WHERE archive_id IN ({_ids(archive_ids)}) "
        f"AND tsv @@ plainto_tsquery('english', %s) LIMIT {SCORE_CAP + 1}) AS hits"
    )
    async with db.connection() as conn:
        row = await (await conn.raw.execute(sql, (*archive_ids, term))).fetchone()
    return int(row[0]) if row else 0


async def _rank(
    db: PostgresDatabase, archive_ids: Sequence[int], terms: list[str], joiner: str, limit: int
) -> list[tuple[int, float]]:
    query = _tsquery(len(terms), joiner)
    sql = (
        f"SELECT id, ts_rank(tsv, terms.q) AS rank FROM comments, (SELECT {query} AS q) AS terms "
        f"WHERE archive_id IN ({_ids(archive_ids)}) AND tsv @@ terms.q ORDER BY rank DESC, id DESC LIMIT %s"
    )
    async with db.connection() as conn:
        rows = await (await conn.raw.execute(sql, (*terms, *archive_ids, limit))).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows]


async def _highlights(db: PostgresDatabase, ids: list[int], terms: list[str]) -> dict[int, str]:
    if not ids:
        return {}
    query = _tsquery(len(terms), "||")
    sql = (
        f"SELECT id, CASE WHEN length(text) <= {MAX_COMMENT_CHARS} THEN ts_headline('english', text, terms.q, %s) END "
        f"FROM comments, (SELECT {query} AS q) AS terms WHERE id IN ({_ids(ids)})"
    )
    async with db.connection() as conn:
        rows = await (await conn.raw.execute(sql, (HEADLINE_OPTIONS, *terms, *ids))).fetchall()
    return {int(r[0]): str(r[1]) for r in rows if r[1] is not None}


async def pg_ranked_ids(
    db: PostgresDatabase, archive_ids: Sequence[int], query: str, limit: int
) -> list[tuple[int, float, str]]:
    """(comment id, score: higher is better, text with \\x02/\\x03 around matched words), best first."""
    terms = query_terms(query)
    if not terms or not archive_ids:
        return []
    frequencies = {term: await _frequency(db, archive_ids, term) for term in terms}
    present = [t for t in terms if frequencies[t]]
    if not present:
        return []
    ranked: dict[int, tuple[int, float]] = {
        cid: (0, score) for cid, score in await _rank(db, archive_ids, present, "&&", limit)
    }
    rare = [t for t in present if frequencies[t] <= SCORE_CAP]
    if len(ranked) < limit and rare and len(present) > 1:
        for cid, score in await _rank(db, archive_ids, rare, "||", limit):
            ranked.setdefault(cid, (1, score))
    best = sorted(ranked.items(), key=lambda item: (item[1][0], -item[1][1]))[:limit]
    marked = await _highlights(db, [cid for cid, _ in best], present)
    return [(cid, score, marked.get(cid, "")) for cid, (_, score) in best]
