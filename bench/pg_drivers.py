"""Benchmark: the two PostgreSQL drivers the issue names, psycopg 3 and asyncpg, on what threadbot asks of them.

1. COPY of N comment rows (the columns an import writes) into a temporary table without indexes, so the
   figure is the driver's cost and not the server's: psycopg's `write_row` in text format (what
   storage/postgres/importing.py does), psycopg in binary format, and asyncpg's `copy_records_to_table`
   (always binary).
2. The quote search: the statements of storage/postgres/search.py (statistics, BM25 rank, highlights) on a
   100k-comment archive, run by the store itself (psycopg) and by the same SQL and logic through asyncpg.

    .venv/bin/python -m bench.pg_drivers [--rows 200000] [--archive 100000] [--queries 300] [--url ...]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from collections.abc import Sequence

import asyncpg
import psycopg

from bench.pg_common import latency, scratch_database, server_url
from bench.synth import comments, queries
from bot.times import iso, utc_now
from storage.fts import query_terms
from storage.importers.records import content_hash
from storage.postgres import search
from storage.stores import postgres_stores

TEMP_TABLE = """
CREATE TEMPORARY TABLE incoming (archive_id BIGINT, source_id TEXT, parent_source_id TEXT, author TEXT,
    created_at TEXT, url TEXT, text TEXT, content_hash TEXT, origin TEXT)
"""
COLUMNS = ["archive_id", "source_id", "parent_source_id", "author", "created_at", "url", "text", "content_hash", "origin"]
TYPES = ["int8", "text", "text", "text", "text", "text", "text", "text", "text"]
Row = tuple[object, ...]


def rows(count: int) -> list[Row]:
    return [
        (1, r.source_id, r.parent_id, r.author, r.created_at, r.url, r.text, content_hash(r.text), None)
        for r in comments(count)
    ]


async def copy_psycopg(url: str, data: list[Row], *, binary: bool) -> float:
    conn = await psycopg.AsyncConnection.connect(url)
    try:
        await conn.execute(TEMP_TABLE)
        start = time.perf_counter()
        statement = f"COPY incoming ({', '.join(COLUMNS)}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
        async with conn.cursor().copy(statement) as copy:
            if binary:
                copy.set_types(TYPES)
            for row in data:
                await copy.write_row(row)
        await conn.commit()
        return time.perf_counter() - start
    finally:
        await conn.close()


async def copy_asyncpg(url: str, data: list[Row]) -> float:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(TEMP_TABLE)
        start = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("incoming", records=data, columns=COLUMNS)
        return time.perf_counter() - start
    finally:
        await conn.close()


def numbered(sql: str, params: dict[str, object]) -> tuple[str, list[object]]:
    """psycopg's %(name)s placeholders as asyncpg's $n, with the values in order."""
    names: list[str] = []

    def place(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", place, sql), [params[n] for n in names]


async def asyncpg_ranked_ids(
    conn: asyncpg.Connection, archive_ids: Sequence[int], query: str, limit: int
) -> list[tuple[int, float, str]]:
    """storage/postgres/search.py's `pg_ranked_ids`, statement for statement, through asyncpg."""
    terms = query_terms(query)
    archives = list(archive_ids)
    sql, values = numbered(search.STATISTICS, {"archives": archives, "terms": terms})
    rows = await conn.fetch(sql, *values)
    stems: dict[str, dict[str, int]] = {}
    for row in rows:
        if row[2] is not None:
            stems.setdefault(terms[int(row[2]) - 1], {})[str(row[3])] = int(row[4])
    documents = int(rows[0][0]) if rows else 0
    stats = search.Statistics(documents, int(rows[0][1]) / documents if documents else 1.0, stems)
    present = [t for t in terms if stems.get(t) and all(stems[t].values())]
    if not present:
        return []

    async def rank(chosen: list[str], joiner: str, newest: bool) -> list[tuple[int, float]]:
        lexemes = {stem: n for term in chosen for stem, n in stems[term].items()}
        params = {
            **search._words(chosen),
            "archives": archives,
            "lexemes": list(lexemes),
            "idf": [stats.idf(n) for n in lexemes.values()],
            "mean_length": stats.mean_length or 1.0,
            "cap": search.SCORE_CAP,
            "limit": limit,
        }
        text = search.RANK.format(query=search._query(len(chosen), joiner), newest=search.NEWEST if newest else "")
        sql, values = numbered(text, params)
        return [(int(r[0]), float(r[1])) for r in await conn.fetch(sql, *values)]

    ranked = {cid: (0, score) for cid, score in await rank(present, "&&", True)}
    rare = [t for t in present if min(stems[t].values()) <= search.SCORE_CAP]
    if len(ranked) < limit and rare and len(present) > 1:
        for cid, score in await rank(rare, "||", False):
            ranked.setdefault(cid, (1, score))
    best = sorted(ranked.items(), key=lambda item: (item[1][0], -item[1][1]))[:limit]
    ids = [cid for cid, _ in best]
    sql, values = numbered(
        search.HIGHLIGHT.format(query=search._query(len(present), "||")),
        {**search._words(present), "ids": ids, "options": search.HEADLINE_OPTIONS},
    )
    marked = {int(r[0]): str(r[1]) for r in await conn.fetch(sql, *values) if r[1] is not None}
    return [(cid, score, marked.get(cid, "")) for cid, (_, score) in best]


async def quote_queries(url: str, archive_size: int, texts: list[str]) -> None:
    stores = await postgres_stores(url)
    conn = await asyncpg.connect(url)
    try:
        result = await stores.archives.import_records(
            "bench", "drivers", list(comments(archive_size)), created_at=iso(utc_now())
        )
        archive_id = result.archive.id
        db = stores.database
        timings: dict[str, list[float]] = {"psycopg": [], "asyncpg": []}
        for text in texts[:20]:  # warm both connections' caches
            await search.pg_ranked_ids(db, [archive_id], text, 50)  # type: ignore[arg-type]
            await asyncpg_ranked_ids(conn, [archive_id], text, 50)
        for text in texts:  # alternate, so load on the machine falls on both alike
            start = time.perf_counter()
            ours = await search.pg_ranked_ids(db, [archive_id], text, 50)  # type: ignore[arg-type]
            middle = time.perf_counter()
            theirs = await asyncpg_ranked_ids(conn, [archive_id], text, 50)
            end = time.perf_counter()
            assert [c for c, _, _ in ours] == [c for c, _, _ in theirs], text
            timings["psycopg"].append((middle - start) * 1000)
            timings["asyncpg"].append((end - middle) * 1000)
        print(f"quote search on {archive_size:,} comments, {len(texts)} queries (50 hits):")
        for driver, ms in timings.items():
            print(f"  {driver:8s} {latency(ms)}  mean {sum(ms) / len(ms):6.1f} ms")
    finally:
        await conn.close()
        await stores.close()


async def bench(url: str, count: int, archive_size: int, query_count: int) -> None:
    data = rows(count)
    results = {"psycopg text (ours)": [], "psycopg binary": [], "asyncpg binary": []}
    for _ in range(2):  # twice, interleaved: the machine's other load falls on all three
        results["psycopg text (ours)"].append(await copy_psycopg(url, data, binary=False))
        results["psycopg binary"].append(await copy_psycopg(url, data, binary=True))
        results["asyncpg binary"].append(await copy_asyncpg(url, data))
    print(f"COPY of {count:,} comment rows into an unindexed temporary table (best of 2):")
    for label, seconds in results.items():
        best = min(seconds)
        print(f"  {label:20s} {best:6.2f} s  {count / best:10,.0f} rows/s")
    await quote_queries(url, archive_size, queries(query_count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--archive", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--url", help="a PostgreSQL server where this role may create databases")
    args = parser.parse_args()
    with scratch_database(server_url(args.url), "drivers") as url:
        asyncio.run(bench(url, args.rows, args.archive, args.queries))


if __name__ == "__main__":
    main()
