"""Benchmark: 100 concurrent commands from two bot processes on one PostgreSQL database, beside the same 100
from one process on SQLite (the embedded default) in the same run: p50/p99/max latency and errors.

The commands are a mix of `quote <query>`, `stance <claim>` (the word-based fallback engine: no models, so the
figures are the database's and the core's, not the NLI model's) and `archives`, each from its own channel and
member, over a synthetic archive (bench/synth.py) plus the bundled sample. Each process opens the bot, answers
two warm-up commands, then waits for a shared start time so both processes fire their halves at once.

    .venv/bin/python -m bench.pg_throughput --url "postgresql://postgres@/postgres?host=/tmp/pg/sock&port=55432"

`--url` names a server where the bench may create (and afterwards drops) a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bench.synth import comments, queries
from bot.models import ErrorReply
from bot.settings import Settings
from storage.stores import open_stores

ARCHIVE = "synth"
SPACE = "console:local"
WARM_UP = ("archives", "quote tokens")


def commands(count: int) -> list[str]:
    """`count` commands, a third each of quote, stance and archives, on the synthetic archive's words."""
    words = queries(count)
    out = []
    for n, query in enumerate(words):
        kind = n % 3
        if kind == 0:
            out.append(f"quote {query} --archive {ARCHIVE}")
        elif kind == 1:
            out.append(f"stance {query} is what matters --archive {ARCHIVE}")
        else:
            out.append("archives")
    return out


def _settings(db: Path, url: str | None, models: Path) -> Settings:
    return Settings(db=db, database_url=url, model_dir=models, log_level="WARNING")


async def worker(
    db: Path, url: str | None, models: Path, texts: list[str], start_at: float
) -> dict[str, Any]:
    """Open the bot, warm it up, wait for `start_at` (wall clock), then run `texts` all at once."""
    async with open_bot(_settings(db, url, models)) as bot:
        for text in WARM_UP:
            await ConsoleAdapter(bot).ask(text)
        late = time.time() - start_at  # > 0: this process was not ready when the others started
        await asyncio.sleep(max(0.0, -late))

        async def one(n: int, text: str) -> tuple[float, str | None]:
            console = ConsoleAdapter(bot, user=f"member{n}", channel=f"channel{n}", moderator=False)
            started = time.perf_counter()
            try:
                reply = await console.ask(text)
            except Exception as error:  # counted, not hidden: the bench reports every failure
                return time.perf_counter() - started, f"{type(error).__name__}: {error}"
            failed = reply.message if isinstance(reply, ErrorReply) else None
            return time.perf_counter() - started, failed

        began = time.perf_counter()
        results = await asyncio.gather(*(one(n, text) for n, text in enumerate(texts)))
        wall = time.perf_counter() - began
        await bot.finish()
    return {
        "latencies": [seconds for seconds, _ in results],
        "errors": [error for _, error in results if error],
        "wall": wall,
        "late": max(0.0, late),
    }


async def prepare(db: Path, url: str | None, size: int) -> None:
    """Migrate and fill the database once (the synthetic archive), before any process starts."""
    stores = await open_stores(db, url)
    try:
        records = list(comments(size))
        await stores.archives.import_records(SPACE, ARCHIVE, records, created_at="2026-12-01T00:00:00Z")
    finally:
        await stores.close()


def spawn(
    db: Path, url: str | None, models: Path, texts: list[str], start_at: float
) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "bench.pg_throughput", "--worker", "--db", str(db), "--models", str(models)]
    argv += ["--start-at", repr(start_at), "--texts", json.dumps(texts)]
    if url:
        argv += ["--database-url", url]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)


def collect(processes: list[subprocess.Popen[str]]) -> dict[str, Any]:
    merged: dict[str, Any] = {"latencies": [], "errors": [], "wall": 0.0, "late": 0.0}
    for process in processes:
        out, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            raise SystemExit(f"a worker failed ({process.returncode})")
        part = json.loads(out.strip().splitlines()[-1])
        merged["latencies"] += part["latencies"]
        merged["errors"] += part["errors"]
        merged["wall"] = max(merged["wall"], part["wall"])
        merged["late"] = max(merged["late"], part["late"])
    return merged


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(label: str, result: dict[str, Any]) -> None:
    ms = [1000 * s for s in result["latencies"]]
    print(
        f"{label:<34} n={len(ms):>4}  p50 {statistics.median(ms):7.1f} ms  p99 {percentile(ms, 0.99):7.1f} ms  "
        f"max {max(ms):7.1f} ms  wall {1000 * result['wall']:7.1f} ms  errors {len(result['errors'])}"
    )
    if result["late"]:
        print(f"    a process was ready {result['late']:.1f} s after the start: its commands began late")
    for error in result["errors"][:5]:
        print(f"    error: {error}")


def run_round(db: Path, url: str | None, models: Path, texts: list[str], processes: int) -> dict[str, Any]:
    start_at = time.time() + 8.0 + 2.0 * processes  # time to open the bot and warm up
    share = [texts[n::processes] for n in range(processes)]
    return collect([spawn(db, url, models, part, start_at) for part in share])


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _database_url(admin: str, name: str) -> str:
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(admin)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in info.items() if v is not None})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a PostgreSQL server where the bench may create a database")
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--comments", type=int, default=20_000, help="size of the synthetic archive")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--models", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--texts", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.worker:
        result = asyncio.run(
            worker(args.db, args.database_url, args.models, json.loads(args.texts), args.start_at)
        )
        print(json.dumps(result))
        return
    if not args.url:
        parser.error("--url postgresql://... (a server where the bench may create a database) is needed")
    texts = commands(args.commands)
    name = f"threadbot_bench_{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        models = root / "no-models"
        models.mkdir()
        sqlite_db = root / "bench.db"
        _admin(args.url, f'CREATE DATABASE "{name}"')
        pg = _database_url(args.url, name)
        try:
            asyncio.run(prepare(sqlite_db, None, args.comments))
            asyncio.run(prepare(root / "unused.db", pg, args.comments))
            print(
                f"{args.commands} concurrent commands (quote / stance, word-based fallback / archives) on "
                f"{args.comments:,} synthetic comments + the sample"
            )
            for round_number in range(args.rounds):
                suffix = f" (round {round_number + 1})" if args.rounds > 1 else ""
                report("SQLite, one process" + suffix, run_round(sqlite_db, None, models, texts, 1))
                report(
                    "PostgreSQL, two processes" + suffix, run_round(root / "unused.db", pg, models, texts, 2)
                )
                report(
                    "PostgreSQL, one process" + suffix, run_round(root / "unused.db", pg, models, texts, 1)
                )
        finally:
            _admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
