"""Full-text search on PostgreSQL, ranked by BM25 as SQLite's FTS5 ranks it (storage/search.py).

`ts_rank` knows nothing of how rare a word is, so the ranking is computed here: the GIN index on
`comments.tsv` finds the candidates and one SQL statement scores them with FTS5's bm25() formula (k1 = 1.2,
b = 0.75, IDF = ln((N - n + 0.5) / (n + 0.5)), floored at 1e-6). N, the number of comments holding each stem
(n) and the total length are read from `search_archives` and `search_terms`, which statement triggers keep in
step with every insert and delete (storage/postgres/migrations/m0001_core.py). They are counted per archive,
so one community's archives never change another's ranking (FTS5 counts over the whole file).

The query shaping and tiers are SQLite's: `query_terms`, then comments holding every word (when there are
more than `SCORE_CAP`, their newest `SCORE_CAP`), then comments holding any of the rarer words (those in at
most `SCORE_CAP` comments). A common word's newest matches are read backwards from the newest comment, or
taken from the GIN index within a window of the newest ids, or among all its matches, whichever reads the
fewest rows (`_all_words`), so scoring them reads about `SCORE_CAP` rows. User words are only ever bound values
turned into queries by `plainto_tsquery`, never tsquery syntax; the stems scored are quoted (`stem_query`).
The `threadbot_search` configuration stems like the porter tokenizer but keeps stop words (FTS5 does), so a
query of only stop words finds what it finds on SQLite.

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
# {matched}: the candidates (`MATCHED`, or with several stems `MATCHED_STEMS`); {counts}: each stem's count in
# the candidate, `ts_rank_cd` of that one stem with every weight 1 (one cover per position, so exactly the
# number of its positions, 0 where it is absent; at 1M comments about half the cost per row of unnesting the
# tsvector); {score}: BM25 summed over the stems, with the length part (`norm`) computed once per candidate.
# OFFSET 0 keeps each count computed once per row.
RANK = f"""
SELECT id, {{score}} AS score, count(*) OVER () AS candidates
FROM (
    SELECT c.id, {K1} * (1 - {B} + {B} * c.word_count::float8 / %(mean_length)s::float8) AS norm, {{counts}}
    FROM ({{matched}}) AS c
    OFFSET 0
) AS counted
ORDER BY score DESC, id DESC LIMIT %(limit)s
"""
# {query}: the terms' `plainto_tsquery`s joined by && or ||; {newest}: tier 1's cap, with an id window.
MATCHED = """
        SELECT id, tsv, word_count FROM comments
        WHERE archive_id = ANY(%(archives)s) AND tsv @@ ({query})
        {newest}
    """
MATCHED_STEMS = """
        SELECT id, word_count, ts_filter(setweight(tsv, 'A', %(stems)s::text[]), '{{a}}') AS tsv
        FROM ({matched}) AS matched OFFSET 0
    """
"""With several stems: each candidate's words read once, down to the query's stems, which the counts then
read. A comment's words are stored out of line once they pass about 2 kB (the longest 2% of comments, but
12% of a word's matches, since long comments hold more words), and every count of the whole words fetched
them again."""
COUNT = "ts_rank_cd('{{1,1,1,1}}', c.tsv, %(s{n})s::tsquery)::float8 AS f{n}"
TERM_SCORE = f"%(idf{{n}})s::float8 * f{{n}} * {K1 + 1} / (f{{n}} + norm)"
NEWEST = "AND id >= %(low)s ORDER BY id DESC LIMIT %(cap)s"
"""Read backwards from the newest id, checking each comment's words: cheapest when most comments match (5000
matches of a word in 10% of the comments: 50k rows read)."""
NEWEST_FROM_INDEX = "AND id >= %(low)s ORDER BY id + 0 DESC LIMIT %(cap)s"
"""`id + 0` keeps the planner from reading backwards: the GIN index's matches within the window (30 ms, not
157, for a word in 2.4% of 1M comments; 63 ms, not 28, for one in 11%)."""
NEWEST_OF_ALL = "ORDER BY id + 0 DESC LIMIT %(cap)s"
"""Every match read, no id window: cheaper than a window while the matches are few (`window_pays`)."""
MATCHES_FROM_INDEX = "SET LOCAL enable_indexscan = off; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL work_mem = '32MB'"
"""For a window or every match: the GIN index's matches (a bitmap, ANDed with the window's ids), never the
primary key read in order with each row's words checked, which the planner picks for windows of a word in 3-5%
of the comments and which reads every comment in the window (2-3x slower); no parallel workers, which cost
more than they bring on a search this size; and room to sort the newest `SCORE_CAP` matches, words and all, in
memory (with the default 4 MB they went to disk: 3.3 MB written and read again for a word in 5% of 1M)."""
KEY_ENTRY_COST = 0.01
"""What one primary-key entry of an id window costs beside reading one matching row (at 1M comments about
0.05-0.1 us against 4-7 us); a window of W ids that holds R matches costs W * this + R rows."""
BACKWARD_SHARE = 0.08
"""Above this share of the archives holding every word, tier 1 reads backwards (chosen at 1M comments over 300
queries: p99 85 ms at 0.08, 88-90 ms at 0.03 and 0.05)."""
WINDOW_MARGIN = 1.2
"""How many more ids than expected the first window spans; when it holds fewer than `SCORE_CAP` matches, the
window grows `WINDOW_GROWTH` times and the search runs again. Every id and every match in the window is read,
so the margin is paid in full on each search of a common word (at 1M comments, 1,000 queries, `store.search`
p99 117 ms at 1.5, 103 ms at 1.2, no search run twice at either)."""
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

    def window_pays(self, terms: list[str], window: int) -> bool:
        """Whether reading a window of the newest ids is cheaper than reading every match: the window's key
        entries and the matches in it, against all the matches (see `KEY_ENTRY_COST`)."""
        matches = self.share(terms) * self.documents
        return KEY_ENTRY_COST * window + min(WINDOW_MARGIN * SCORE_CAP, matches) < matches


def stem_query(stem: str) -> str:
    """A tsquery of exactly this stem, in tsquery's input syntax (quoted; quotes doubled, backslashes escaped),
    so the stem is not parsed or stemmed again."""
    return "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"


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


def _newest(stats: Statistics, low: int | None, backwards: bool) -> str:
    """How tier 1 finds the newest matches: none (score them all), reading backwards, every match, or the
    matches in the window from `low`."""
    if low is None:
        return ""
    if backwards:
        return NEWEST
    return NEWEST_OF_ALL if low <= stats.oldest else NEWEST_FROM_INDEX


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
    newest = _newest(stats, low, backwards)
    matched = MATCHED.format(query=_query(len(terms), joiner), newest=newest)
    sql = RANK.format(
        matched=MATCHED_STEMS.format(matched=matched) if len(stems) > 1 else matched,
        counts=", ".join(COUNT.format(n=n) for n in range(len(stems))),
        score=" + ".join(TERM_SCORE.format(n=n) for n in range(len(stems))),
    )
    params = {
        **_words(terms),
        **{f"s{n}": stem_query(stem) for n, stem in enumerate(stems)},
        **{f"idf{n}": stats.idf(count) for n, count in enumerate(stems.values())},
        "archives": archive_ids,
        "stems": list(stems),
        "mean_length": stats.mean_length or 1.0,
        "low": low,
        "cap": SCORE_CAP,
        "limit": limit,
    }
    # Unprepared, so every search is planned with its own words (a generic plan cannot tell rare from common).
    if newest in (NEWEST_FROM_INDEX, NEWEST_OF_ALL):
        async with conn.raw.transaction():
            await conn.raw.execute(MATCHES_FROM_INDEX)
            rows = await (await conn.raw.execute(sql, params, prepare=False)).fetchall()
    else:
        rows = await (await conn.raw.execute(sql, params, prepare=False)).fetchall()
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
    if not backwards and not stats.window_pays(terms, window):
        window = stats.newest - stats.oldest + 1  # every match, no window
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
