"""Full-text search on PostgreSQL, ranked by BM25 as SQLite's FTS5 ranks it (storage/search.py).

`ts_rank` knows nothing of how rare a word is, so the ranking is computed here: the GIN index on
`comments.tsv` finds the candidates and one SQL statement scores them with FTS5's bm25() formula (k1 = 1.2,
b = 0.75, IDF = ln((N - n + 0.5) / (n + 0.5)), floored at 1e-6). N, the number of comments holding each stem
(n) and the total length are read from `search_archives` and `search_terms`, which statement triggers keep in
step with every insert and delete (storage/postgres/migrations/m0001_core.py). They are counted per archive,
so one community's archives never change another's ranking (FTS5 counts over the whole file).

The query shaping and tiers are SQLite's: `query_terms`, then comments holding every word (when there are
more than `SCORE_CAP`, their newest `SCORE_CAP`), then comments holding any of the rarer words (those in at
most `SCORE_CAP` comments). A common word's newest matches are looked for in a window of the newest ids
(`_all_words`), so scoring them reads about `SCORE_CAP` rows. User words are only ever bound values turned
into queries by `plainto_tsquery`, never tsquery syntax. The `threadbot_search` configuration stems like the
porter tokenizer but keeps stop words (FTS5 does), so a query of only stop words finds what it finds on SQLite.

Where it differs from FTS5: a comment's length is its count of space-separated words (FTS5 counts tokens;
only the ratio to the archive's mean enters BM25), and a term that PostgreSQL splits into several stems
(`foo_bar`) must match all of them rather than the phrase. Figures: bench/README.md (ArguAna nDCG@10 at
0.99 of FTS5's).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from storage.fts import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, query_terms
from storage.postgres.database import PostgresConnection, PostgresDatabase
from storage.splitting import MAX_COMMENT_CHARS

SCORE_CAP = 5000
K1 = 1.2
B = 0.75
MIN_IDF = 1e-6
"""FTS5's floor for a word in more than half the comments (its IDF would be negative)."""
CONFIG = "threadbot_search"
HEADLINE_OPTIONS = f"StartSel={HIGHLIGHT_OPEN}, StopSel={HIGHLIGHT_CLOSE}, HighlightAll=true"

STATISTICS = f"""
WITH totals AS (
    SELECT coalesce(sum(documents), 0) AS documents, coalesce(sum(words), 0) AS words,
        min(oldest_id) AS oldest, max(newest_id) AS newest
    FROM search_archives WHERE archive_id = ANY(%(archives)s)
), terms AS (
    SELECT term.position, lexeme FROM unnest(%(terms)s::text[]) WITH ORDINALITY AS term(word, position),
        unnest(tsvector_to_array(to_tsvector('{CONFIG}', term.word))) AS lexeme
)
SELECT totals.documents, totals.words, totals.oldest, totals.newest, terms.position, terms.lexeme, (
    SELECT coalesce(sum(s.documents), 0) FROM search_terms s
    WHERE s.archive_id = ANY(%(archives)s) AND s.lexeme = terms.lexeme
)
FROM totals LEFT JOIN terms ON true
"""
# {query}: the terms' `plainto_tsquery`s joined by && or ||; {newest}: tier 1's cap, with an id window. Each
# candidate's score is one scalar subquery over its matched stems only (`setweight` marks them, `ts_filter`
# keeps them; a stem's positions are its count in the comment): no join or grouping per candidate row.
RANK = f"""
SELECT c.id, (
    SELECT sum(
        (%(idf)s::float8[])[array_position(%(lexemes)s::text[], hit.lexeme)] * cardinality(hit.positions) * ({K1} + 1)
        / (cardinality(hit.positions) + {K1} * (1 - {B} + {B} * c.word_count / %(mean_length)s::float8))
    )
    FROM unnest(ts_filter(setweight(c.tsv, 'A', %(lexemes)s::text[]), '{{{{a}}}}')) AS hit
) AS score, count(*) OVER () AS candidates
FROM (
    SELECT id, tsv, word_count FROM comments
    WHERE archive_id = ANY(%(archives)s) AND tsv @@ ({{query}})
    {{newest}}
) AS c
ORDER BY score DESC, c.id DESC LIMIT %(limit)s
"""
NEWEST = "AND id >= %(low)s ORDER BY id DESC LIMIT %(cap)s"
"""Read backwards from the newest id: cheapest when most comments match (5000 in 2.4% of 1M: 205k rows read)."""
NEWEST_FROM_INDEX = "AND id >= %(low)s ORDER BY id + 0 DESC LIMIT %(cap)s"
"""`id + 0` keeps the planner from reading backwards: the GIN index's matches within the window (30 ms, not
157, for a word in 2.4% of 1M comments; 63 ms, not 28, for one in 11%)."""
BACKWARD_SHARE = 0.05
"""Above this share of the archives holding every word, tier 1 reads backwards."""
WINDOW_MARGIN = 1.5
"""How many more ids than expected the first window spans; when it holds fewer than `SCORE_CAP` matches, the
window grows `WINDOW_GROWTH` times and the search runs again."""
WINDOW_GROWTH = 4
HIGHLIGHT = f"""
SELECT id, CASE WHEN length(text) <= {MAX_COMMENT_CHARS} THEN ts_headline('{CONFIG}', text, ({{query}}), %(options)s) END
FROM comments WHERE id = ANY(%(ids)s)
"""


@dataclass(frozen=True, slots=True)
class Statistics:
    """What BM25 needs from the archives searched: their size and each query word's stems with counts."""

    documents: int
    mean_length: float
    stems: dict[str, dict[str, int]]
    """Query word -> {stem: comments holding it}; a word PostgreSQL tokenizes to nothing is absent."""
    oldest: int = 0
    newest: int = 0
    """The span of the archives' comment ids."""

    def idf(self, stem_documents: int) -> float:
        value = math.log((self.documents - stem_documents + 0.5) / (stem_documents + 0.5))
        return value if value > 0 else MIN_IDF

    def share(self, terms: list[str]) -> float:
        """The probable share of the archives' comments holding all of `terms` (as if they were independent)."""
        share = 1.0
        for term in terms:
            for count in self.stems[term].values():
                share *= count / max(self.documents, 1)
        return share

    def first_window(self, terms: list[str]) -> int:
        """How many of the newest ids probably hold `SCORE_CAP` comments with all of `terms`: their share of
        the archives over the archives' share of the id span."""
        density = self.documents / max(self.newest - self.oldest + 1, 1)
        return math.ceil(WINDOW_MARGIN * SCORE_CAP / max(self.share(terms) * density, 1e-12))


def _query(count: int, joiner: str) -> str:
    return f" {joiner} ".join([f"plainto_tsquery('{CONFIG}', %(t{n})s)" for n in range(count)])


def _words(terms: Sequence[str]) -> dict[str, str]:
    return {f"t{n}": term for n, term in enumerate(terms)}


async def _statistics(conn: PostgresConnection, archive_ids: list[int], terms: list[str]) -> Statistics:
    cursor = await conn.raw.execute(STATISTICS, {"archives": archive_ids, "terms": terms})
    rows = await cursor.fetchall()
    if not rows:
        return Statistics(0, 1.0, {})
    documents, words = int(rows[0][0]), int(rows[0][1])
    stems: dict[str, dict[str, int]] = {}
    for row in rows:
        if row[4] is not None:
            stems.setdefault(terms[int(row[4]) - 1], {})[str(row[5])] = int(row[6])
    span = (int(rows[0][2] or 0), int(rows[0][3] or 0))
    return Statistics(documents, words / documents if documents else 1.0, stems, *span)


async def _rank(
    conn: PostgresConnection,
    archive_ids: list[int],
    stats: Statistics,
    terms: list[str],
    joiner: str,
    limit: int,
    *,
    low: int | None = None,
    backwards: bool = False,
) -> tuple[list[tuple[int, float]], int]:
    """The best `limit` of the comments matching the terms, and how many were scored. With `low`, only the
    newest `SCORE_CAP` of those with ids from `low` on are scored."""
    stems = {stem: n for term in terms for stem, n in stats.stems[term].items()}
    newest = "" if low is None else NEWEST if backwards else NEWEST_FROM_INDEX
    sql = RANK.format(query=_query(len(terms), joiner), newest=newest)
    params = {
        **_words(terms),
        "archives": archive_ids,
        "lexemes": list(stems),
        "idf": [stats.idf(n) for n in stems.values()],
        "mean_length": stats.mean_length or 1.0,
        "low": low,
        "cap": SCORE_CAP,
        "limit": limit,
    }
    # Unprepared, so every search is planned with its own words (a generic plan cannot tell rare from common).
    cursor = await conn.raw.execute(sql, params, prepare=False)
    rows = await cursor.fetchall()
    return [(int(r[0]), float(r[1])) for r in rows], int(rows[0][2]) if rows else 0


async def _all_words(
    conn: PostgresConnection, archive_ids: list[int], stats: Statistics, terms: list[str], limit: int
) -> list[tuple[int, float]]:
    """Tier 1: comments holding every term, ranked; of more than `SCORE_CAP`, the newest `SCORE_CAP` (as
    SQLite). Those are found in a window of the newest ids, widened until it holds `SCORE_CAP` of them or
    covers the archives, so a common word costs about `SCORE_CAP` rows read, not all its matches."""
    if min(n for term in terms for n in stats.stems[term].values()) <= SCORE_CAP:
        return (await _rank(conn, archive_ids, stats, terms, "&&", limit))[0]
    window = stats.first_window(terms)
    backwards = stats.share(terms) >= BACKWARD_SHARE
    while True:
        low = max(stats.newest - window + 1, stats.oldest)
        ranked, scored = await _rank(conn, archive_ids, stats, terms, "&&", limit, low=low, backwards=backwards)
        if scored >= SCORE_CAP or low <= stats.oldest:
            return ranked
        window *= WINDOW_GROWTH


async def _highlights(conn: PostgresConnection, ids: list[int], terms: list[str]) -> dict[int, str]:
    if not ids:
        return {}
    sql = HIGHLIGHT.format(query=_query(len(terms), "||"))
    cursor = await conn.raw.execute(sql, {**_words(terms), "ids": ids, "options": HEADLINE_OPTIONS})
    return {int(r[0]): str(r[1]) for r in await cursor.fetchall() if r[1] is not None}


async def pg_ranked_ids(
    db: PostgresDatabase, archive_ids: Sequence[int], query: str, limit: int
) -> list[tuple[int, float, str]]:
    """(comment id, score: higher is better, text with \\x02/\\x03 around matched words), best first."""
    terms = query_terms(query)
    if not terms or not archive_ids:
        return []
    archives = list(archive_ids)
    async with db.connection() as conn:
        stats = await _statistics(conn, archives, terms)
        present = [t for t in terms if stats.stems.get(t) and all(stats.stems[t].values())]
        if not present:
            return []
        ranked = {cid: (0, score) for cid, score in await _all_words(conn, archives, stats, present, limit)}
        rare = [t for t in present if min(stats.stems[t].values()) <= SCORE_CAP]
        if len(ranked) < limit and rare and len(present) > 1:
            for cid, score in (await _rank(conn, archives, stats, rare, "||", limit))[0]:
                ranked.setdefault(cid, (1, score))
        best = sorted(ranked.items(), key=lambda item: (item[1][0], -item[1][1]))[:limit]
        marked = await _highlights(conn, [cid for cid, _ in best], present)
    return [(cid, score, marked.get(cid, "")) for cid, (_, score) in best]
