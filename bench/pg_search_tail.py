"""Benchmark: which searches make PostgreSQL's p99, over the databases `pg_quote_latency.py --keep DIR` left.

`store.search`'s ranking (`ranked_ids`, 50 hits) is timed query by query on SQLite and on PostgreSQL, after a
warm-up pass over every query, and the slowest PostgreSQL searches are printed with how many comments hold
each of their stems. With `--baseline FILE` another version of storage/postgres/search.py (say
`git show main:storage/postgres/search.py > /tmp/base.py`) is loaded beside the current one; the two take
turns on each query, first one then the other, and any query they rank differently is counted.

    .venv/bin/python -m bench.pg_search_tail DIR [--size 1000000] [--queries 1000] [--baseline FILE] [--slowest 20]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.pg_common import percentile, server_url, with_database
from bench.pg_quote_latency import SPACE
from bench.synth import queries
from storage import search as sqlite_search
from storage.fts import query_terms
from storage.postgres import search as pg_search
from storage.stores import open_stores


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("baseline_search", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


async def _timed(call: Any) -> tuple[float, list[int]]:
    start = time.perf_counter()
    ranked = await call
    return (time.perf_counter() - start) * 1000, [cid for cid, _, _ in ranked]


async def tail(folder: Path, size: int, count: int, url: str, baseline: Path | None, slowest: int) -> None:
    searches = {"new": pg_search, **({"previous": _module(baseline)} if baseline else {})}
    pg = await open_stores(folder / "unused.db", with_database(url, f"threadbot_bench_quote_{size}"))
    sq = await open_stores(folder / f"quote-{size}.db", None)
    try:
        pg_archive = await pg.archives.find_archive(SPACE, "bench")
        sq_archive = await sq.archives.find_archive(SPACE, "bench")
        assert pg_archive is not None and sq_archive is not None, f"no kept databases in {folder}"
        texts = queries(count)
        ms: dict[str, list[float]] = {name: [] for name in ("sqlite", *searches)}
        rows: list[tuple[float, str]] = []
        differing = 0
        for measured in (False, True):
            for n, text in enumerate(texts):
                took, _ = await _timed(sqlite_search.ranked_ids(sq.archives.db, [sq_archive.id], text, 50))  # type: ignore[arg-type]
                ms["sqlite"].append(took)
                order = list(searches.items())[:: -1 if n % 2 else 1]
                ids: dict[str, list[int]] = {}
                for name, module in order:
                    took, ids[name] = await _timed(
                        module.pg_ranked_ids(pg.archives.db, [pg_archive.id], text, 50)
                    )
                    ms[name].append(took)
                if measured:
                    differing += len({tuple(v) for v in ids.values()}) > 1
                    rows.append((ms["new"][-1], text))
            if not measured:
                ms = {name: [] for name in ms}  # the warm-up pass
        print(f"{size:,} comments, {count} queries, store.search ranking (50 hits)")
        for name, values in ms.items():
            print(
                f"  {name:9s} p50 {statistics.median(values):6.1f} ms  p99 {percentile(values, 0.99):6.1f} ms"
            )
        print(f"  new p99 / SQLite p99: {percentile(ms['new'], 0.99) / percentile(ms['sqlite'], 0.99):.2f}")
        if baseline:
            print(f"  queries ranked differently by the two PostgreSQL searches: {differing}")
        async with pg.archives.db.connection() as conn:  # type: ignore[attr-defined]
            for took, text in sorted(rows, reverse=True)[:slowest]:
                stats = await pg_search._statistics(conn, [pg_archive.id], query_terms(text))
                print(f"  {took:6.1f} ms  {text!r}: {stats.stems}")
    finally:
        await pg.close()
        await sq.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path, help="the --keep folder of pg_quote_latency.py")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--url", help="the PostgreSQL server pg_quote_latency.py used")
    parser.add_argument(
        "--baseline", type=Path, help="another storage/postgres/search.py to time beside this one"
    )
    parser.add_argument("--slowest", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(tail(args.folder, args.size, args.queries, server_url(args.url), args.baseline, args.slowest))


if __name__ == "__main__":
    main()
