"""Benchmark: `quote` latency on PostgreSQL beside SQLite, on the same N synthetic comments, in the same run.

The rows (bench/synth.py) are imported through each backend's store, then the same queries (bench/synth.py
`queries`: one to four topic words, sometimes with filler) run as `quote <words> --archive bench` through the
console adapter: the whole command, archive choice, retrieval, the channel's quote memory and its write. The
model folder is empty, so retrieval is BM25 alone on both (what differs between the backends; dense search
runs the same in-process index on both). Also timed: `store.search` alone (50 hits, what `quote` asks for).
The backends take turns query by query, so the machine's other load falls on both alike.

    .venv/bin/python -m bench.pg_quote_latency 100000 [--queries 300] [--url postgresql://...] [--keep DIR]

With `--keep DIR` the SQLite file stays in DIR and the PostgreSQL database (named by the size) on the server,
and a later run with the same size and DIR measures them again without importing (an hour's import saved when
comparing search code at 1M).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bench.pg_common import kept_database, latency, percentile, scratch_database, server_url
from bench.synth import comments, queries
from bot.models import QuotesReply
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord
from storage.stores import database_url, open_stores

SPACE = "console:local"
HITS = 50


async def imported(settings: Settings, rows: list[CommentRecord]) -> None:
    stores = await open_stores(settings.db, database_url(settings))
    try:
        start = time.perf_counter()
        result = await stores.archives.import_records(SPACE, "bench", rows, created_at=iso(utc_now()))
        print(f"  {stores.backend}: imported {result.added:,} comments in {time.perf_counter() - start:.0f} s", flush=True)
    finally:
        await stores.close()


async def alternate(calls: dict[str, Callable[[str], Awaitable[object]]], texts: list[str]) -> dict[str, list[float]]:
    """Milliseconds per query and backend, the backends taking turns on each query (the machine's other load
    falls on both alike)."""
    out: dict[str, list[float]] = {name: [] for name in calls}
    for text in texts:
        for name, call in calls.items():
            start = time.perf_counter()
            await call(text)
            out[name].append((time.perf_counter() - start) * 1000)
    return out


async def searches(settings: dict[str, Settings], texts: list[str]) -> dict[str, list[float]]:
    """`store.search` alone, 50 hits."""
    opened = {name: await open_stores(s.db, database_url(s)) for name, s in settings.items()}
    try:
        ids = {name: (await o.archives.find_archive(SPACE, "bench")).id for name, o in opened.items()}  # type: ignore[union-attr]
        calls = {
            name: (lambda q, o=o, a=ids[name]: o.archives.search([a], q, HITS)) for name, o in opened.items()
        }
        await alternate(calls, texts[:10])  # warm the caches
        return await alternate(calls, texts)
    finally:
        for o in opened.values():
            await o.close()


async def quotes(settings: dict[str, Settings], texts: list[str]) -> dict[str, list[float]]:
    """The whole `quote` command through the console adapter."""
    async with open_bot(settings["sqlite"]) as sqlite_bot, open_bot(settings["postgresql"]) as pg_bot:
        consoles = {
            "sqlite": ConsoleAdapter(sqlite_bot, channel="bench"),
            "postgresql": ConsoleAdapter(pg_bot, channel="bench"),
        }
        empty = dict.fromkeys(consoles, 0)

        def quote(name: str) -> Callable[[str], Awaitable[None]]:
            async def call(text: str) -> None:
                reply = await consoles[name].ask(f"quote {text} --archive bench")
                assert isinstance(reply, QuotesReply), reply
                empty[name] += not reply.quotes

            return call

        calls = {name: quote(name) for name in consoles}
        await alternate(calls, texts[:10])  # warm up, then let the bots' start-up work (the sample's import) end
        await sqlite_bot.finish()
        await pg_bot.finish()
        empty = dict.fromkeys(consoles, 0)
        out = await alternate(calls, texts)
    print(f"  queries that matched nothing: {empty}", flush=True)
    return out


@contextmanager
def databases(url: str, size: int, folder: Path, keep: bool) -> Iterator[tuple[dict[str, Settings], bool]]:
    """The two backends' settings, and whether both already hold the archive (`--keep`)."""
    empty_models = folder / "no-models"
    empty_models.mkdir(exist_ok=True)
    sqlite_file = folder / (f"quote-{size}.db" if keep else "bench.db")
    had_sqlite = sqlite_file.exists()
    with kept_database(url, f"threadbot_bench_quote_{size}") if keep else _scratch(url) as (pg_url, had_pg):
        yield {
            "sqlite": Settings(db=sqlite_file, model_dir=empty_models),
            "postgresql": Settings(db=folder / "unused.db", model_dir=empty_models, database_url=SecretStr(pg_url)),
        }, had_sqlite and had_pg


@contextmanager
def _scratch(url: str) -> Iterator[tuple[str, bool]]:
    with scratch_database(url, "quote") as pg_url:
        yield pg_url, False


async def bench(size: int, query_count: int, url: str, folder: Path, keep: bool) -> None:
    texts = queries(query_count)
    with databases(url, size, folder, keep) as (settings, imported_before):
        if imported_before:
            print(f"{size:,} comments already imported in {folder} and on the server", flush=True)
        else:
            start = time.perf_counter()
            rows = list(comments(size))
            print(f"{size:,} synthetic comments made in {time.perf_counter() - start:.0f} s", flush=True)
            for one in settings.values():
                await imported(one, rows)
            del rows
        timings = {"search": await searches(settings, texts), "quote": await quotes(settings, texts)}
    print(f"{size:,} comments, {query_count} queries")
    for what in ("quote", "search"):
        label = "quote command (console)" if what == "quote" else f"store.search, {HITS} hits"
        sqlite, postgres = timings[what]["sqlite"], timings[what]["postgresql"]
        ratio = percentile(postgres, 0.99) / percentile(sqlite, 0.99)
        print(f"  {label:26s} SQLite {latency(sqlite)} | PostgreSQL {latency(postgres)} | p99 ratio {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", type=int, nargs="?", default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--url", help="a PostgreSQL server where this role may create databases")
    parser.add_argument("--keep", type=Path, help="keep both databases (in this folder and on the server) to measure again")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        asyncio.run(bench(args.size, args.queries, server_url(args.url), args.keep, True))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(args.size, args.queries, server_url(args.url), Path(folder), False))


if __name__ == "__main__":
    main()
