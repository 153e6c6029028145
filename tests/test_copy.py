"""`threadbot copy --from sqlite:PATH --to postgresql://...`: a database the real bot made, moved to PostgreSQL,
answers the same there; a second run adds nothing; a run cut off midway leaves nothing and a re-run completes;
bad input says what to fix."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.settings import Settings
from storage.postgres.copy import copy_sqlite_to_postgres
from tests.pg_server import fresh_database

REPO = Path(__file__).resolve().parents[1]
CHANNEL = "general"
COMMANDS_BEFORE = (
    "quote tokens",
    "stance vote agree tokens are wasteful",
    "prompt schedule 09:00 daily UTC",
    "session start tokenmaxxing --minutes 30",
    "hand",
)
SAME_ON_BOTH = ("archives", "prompt list", "session status", "stance tokens are wasteful", "quote dwarkesh")
"""Their replies match word for word, but for the quote's highlighting (each backend's search marks its own
matches: FTS5 the words, PostgreSQL's headline the stems)."""


def threadbot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        capture_output=True,
        text=True,
        env=clean | (env or {}),
        cwd=REPO,
        timeout=120,
    )


def _settings(tmp_path: Path, db: Path, url: str | None = None) -> Settings:
    empty = tmp_path / "no-models"
    empty.mkdir(exist_ok=True)
    return Settings(db=db, database_url=url, model_dir=empty)


async def _ask(settings: Settings, *commands: str) -> list[str]:
    async with open_bot(settings) as bot:
        console = ConsoleAdapter(bot, channel=CHANNEL)
        return [console.render(await console.ask(text)) for text in commands]


def _quoted(rendered: str) -> set[str]:
    return {line for line in rendered.splitlines() if line.startswith("“")}


def _rows(url_or_path: str, table: str, columns: str) -> list[tuple[object, ...]]:
    if url_or_path.endswith(".db"):
        with sqlite3.connect(url_or_path) as conn:
            return sorted(conn.execute(f"SELECT {columns} FROM {table}").fetchall())
    import psycopg

    with psycopg.connect(url_or_path) as conn:
        return sorted(tuple(r) for r in conn.execute(f"SELECT {columns} FROM {table}").fetchall())


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


@pytest.fixture
async def bot_db(tmp_path: Path) -> tuple[Path, list[str]]:
    """A SQLite database the bot made: the sample, a quote shown, a vote, a prompt schedule, a session."""
    db = tmp_path / "bot.db"
    replies = await _ask(_settings(tmp_path, db), *COMMANDS_BEFORE)
    return db, replies


async def test_a_copied_database_answers_the_same_on_postgresql(
    tmp_path: Path, bot_db: tuple[Path, list[str]], pg_url: str
) -> None:
    """The same archives, schedule, session and votes; the channel's quote history came along (so `quote
    tokens` shows what it had not shown yet); new rows get new ids; a second run copies nothing."""
    db, before = bot_db
    done = threadbot("copy", "--from", f"sqlite:{db}", "--to", pg_url)
    assert done.returncode == 0, done.stderr
    assert "Copying" in done.stderr and "Ids kept" in done.stdout
    assert "comments: 49 added" in done.stdout
    rerun = threadbot("copy", "--from", f"sqlite:{db}", "--to", pg_url)
    assert rerun.returncode == 0, rerun.stderr
    assert "Nothing to copy" in rerun.stdout and "added" not in rerun.stdout

    on_sqlite = await _ask(_settings(tmp_path, db), *SAME_ON_BOTH)
    on_postgres = await _ask(_settings(tmp_path, db, pg_url), *SAME_ON_BOTH)
    assert on_postgres[:-1] == on_sqlite[:-1]
    assert on_postgres[-1].replace("**", "") == on_sqlite[-1].replace("**", "")
    assert "`sample`: 49 comments" in on_postgres[0] and "09:00 daily" in on_postgres[1]
    assert "1 waiting to speak" in on_postgres[2]
    comments = (
        "id, archive_id, source_id, parent_source_id, author, created_at, url, text, content_hash, origin"
    )
    assert _rows(pg_url, "comments", comments) == _rows(str(db), "comments", comments)

    shown_before = _quoted(before[0])
    assert len(shown_before) == 3
    again = await _ask(_settings(tmp_path, db, pg_url), "quote tokens")
    assert _quoted(again[0]) and not _quoted(again[0]) & shown_before  # the history was copied

    # PostgreSQL numbers new rows past the copied ids (its sequences were moved on)
    later = await _ask(
        _settings(tmp_path, db, pg_url), "session end", "session start second --minutes 30", "session status"
    )
    assert "second" in later[2], later
    assert [r[0] for r in _rows(pg_url, "sessions", "id")] == [1, 2]


async def test_a_destination_the_bot_already_wrote_to_is_refused(
    tmp_path: Path, bot_db: tuple[Path, list[str]], pg_url: str
) -> None:
    """Rows the source lacks would be overwritten or orphaned: the copy refuses and writes nothing."""
    db, _ = bot_db
    assert threadbot("copy", "--from", f"sqlite:{db}", "--to", pg_url).returncode == 0
    await _ask(_settings(tmp_path, db, pg_url), "stance vote disagree tokens are cheap")
    votes = _rows(pg_url, "stance_votes", "claim_key, choice")
    refused = threadbot("copy", "--from", f"sqlite:{db}", "--to", pg_url)
    assert refused.returncode == 1
    assert "already holds" in refused.stderr and "empty database" in refused.stderr
    assert _rows(pg_url, "stance_votes", "claim_key, choice") == votes


async def test_a_copy_cut_off_midway_leaves_nothing_and_a_rerun_completes(
    bot_db: tuple[Path, list[str]], pg_url: str
) -> None:
    db, _ = bot_db
    seen: list[int] = []

    def interrupt(done: int, total: int) -> None:
        seen.append(done)
        if done >= 20:
            raise KeyboardInterrupt  # Ctrl-C halfway through the comments

    with pytest.raises(KeyboardInterrupt):
        await copy_sqlite_to_postgres(db, pg_url, progress=interrupt, batch=10)
    assert 20 <= seen[-1] < 60
    assert _rows(pg_url, "comments", "id") == [] and _rows(pg_url, "archives", "id") == []

    result = await copy_sqlite_to_postgres(db, pg_url)
    assert result.added == result.rows
    assert _rows(pg_url, "comments", "id, text") == _rows(str(db), "comments", "id, text")
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    # every table of the source was either copied or is SQLite's own (FTS5 and its shadow tables)
    assert {t.name for t in result.tables} | set(result.skipped) == tables - {"schema_migrations"}
    assert all(name.startswith("comments_fts") for name in result.skipped)


def test_bad_input_says_what_to_fix(tmp_path: Path) -> None:
    missing = threadbot(
        "copy", "--from", f"sqlite:{tmp_path / 'nope.db'}", "--to", "postgresql://x@localhost/y"
    )
    assert missing.returncode == 2 and "there is no SQLite database at" in missing.stderr
    assert not (tmp_path / "nope.db").exists()
    bare = threadbot("copy", "--from", str(tmp_path / "a.db"), "--to", "postgresql://x@localhost/y")
    assert bare.returncode == 2 and "--from takes sqlite:PATH" in bare.stderr
    db = tmp_path / "a.db"
    assert threadbot("migrate", "--db", str(db)).returncode == 0
    scheme = threadbot("copy", "--from", f"sqlite:{db}", "--to", "mysql://user:secret@host/db")
    assert scheme.returncode == 2 and "--to takes a PostgreSQL URL" in scheme.stderr
    assert "secret" not in scheme.stderr
    nowhere = threadbot(
        "copy", "--from", f"sqlite:{db}", "--to", "postgresql://threadbot@127.0.0.1:9/threadbot"
    )
    assert nowhere.returncode == 1
    assert "cannot connect to postgresql://127.0.0.1:9/threadbot" in nowhere.stderr
    assert "check that the server is running" in nowhere.stderr
    unset = threadbot("copy", "--from", f"sqlite:{db}")
    assert unset.returncode == 2 and "--to postgresql://" in unset.stderr


async def test_a_source_from_a_newer_threadbot_is_refused(tmp_path: Path, pg_url: str) -> None:
    db = tmp_path / "newer.db"
    assert threadbot("migrate", "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'm9999_future')")
    refused = threadbot("copy", "--from", f"sqlite:{db}", "--to", pg_url)
    assert refused.returncode == 1 and "written by a newer threadbot" in refused.stderr
    assert _rows(pg_url, "archives", "id") == []


async def test_a_copy_killed_during_its_copy_leaves_nothing_and_a_rerun_completes(
    tmp_path: Path, pg_url: str
) -> None:
    """kill -9 of `threadbot copy` while the server shows it streaming comments: the server rolls the whole copy
    back; the next run copies everything, once."""
    import psycopg

    from storage.importers.records import CommentRecord
    from storage.stores import open_stores

    db = tmp_path / "big.db"
    stores = await open_stores(db)
    try:
        records = [
            CommentRecord(source_id=f"c{n}", text=f"comment {n} about tokens " * 20) for n in range(30_000)
        ]
        await stores.archives.import_records(
            "console:local", "big", records, created_at="2026-12-01T00:00:00Z"
        )
    finally:
        await stores.close()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))}
    copying = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "copy", "--from", f"sqlite:{db}", "--to", pg_url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean, cwd=REPO,
    )  # fmt: skip
    try:
        with psycopg.connect(pg_url, autocommit=True) as watch:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and copying.poll() is None:
                streaming = watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %threadbot_copy_comments%'"
                ).fetchone()
                if streaming and streaming[0]:
                    break
                time.sleep(0.005)
            else:
                pytest.fail("the copy never reached the comments (or ended first): too fast to cut off")
            copying.send_signal(signal.SIGKILL)
    finally:
        copying.wait(timeout=60)
    assert copying.returncode == -signal.SIGKILL
    # nothing of it is visible, and once the server has rolled it back (the rerun waits for its lock) nothing is
    # left of it either
    assert _rows(pg_url, "archives", "id") == [] and _rows(pg_url, "comments", "id") == []

    rerun = threadbot("copy", "--from", f"sqlite:{db}", "--to", pg_url)
    assert rerun.returncode == 0, rerun.stderr
    assert "comments: 30,000 added" in rerun.stdout
    assert _rows(pg_url, "comments", "id, text") == _rows(str(db), "comments", "id, text")
