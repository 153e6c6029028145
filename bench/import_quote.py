"""Benchmark: import N synthetic comments, then run `quote` queries through the console adapter.

Prints import comments/s beside a raw sqlite3 executemany of the same rows into an FTS5 table with the same
tokenizer (the ratio is what to compare across machines), quote latency p50/p99, and peak memory.

    .venv/bin/python -m bench.import_quote 100000 1000000 --queries 1000
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bench.synth import comments, queries
from bot.models import QuotesReply
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord
from storage.sqlite_store import SqliteStore

FTS_TABLE = (
    "CREATE VIRTUAL TABLE comments_fts USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')"
)


def raw_import(path: Path, rows: list[CommentRecord]) -> float:
    """Seconds for a bare executemany of the texts into an FTS5 table, in one transaction."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(FTS_TABLE)
    start = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO comments_fts (rowid, text) VALUES (?, ?)", ((i, r.text) for i, r in enumerate(rows, 1))
        )
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


async def store_import(path: Path, rows: list[CommentRecord]) -> float:
    store = await SqliteStore.open(path)
    start = time.perf_counter()
    result = await store.import_records("console:local", "bench", rows, created_at=iso(utc_now()))
    elapsed = time.perf_counter() - start
    assert result.added == len(rows), (result.added, len(rows))
    await store.close()
    return elapsed


async def quote_latencies(path: Path, texts: list[str]) -> tuple[list[float], int]:
    latencies: list[float] = []
    empty = 0
    async with open_bot(Settings(db=path)) as bot:
        console = ConsoleAdapter(bot, channel="bench")
        for text in texts:
            start = time.perf_counter()
            reply = await console.ask(f"quote {text} --archive bench")
            latencies.append((time.perf_counter() - start) * 1000)
            assert isinstance(reply, QuotesReply), reply
            empty += not reply.quotes
    return latencies, empty


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench(size: int, query_count: int, folder: Path) -> None:
    rows = list(comments(size))
    raw_s = raw_import(folder / f"raw{size}.db", rows)
    ours_s = await store_import(folder / f"ours{size}.db", rows)
    latencies, empty = await quote_latencies(folder / f"ours{size}.db", queries(query_count))
    raw_rate, our_rate = size / raw_s, size / ours_s
    print(
        f"{size:>9,} comments | import {our_rate:>9,.0f}/s vs raw FTS5 executemany {raw_rate:>9,.0f}/s "
        f"(ratio {our_rate / raw_rate:.2f}) | quote p50 {statistics.median(latencies):6.1f} ms "
        f"p99 {percentile(latencies, 0.99):6.1f} ms ({query_count} queries, {empty} with no match) | "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            asyncio.run(bench(size, args.queries, Path(tmp)))


if __name__ == "__main__":
    main()
