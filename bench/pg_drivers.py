"""Benchmark: the two PostgreSQL drivers the issue names, psycopg 3 and asyncpg, on what threadbot asks of them.

1. COPY of N comment rows (the columns an import writes) into a temporary table without indexes, so the
   figure is the driver's cost and not the server's: psycopg's `write_row` in text format (what
   storage/postgres/importing.py does), psycopg in binary format, and asyncpg's `copy_records_to_table`
   (always binary).
2. The quote search: `pg_ranked_ids` of storage/postgres/search.py (statistics, BM25 rank, highlights) on a
   100k-comment archive, through the store's psycopg pool and through one asyncpg connection (the same
   statements and logic), alternating query by query.

    .venv/bin/python -m bench.pg_drivers [--rows 200000] [--archive 100000] [--queries 300] [--url ...]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import psycopg

from bench.pg_common import latency, scratch_database, server_url
from bench.synth import comments, queries
from bot.times import iso, utc_now
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


async def asyncpg_connect(url: str) -> asyncpg.Connection:
    """asyncpg on the same database (it reads URLs only, and the scratch database's name is a conninfo string)."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    port = info.get("port")
    return await asyncpg.connect(
        host=info.get("host"),
        port=int(port) if port else None,
        user=info.get("user"),
        password=info.get("password"),
        database=info.get("dbname"),
    )


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
    conn = await asyncpg_connect(url)
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


class _AsyncpgCursor:
    def __init__(self, rows: list[asyncpg.Record]) -> None:
        self.rows = rows

    async def fetchall(self) -> list[asyncpg.Record]:
        return self.rows


class _AsyncpgRaw:
    """The part of a psycopg connection storage/postgres/search.py uses (`execute`, then `fetchall`)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: dict[str, object], prepare: bool | None = None) -> _AsyncpgCursor:
        text, values = numbered(sql, params)
        return _AsyncpgCursor(await self.conn.fetch(text, *values))


class AsyncpgDatabase:
    """One asyncpg connection dressed as `PostgresDatabase` for the search: the same statements and logic
    (`pg_ranked_ids`), only the driver differs. asyncpg prepares every statement (it has no other way)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.raw = _AsyncpgRaw(conn)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncpgDatabase]:
        yield self


async def quote_queries(url: str, archive_size: int, texts: list[str]) -> None:
    stores = await postgres_stores(url)
    conn = await asyncpg_connect(url)
    try:
        result = await stores.archives.import_records(
            "bench", "drivers", list(comments(archive_size)), created_at=iso(utc_now())
        )
        archive_id = result.archive.id
        db = stores.database
        theirs_db = AsyncpgDatabase(conn)
        timings: dict[str, list[float]] = {"psycopg": [], "asyncpg": []}
        for text in texts[:20]:  # warm both connections' caches
            await search.pg_ranked_ids(db, [archive_id], text, 50)  # type: ignore[arg-type]
            await search.pg_ranked_ids(theirs_db, [archive_id], text, 50)  # type: ignore[arg-type]
        for text in texts:  # alternate, so load on the machine falls on both alike
            start = time.perf_counter()
            ours = await search.pg_ranked_ids(db, [archive_id], text, 50)  # type: ignore[arg-type]
            middle = time.perf_counter()
            theirs = await search.pg_ranked_ids(theirs_db, [archive_id], text, 50)  # type: ignore[arg-type]
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
