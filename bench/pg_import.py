"""Benchmark: importing N synthetic comments on PostgreSQL through the store, against raw COPY of the same rows.

Three fresh databases on one server, migrated by the store (the same `comments` table, indexes and triggers):

1. raw COPY: the rows, already encoded as COPY text in memory, streamed into `comments` in one statement (the
   floor: only the server's work, including the tsvector, the GIN index and the BM25 statistics trigger);
2. the store: `PostgresStore.import_records` as `threadbot import` calls it (split, hash, de-duplicate, COPY
   into a temporary table, INSERT .. ON CONFLICT, statistics, publish: one transaction), then the same import
   again, which must add nothing;
3. raw COPY with the statistics trigger disabled: what keeping BM25's statistics costs.

    .venv/bin/python -m bench.pg_import 1000000 [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import psycopg

from bench.pg_common import scratch_database, server_url
from bench.synth import comments
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord, content_hash
from storage.stores import postgres_stores

SPACE = "console:local"
COLUMNS = "archive_id, source_id, parent_source_id, author, created_at, url, text, content_hash"
CHUNK_BYTES = 1 << 20
_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def copy_text(archive_id: int, rows: list[CommentRecord]) -> list[bytes]:
    """The rows in COPY's text format, in chunks of about a megabyte."""

    def field(value: object) -> str:
        return "\\N" if value is None else str(value).translate(_ESCAPES)

    chunks: list[bytes] = []
    lines: list[str] = []
    size = 0
    for r in rows:
        values = (archive_id, r.source_id, r.parent_id, r.author, r.created_at, r.url, r.text, content_hash(r.text))
        line = "\t".join(field(v) for v in values) + "\n"
        lines.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            chunks.append("".join(lines).encode())
            lines, size = [], 0
    if lines:
        chunks.append("".join(lines).encode())
    return chunks


async def migrate(url: str) -> None:
    stores = await postgres_stores(url)
    await stores.close()


async def migrated(url: str) -> int:
    """Migrate the new database and make the archive the raw rows go to; its id."""
    await migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO archives (space_key, name, created_at) VALUES (%s, 'bench', %s) RETURNING id",
            (SPACE, iso(utc_now())),
        ).fetchone()
    assert row is not None
    return int(row[0])


def raw_copy(url: str, archive_id: int, chunks: list[bytes], *, statistics: bool) -> float:
    with psycopg.connect(url) as conn:
        if not statistics:
            conn.execute("ALTER TABLE comments DISABLE TRIGGER comments_search_insert")
            conn.commit()
        start = time.perf_counter()
        with conn.cursor().copy(f"COPY comments ({COLUMNS}) FROM STDIN") as copy:
            for chunk in chunks:
                copy.write(chunk)
        conn.commit()
        return time.perf_counter() - start


async def store_import(url: str, rows: list[CommentRecord]) -> tuple[float, float]:
    """Seconds for the import, and for importing the same rows again (which adds nothing)."""
    stores = await postgres_stores(url)
    try:
        times = []
        for expected in (len(rows), 0):
            start = time.perf_counter()
            result = await stores.archives.import_records(SPACE, "bench", rows, created_at=iso(utc_now()))
            times.append(time.perf_counter() - start)
            assert result.added == expected, (result.added, expected)
        return times[0], times[1]
    finally:
        await stores.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--url", help="a PostgreSQL server where this role may create databases")
    args = parser.parse_args()
    url = server_url(args.url)
    start = time.perf_counter()
    rows = list(comments(args.size))
    print(f"{args.size:,} synthetic comments made in {time.perf_counter() - start:.0f} s", flush=True)
    with scratch_database(url, "raw") as raw_url:
        archive_id = asyncio.run(migrated(raw_url))
        raw_s = raw_copy(raw_url, archive_id, copy_text(archive_id, rows), statistics=True)
    print(f"raw COPY into comments:           {raw_s:6.1f} s  {args.size / raw_s:9,.0f} rows/s", flush=True)
    with scratch_database(url, "store") as store_url:
        asyncio.run(migrate(store_url))
        store_s, again_s = asyncio.run(store_import(store_url, rows))
    print(
        f"store import (one transaction):   {store_s:6.1f} s  {args.size / store_s:9,.0f} rows/s  "
        f"ratio to raw COPY {raw_s / store_s:.2f} (goal >= 0.5)\n"
        f"the same import again:            {again_s:6.1f} s  (added nothing)",
        flush=True,
    )
    with scratch_database(url, "bare") as bare_url:
        archive_id = asyncio.run(migrated(bare_url))
        bare_s = raw_copy(bare_url, archive_id, copy_text(archive_id, rows), statistics=False)
    print(
        f"raw COPY, no BM25 statistics:     {bare_s:6.1f} s  {args.size / bare_s:9,.0f} rows/s  "
        f"(statistics cost {raw_s / bare_s - 1:.0%} of COPY)"
    )


if __name__ == "__main__":
    main()
