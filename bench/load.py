"""Benchmark: the bot's votes and quotes while a separate `threadbot import` process writes a large file.

Prints the import's wall time, how many votes were stored of those cast, the errors, and p50/p99 latency of
votes and quotes cast during the import (the bot runs in this process on the word-based fallback engine).

    .venv/bin/python -m bench.synth 300000 /tmp/s300k.jsonl
    .venv/bin/python -m bench.load /tmp/s300k.jsonl --votes 20

With `--burst N`: per adapter (the console; the real discord.py and Bolt clients against the loopback fakes of
tests/discord and tests/slack), N members' mixed commands at once (a quarter of them votes; tests/faults/burst.py)
while `threadbot import PATH` runs again and again in another process; p50/p99, errors, and votes told stored
but missing from the database (lost):

    .venv/bin/python -m bench.synth 20000 /tmp/s20k.jsonl
    .venv/bin/python -m bench.load /tmp/s20k.jsonl --burst 200
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.models import ErrorReply
from bot.settings import Settings
from storage.stance_store import claim_key

CLAIM = "Tokens are the unit of reasoning"


def write_locked(db: Path) -> bool:
    """Whether another process holds the (migrated) database's write lock right now."""
    if not db.exists():
        return False
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        if conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'comments_fts'").fetchone()[0] == 0:
            return False
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def run(path: Path, votes: int, spacing: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.db"
        models = Path(folder) / "no-models"
        models.mkdir()
        async with open_bot(Settings(db=db, model_dir=models)) as bot:
            env = {k: v for k, v in os.environ.items() if not k.startswith("THREADBOT_")} | {
                "THREADBOT_DB": str(db)
            }
            started = time.perf_counter()
            importer = subprocess.Popen(
                [sys.executable, "-m", "adapters.cli", "import", str(path), "--archive", "big"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            while importer.poll() is None and not write_locked(db):
                await asyncio.sleep(0.002)
            vote_s: list[float] = []
            quote_s: list[float] = []
            errors: list[str] = []
            for n in range(votes):
                voter = ConsoleAdapter(bot, channel="load", user=f"voter{n}", moderator=False)
                for text, times in (
                    (f"stance vote agree {CLAIM}", vote_s),
                    ("quote tokens reasoning", quote_s),
                ):
                    t0 = time.perf_counter()
                    reply = await voter.ask(text)
                    times.append(time.perf_counter() - t0)
                    if isinstance(reply, ErrorReply):
                        errors.append(f"{text.split()[0]}: {reply.message}")
                await asyncio.sleep(spacing)
            overlapped = importer.poll() is None
            _, err = await asyncio.to_thread(importer.communicate)
            elapsed = time.perf_counter() - started
            stored = sum((await bot.context.stores.stance.tally("console:local", claim_key(CLAIM))).values())
    print(f"import exit {importer.returncode} in {elapsed:.1f} s; traceback: {'Traceback' in err}")
    print(f"votes cast {votes}, stored {stored}; all during the import: {overlapped}")
    print(f"errors {len(errors)}: {sorted(set(errors))[:3]}")
    for name, times in (("vote", vote_s), ("quote", quote_s)):
        print(
            f"{name}: p50 {statistics.median(times) * 1000:.0f} ms, p99 {_percentile(times, 0.99) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms"
        )


class ErrorLog(logging.Handler):
    """Counts what is logged at ERROR or above (a traceback in the bot is an error of the burst)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def run_burst(path: Path, count: int, adapters: list[str]) -> None:
    from tests.faults.burst import DRIVERS, burst  # the platform fakes live with the tests
    from tests.faults.processes import ImportLoop

    for name in adapters:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "burst.db"
            models = Path(folder) / "no-models"
            models.mkdir()
            errors = ErrorLog()
            async with open_bot(Settings(db=db, model_dir=models)) as bot, DRIVERS[name](bot) as driver:
                await driver.prepare(bot)
                imports = ImportLoop(db, path)
                await imports.start()
                logging.getLogger().addHandler(errors)
                try:
                    tally = await burst(bot, driver, count)
                finally:
                    logging.getLogger().removeHandler(errors)
                overlapped = imports.running
                results = await imports.stop()
            failed = sum(code != 0 or "Traceback" in err for code, err in results)
            print(f"{tally.line()}; logged errors {len(errors.messages)}; imports {len(results)} (failed {failed}), "
                  f"one running throughout: {overlapped}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a file to import (e.g. from bench.synth)")
    parser.add_argument("--votes", type=int, default=20)
    parser.add_argument(
        "--spacing", type=float, default=0.2, help="seconds between a vote+quote and the next"
    )
    parser.add_argument(
        "--burst", type=int, metavar="N", help="instead: N mixed commands at once through each adapter"
    )
    parser.add_argument("--adapters", default="console,discord,slack", help="with --burst: which adapters")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.burst:
        asyncio.run(run_burst(args.path, args.burst, args.adapters.split(",")))
    else:
        asyncio.run(run(args.path, args.votes, args.spacing))


if __name__ == "__main__":
    main()
