"""A large `threadbot import` in another process never locks out the bot, queues behind another import, and
leaves nothing visible when killed mid-way (real processes on one SQLite file, each bounded in time)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bench.load import write_locked
from bench.synth import comments
from bot.models import TextReply
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.sqlite_store import SqliteStore
from storage.stance_store import claim_key

from .stance.test_stance_commands import CLAIM, THREAD

REPO = Path(__file__).resolve().parents[1]
BIG = 100_000  # a write phase of several seconds here: longer than a vote may wait
VOTES = 15
VOTE_BOUND_SECONDS = 2.0


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BIG synthetic comments as JSONL: a few thousand synthetic texts, each copy made distinct."""
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    base = list(comments(3000))
    with path.open("w", encoding="utf-8") as out:
        for n in range(BIG):
            record = base[n % len(base)]
            row = {
                "id": f"b{n}",
                "parent_id": None,
                "author": record.author,
                "text": f"{record.text} copy{n}",
            }
            out.write(json.dumps(row) + "\n")
    return path


def start_import(db: Path, path: Path, archive: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))}
    env["THREADBOT_DB"] = str(db)
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "import", str(path), "--archive", archive],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def wait_until_writing(db: Path, process: subprocess.Popen[str], timeout: float = 30) -> None:
    """Until the import holds the write lock once (it is past opening and parsing: writing comments)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if write_locked(db):
            return
        time.sleep(0.002)
    raise AssertionError("the import did not start writing")


def wait_until_staged(db: Path, process: subprocess.Popen[str], timeout: float = 30) -> None:
    """Until the import has committed several MB of staged chunks (its WAL grows)."""
    wal = db.with_name(db.name + "-wal")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 8_000_000:
            return
        time.sleep(0.02)
    raise AssertionError("the import did not stage anything")


def visible_count(db: Path, archive: str) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT comment_count FROM archives WHERE name = ?", (archive,)).fetchone()
        return int(row[0]) if row else -1
    finally:
        conn.close()


async def test_votes_during_an_import_are_all_stored_and_prompt(tmp_path: Path, big_file: Path) -> None:
    """15 votes cast while another process imports 100k comments: every one answered within 2 s, all stored."""
    empty = tmp_path / "no-models"
    empty.mkdir()
    settings = Settings(db=tmp_path / "bot.db", model_dir=empty)
    async with open_bot(settings) as bot:
        await bot.context.stores.archives.import_records(
            "console:local", "t", THREAD, created_at=iso(utc_now())
        )
        importer = start_import(settings.db, big_file, "big")
        try:
            wait_until_writing(settings.db, importer)
            latencies: list[float] = []
            for n in range(VOTES):
                voter = ConsoleAdapter(bot, channel="c1", user=f"voter{n}", moderator=False)
                started = time.perf_counter()
                reply = await voter.ask(f"stance vote agree {CLAIM}")
                latencies.append(time.perf_counter() - started)
                assert isinstance(reply, TextReply), reply
            still_importing = importer.poll() is None
            _, err = importer.communicate(timeout=120)
        finally:
            importer.kill()
        tally = await bot.context.stores.stance.tally("console:local", claim_key(CLAIM))
    assert importer.returncode == 0 and "Traceback" not in err, err
    assert still_importing, "the votes did not overlap the import; make BIG larger"
    assert max(latencies) < VOTE_BOUND_SECONDS, latencies
    assert sum(tally.values()) == VOTES, tally
    assert visible_count(settings.db, "big") == BIG


def test_concurrent_imports_queue_and_all_succeed(tmp_path: Path, big_file: Path) -> None:
    """Three imports started together: each waits its turn (saying so), none fails, each archive is whole."""
    db = tmp_path / "queue.db"
    first = start_import(db, big_file, "one")
    wait_until_writing(db, first)
    others = [start_import(db, big_file, name) for name in ("two", "three")]
    results = [(p, *p.communicate(timeout=150)) for p in (first, *others)]
    for process, _, err in results:
        assert process.returncode == 0 and "Traceback" not in err, err
    assert any("waits for it to finish" in err for _, _, err in results)
    assert [visible_count(db, name) for name in ("one", "two", "three")] == [BIG] * 3


async def test_an_import_killed_midway_leaves_nothing_and_reimport_adds_all_once(
    tmp_path: Path, big_file: Path
) -> None:
    """kill -9 while writing: no archive, no comment of it is visible; the next import cleans up and adds all."""
    db = tmp_path / "killed.db"
    process = start_import(db, big_file, "big")
    wait_until_staged(db, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    store = await SqliteStore.open(db)
    try:
        assert await store.find_archive("console:local", "big") is None
        assert [a.name for a in await store.list_archives("console:local")] == []
    finally:
        await store.close()
    again = start_import(db, big_file, "big")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert f"Imported {BIG:,} comments" in out
    conn = sqlite3.connect(db)
    try:
        total = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
        conn.execute("INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')")
        staged = conn.execute("SELECT count(*) FROM import_staging").fetchone()[0]
    finally:
        conn.close()
    assert (total, staged, visible_count(db, "big")) == (BIG, 0, BIG)
