"""A full disk or a read-only database: every write that cannot be stored says so (what, and who can fix it),
nothing is half-written, nothing logs a traceback, and the reading commands keep answering.

SQLite's own means stand in for the disk: `PRAGMA max_page_count` on the bot's connection makes a write that
needs one more page fail with SQLITE_FULL, as a full disk does; `PRAGMA query_only` makes every write fail
with SQLITE_READONLY, as a read-only file does (checked by hand on an immutable file: BEGIN IMMEDIATE still
works, the first write fails with the same code). Tests run as root, who ignores file permissions.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from adapters.console import ConsoleAdapter
from bot.background import Background
from bot.core import Bot
from bot.features import background_ticks
from bot.models import ErrorReply, Place, Reply, TextReply
from bot.posting import Posted
from bot.prompts import tick
from bot.retrieval.indexer import Indexer
from bot.times import iso, now_iso, utc_now
from storage.db import open_database
from storage.prompt_store import Claim
from storage.stance_store import claim_key
from storage.stores import open_stores
from tests.faults.processes import REPO, clean_env, write_thread
from tests.prompts.support import RecordingPoster, attach, import_debate, utc
from tests.stance.test_stance_commands import CLAIM, THREAD

pytestmark = pytest.mark.sqlite_only  # disk full and read-only files are SQLite's

READS = [
    "quote remote work",
    "quote",
    f"stance {CLAIM}",
    f"counter {CLAIM}",
    "archives",
    "help quote",
    "prompt next",
    "prompt list",
    "session status",
    "queue",
]
WRITES = [
    f"stance vote agree {CLAIM}",
    "prompt suggest Would the office win the juniors back for good?",
    "hand",
    "prompt now",
    "prompt schedule 09:00 daily UTC",
    "archive use t",
    "notify me on",
    "session end",
]
FULL = "The bot's database is full"
READ_ONLY = "The bot's database is read-only"


async def _limit_to_current_size(bot: Bot) -> None:
    """No more pages than the file has now: a write that needs a new one fails as on a full disk."""
    database = bot.context.stores.database
    row = await database.fetchone("PRAGMA page_count")
    assert row is not None
    await database.fetchone(f"PRAGMA max_page_count = {int(row[0])}")


async def _free_space(bot: Bot) -> None:
    await bot.context.stores.database.fetchone("PRAGMA max_page_count = 1073741823")


def _text(reply: Reply) -> str:
    return reply.model_dump_json()


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def _table_counts(path: Path) -> dict[str, int]:
    """Rows per table, read by a connection of its own (what another process would see)."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


async def _claim_left_by_a_dead_process(bot: Bot, moderator: ConsoleAdapter) -> None:
    """A prompt claimed an hour ago by a process that died before sending it (the next tick releases it)."""
    await moderator.ask("prompt schedule 09:00 daily UTC")
    store = bot.context.stores.prompts
    schedule = await store.schedule("console:local", "c1")
    assert schedule is not None
    an_hour_ago = iso(utc_now() - timedelta(hours=1))
    claim = Claim(schedule.id, "2020-01-01", an_hour_ago, "intent", "pid1:dead", an_hour_ago)
    assert await store.claim(claim) is not None


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.WARNING):
        yield caplog


async def test_votes_until_the_disk_is_full_are_each_stored_or_refused_clearly(
    bot: Bot, no_models: None, logged: pytest.LogCaptureFixture
) -> None:
    """Members vote on new claims until the disk fills: every vote told stored is stored, the first refused
    one says the database is full and that nothing was stored, reads still answer, and once there is space
    again the same member's vote goes in."""
    await bot.context.stores.archives.import_records("console:local", "t", THREAD, created_at=now_iso(bot.context))
    await _limit_to_current_size(bot)
    told_stored: list[str] = []
    refused: tuple[ConsoleAdapter, str, Reply] | None = None
    for n in range(2000):
        member = ConsoleAdapter(bot, user=f"m{n}", channel="c1", moderator=False)
        claim = f"claim number {n} says remote work is better for teams"
        reply = await member.ask(f"stance vote agree {claim}")
        if isinstance(reply, ErrorReply):
            refused = (member, claim, reply)
            break
        assert "Recorded your vote" in _text(reply), reply
        told_stored.append(claim)
    assert refused is not None, "the disk never filled"
    member, claim, reply = refused
    assert isinstance(reply, ErrorReply)
    assert reply.message.startswith(FULL) and "not stored" in reply.message, reply
    assert reply.hint is not None and "operator" in reply.hint and "disk space" in reply.hint
    for read in READS[:4]:
        answer = await member.ask(read)
        assert not isinstance(answer, ErrorReply), (read, answer)
    database = bot.context.stores.database
    keys = {str(r[0]) for r in await database.fetchall("SELECT claim_key FROM stance_votes")}
    assert keys == {claim_key(c) for c in told_stored}
    claims = {str(r[0]) for r in await database.fetchall("SELECT claim_key FROM stance_claims")}
    assert claim_key(claim) not in claims  # the refused vote left nothing, not even its claim
    await _free_space(bot)
    again = await member.ask(f"stance vote agree {claim}")
    assert isinstance(again, TextReply) and "Recorded your vote" in again.text
    assert not _tracebacks(logged), _tracebacks(logged)
    assert any("free disk space" in r.getMessage() for r in logged.records)


async def test_sessions_started_until_the_disk_is_full_are_each_open_or_refused_clearly(
    bot: Bot, no_models: None, logged: pytest.LogCaptureFixture
) -> None:
    """Moderators open sessions in channel after channel as the disk fills: each one told it is open is open
    (with its cited quotes), the first refused one says nothing was stored and is not open, and once there is
    space again it opens."""
    await bot.context.stores.archives.import_records("console:local", "t", THREAD, created_at=now_iso(bot.context))
    await _limit_to_current_size(bot)
    store = bot.context.stores.sessions
    refused: ConsoleAdapter | None = None
    for n in range(500):
        moderator = ConsoleAdapter(bot, channel=f"room{n}")
        reply = await moderator.ask(f"session start Remote work, part {n} claim: {CLAIM}")
        session = await store.open_in("console:local", f"room{n}")
        if isinstance(reply, ErrorReply):
            assert reply.message.startswith(FULL) and "not stored" in reply.message, reply
            assert session is None, "told it was not stored, yet the session is open"
            refused = moderator
            break
        assert session is not None and await store.citations(session.id), (n, reply)
    assert refused is not None, "the disk never filled"
    await _free_space(bot)
    assert isinstance(await refused.ask(f"session start Remote work claim: {CLAIM}"), TextReply)
    assert not _tracebacks(logged), _tracebacks(logged)


async def test_a_session_whose_cited_quotes_cannot_be_stored_is_not_opened(bot: Bot, no_models: None) -> None:
    """The second write of `session start` fails (a trigger refuses the cited quotes, as a full page would):
    the member is told it failed, and the session is not left open without its quotes."""
    await bot.context.stores.archives.import_records("console:local", "t", THREAD, created_at=now_iso(bot.context))
    refuse = "CREATE TEMP TRIGGER refuse BEFORE INSERT ON session_citations BEGIN SELECT RAISE(ABORT, 'no'); END"
    await bot.context.stores.database.fetchone(refuse)
    reply = await ConsoleAdapter(bot, channel="room").ask(f"session start Remote work claim: {CLAIM}")
    assert isinstance(reply, ErrorReply), reply
    assert await bot.context.stores.sessions.open_in("console:local", "room") is None


class ReadOnlyAfterPosting(RecordingPoster):
    """Posts, then the database turns read-only (the disk is remounted read-only, say)."""

    database: Any = None

    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        posted = await super().post(place, reply, open_thread=open_thread)
        await self.database.fetchone("PRAGMA query_only = ON")
        return posted


async def test_a_session_opened_and_announced_just_before_the_disk_turned_read_only_says_it_is_open(
    bot: Bot, no_models: None, logged: pytest.LogCaptureFixture
) -> None:
    """The session is stored and its opening posted; then the database turns read-only, so its thread cannot
    be recorded. The moderator is told the session is open (it is), not that nothing was stored."""
    await bot.context.stores.archives.import_records("console:local", "t", THREAD, created_at=now_iso(bot.context))
    _, _, moderator = attach(bot, utc_now())
    poster = ReadOnlyAfterPosting()
    poster.database = bot.context.stores.database
    bot.context.posters.register("console", poster)
    reply = await moderator.ask(f"session start Remote work claim: {CLAIM}")
    assert isinstance(reply, TextReply) and "is open" in reply.text, reply
    assert len(poster.sent) == 1
    assert await bot.context.stores.sessions.open_in("console:local", "daily") is not None
    assert not _tracebacks(logged), _tracebacks(logged)


async def test_a_read_only_database_refuses_every_write_clearly_and_answers_every_read(
    bot: Bot, no_models: None, logged: pytest.LogCaptureFixture
) -> None:
    """With the database read-only, each write command says so and changes nothing; each read answers; a
    message the session would count and the background work (closing the session, reconciling a prompt a
    dead process claimed) log one line each."""
    await bot.context.stores.archives.import_records("console:local", "t", THREAD, created_at=now_iso(bot.context))
    moderator = ConsoleAdapter(bot, channel="c1")
    await moderator.ask("session start Remote work")
    await _claim_left_by_a_dead_process(bot, moderator)
    before = _table_counts(bot.context.settings.db)
    await bot.context.stores.database.fetchone("PRAGMA query_only = ON")
    for read in READS:
        answer = await moderator.ask(read)
        assert not isinstance(answer, ErrorReply), (read, answer)
    for write in WRITES:
        answer = await moderator.ask(write)
        assert isinstance(answer, ErrorReply), (write, answer)
        assert answer.message.startswith(READ_ONLY) and "not stored" in answer.message, (write, answer)
        assert answer.hint is not None and "writable" in answer.hint
    await moderator.say("I think the office is better for juniors")
    later = utc_now() + timedelta(hours=3)
    bot.context.clock = lambda: later  # the session is due to close
    await Background(bot.context, ticks=background_ticks()).run_once()
    assert _table_counts(bot.context.settings.db) == before
    assert not _tracebacks(logged), _tracebacks(logged)


async def test_scheduled_prompts_while_the_disk_fills_post_once_or_not_at_all(
    bot: Bot, no_models: None, logged: pytest.LogCaptureFixture
) -> None:
    """Sixty channels' prompts fall due as the disk fills: each posts once with its day recorded, or not yet
    (nothing recorded, one clear log line, no traceback); with space again, those not yet posted post once."""
    clock, poster, _ = attach(bot, utc(2026, 5, 4, 6))
    await import_debate(bot)
    channels = [f"daily{n}" for n in range(60)]
    for channel in channels:
        reply = await ConsoleAdapter(bot, channel=channel).ask("prompt schedule 09:00 daily Europe/Berlin")
        assert isinstance(reply, TextReply), reply
    await _limit_to_current_size(bot)
    clock.now = utc(2026, 5, 4, 7)
    await tick(bot.context, clock.now)
    posted = [s.place.channel for s in poster.sent]
    assert 0 < len(posted) < len(channels), "the disk did not fill midway; change the number of channels"
    assert not _tracebacks(logged), _tracebacks(logged)
    assert any("full" in r.getMessage() for r in logged.records)
    await _free_space(bot)
    for minutes in (5, 10, 15):
        clock.now = utc(2026, 5, 4, 7, minutes)
        await tick(bot.context, clock.now)
    assert sorted(s.place.channel for s in poster.sent) == sorted(channels)


async def test_the_indexer_on_a_read_only_database_logs_a_line_per_batch_not_a_traceback(
    bot: Bot, no_models: None, logged: pytest.LogCaptureFixture
) -> None:
    """Vectors that cannot be stored: a warning naming the cause, the loop goes on, nothing is stored."""

    class Zeros:
        def embed(self, texts: list[str]) -> np.ndarray:
            return np.zeros((len(texts), 8), dtype=np.float32)

    store = bot.context.stores.vectors.for_model("zeros")
    await bot.context.stores.database.fetchone("PRAGMA query_only = ON")
    loop = asyncio.create_task(Indexer(store, Zeros()).run_forever(idle_seconds=0.01, retry_seconds=0.01))
    try:
        async with asyncio.timeout(10):
            while sum("could not store a batch" in r.getMessage() for r in logged.records) < 2:
                await asyncio.sleep(0.01)
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
    assert not _tracebacks(logged), _tracebacks(logged)
    assert await store.count_pending() > 0


async def test_a_failed_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    """A COMMIT that fails (a deferred foreign key here; a full disk can fail a WAL commit the same way) is
    rolled back: the row is not there and the next write works, instead of every later write failing with
    "cannot start a transaction within a transaction" and reads seeing the unstored row."""
    database = await open_database(tmp_path / "c.db")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with database.transaction() as conn:
                await conn.execute("PRAGMA defer_foreign_keys = ON")
                await conn.execute(
                    "INSERT INTO comments (archive_id, source_id, text, content_hash) VALUES (424242, 'x', 'y', 'z')"
                )
        assert not database.conn.in_transaction
        assert await database.fetchall("SELECT id FROM comments WHERE source_id = 'x'") == []
        async with database.transaction() as conn:
            await conn.execute("INSERT INTO archives (space_key, name, created_at) VALUES ('s', 'a', 'now')")
    finally:
        await database.close()


def _import(db: Path, path: Path, **faults: str) -> subprocess.CompletedProcess[str]:
    """`threadbot import PATH --archive t` in its own process, with faults (tests/faults/crashable.py)."""
    return subprocess.run(
        [sys.executable, "-m", "tests.faults.crashable", "import", str(path), "--archive", "t"],
        capture_output=True, text=True, env=clean_env(db, **faults), cwd=REPO, timeout=120,
    )  # fmt: skip


def _archives(db: Path) -> list[tuple[str, int]]:
    """What every reader sees: published archives (an import's staged run is hidden) and their counts."""
    conn = sqlite3.connect(db)
    try:
        query = "SELECT name, comment_count FROM archives WHERE id NOT IN (SELECT archive_id FROM import_staging)"
        return [(str(r[0]), int(r[1])) for r in conn.execute(query)]
    finally:
        conn.close()


IMPORTED = 3000


def test_an_import_onto_a_full_disk_says_so_imports_nothing_and_can_be_run_again(tmp_path: Path) -> None:
    """The disk fills mid-import: exit 1 with one line naming the file, the cause and the fix, no traceback,
    no archive visible; with space again the same import adds every comment once and leaves nothing staged."""
    db = tmp_path / "i.db"
    thread = write_thread(tmp_path / "thread.jsonl", IMPORTED)
    full = _import(db, thread, FAULT_FREE_PAGES="40")
    assert full.returncode == 1, full.stderr
    assert f"threadbot: nothing was imported: cannot write to {db}: the disk is full" in full.stderr
    assert "Fix: free disk space" in full.stderr and "Traceback" not in full.stderr, full.stderr
    assert _archives(db) == []
    again = _import(db, thread)
    assert again.returncode == 0, again.stderr
    assert f"Imported {IMPORTED:,} comments" in again.stdout
    assert _archives(db) == [("t", IMPORTED)]
    assert _table_counts(db)["comments"] == IMPORTED and _table_counts(db)["import_staging"] == 0


async def test_an_import_into_a_read_only_database_says_so_and_changes_nothing(tmp_path: Path) -> None:
    """A read-only database: exit 1, the file, "read-only" and how to fix it; not a traceback; nothing changed."""
    db = tmp_path / "i.db"
    stores = await open_stores(db)
    try:
        await stores.archives.import_records("console:local", "t", THREAD, created_at="2025-03-10T18:00:00+00:00")
    finally:
        await stores.close()
    before = _table_counts(db)
    refused = _import(db, write_thread(tmp_path / "more.jsonl", 80), FAULT_READ_ONLY="1")
    assert refused.returncode == 1, refused.stderr
    assert f"threadbot: nothing was imported: cannot write to {db}: it is read-only" in refused.stderr
    assert "make the file and its folder writable" in refused.stderr and "Traceback" not in refused.stderr
    assert _table_counts(db) == before
