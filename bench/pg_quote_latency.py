"""Benchmark: `quote` latency on PostgreSQL beside SQLite, on the same N synthetic comments, in the same run.

The rows (bench/synth.py) are imported through each backend's store, then the same queries (bench/synth.py
`queries`: one to four topic words, sometimes with filler) run as `quote <words> --archive bench` through the
console adapter: the whole command, archive choice, retrieval, the channel's quote memory and its write. The
model folder is empty, so retrieval is BM25 alone on both (what differs between the backends; dense search
runs the same in-process index on both). Also timed: `store.search` alone (50 hits, what `quote` asks for).

    .venv/bin/python -m bench.pg_quote_latency 100000 [--queries 300] [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import SecretStr

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bench.pg_common import latency, percentile, scratch_database, server_url
from bench.synth import comments, queries
from bot.models import QuotesReply
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord
from storage.stores import open_stores

SPACE = "console:local"
HITS = 50


async def timed(texts: list[str], call: Callable[[str], Awaitable[object]]) -> list[float]:
    out = []
    for text in texts:
        start = time.perf_counter()
        await call(text)
        out.append((time.perf_counter() - start) * 1000)
    return out


async def measure(settings: Settings, rows: list[CommentRecord], texts: list[str]) -> dict[str, list[float]]:
    stores = await open_stores(settings.db, settings.database_url.get_secret_value() if settings.database_url else None)
    try:
        start = time.perf_counter()
        result = await stores.archives.import_records(SPACE, "bench", rows, created_at=iso(utc_now()))
        print(f"  {stores.backend}: imported {result.added:,} comments in {time.perf_counter() - start:.0f} s", flush=True)
        archive_id = result.archive.id
        await stores.archives.search([archive_id], texts[0], HITS)  # warm the caches
        search = await timed(texts, lambda q: stores.archives.search([archive_id], q, HITS))
    finally:
        await stores.close()
    async with open_bot(settings) as bot:
        console = ConsoleAdapter(bot, channel="bench")
        empty = 0

        async def quote(text: str) -> None:
            nonlocal empty
            reply = await console.ask(f"quote {text} --archive bench")
            assert isinstance(reply, QuotesReply), reply
            empty += not reply.quotes

        command = await timed(texts, quote)
    print(f"  {stores.backend}: {empty} of {len(texts)} queries matched nothing", flush=True)
    return {"quote": command, "search": search}


async def bench(size: int, query_count: int, url: str, folder: Path) -> None:
    start = time.perf_counter()
    rows = list(comments(size))
    texts = queries(query_count)
    print(f"{size:,} synthetic comments made in {time.perf_counter() - start:.0f} s", flush=True)
    empty_models = folder / "no-models"
    empty_models.mkdir()
    sqlite = await measure(Settings(db=folder / "bench.db", model_dir=empty_models), rows, texts)
    with scratch_database(url, "quote") as pg_url:
        postgres = await measure(
            Settings(db=folder / "unused.db", model_dir=empty_models, database_url=SecretStr(pg_url)), rows, texts
        )
    print(f"{size:,} comments, {query_count} queries")
    for what in ("quote", "search"):
        label = "quote command (console)" if what == "quote" else f"store.search, {HITS} hits"
        ratio = percentile(postgres[what], 0.99) / percentile(sqlite[what], 0.99)
        print(f"  {label:26s} SQLite {latency(sqlite[what])} | PostgreSQL {latency(postgres[what])} | p99 ratio {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", type=int, nargs="?", default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--url", help="a PostgreSQL server where this role may create databases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(args.size, args.queries, server_url(args.url), Path(folder)))


if __name__ == "__main__":
    main()
