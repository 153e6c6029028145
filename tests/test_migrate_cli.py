"""`threadbot migrate`: what a database has and lacks, `--dry-run` writing nothing, and applying what is missing,
on a SQLite file and on PostgreSQL (real subprocesses)."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import load_migrations
from tests.pg_server import SKIP_REASON, admin_url, url_for
from tests.test_copy import threadbot

ALL = len(load_migrations())
LAST = "m0051_link_follows"
"""A migration the tests take away again (its table and ledger row), to see it reported pending and applied."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sqlite_dry_run_writes_nothing_and_migrate_applies_what_is_missing(tmp_path: Path) -> None:
    db = tmp_path / "ops.db"
    dry = threadbot("migrate", "--dry-run", "--db", str(db))
    assert dry.returncode == 0, dry.stderr
    assert "no such file yet" in dry.stdout and f"{ALL} of {ALL} migrations pending" in dry.stdout
    assert not db.exists()

    first = threadbot("migrate", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert f"Applied {ALL} migrations" in first.stdout and "applied now  m0001_core" in first.stdout
    assert "INFO" not in first.stderr  # the report, not the log lines
    again = threadbot("migrate", "--db", str(db))
    assert f"Up to date: all {ALL} migrations were already applied" in again.stdout

    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE link_follows")
        conn.execute("DELETE FROM schema_migrations WHERE version = 51")
    before = _digest(db)
    lacking = threadbot("migrate", "--dry-run", "--db", str(db))
    assert f"pending      {LAST}" in lacking.stdout and "1 of" in lacking.stdout
    assert _digest(db) == before
    applied = threadbot("migrate", "--db", str(db))
    assert f"applied now  {LAST}" in applied.stdout and "Applied 1 migration;" in applied.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM link_follows").fetchone() == (0,)


def test_a_database_from_a_newer_threadbot_is_reported_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "newer.db"
    assert threadbot("migrate", "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'm9999_future')")
    before = _digest(db)
    dry = threadbot("migrate", "--dry-run", "--db", str(db))
    assert dry.returncode == 1 and "unknown      9999" in dry.stdout
    assert "written by a newer threadbot" in dry.stderr and "upgrade threadbot" in dry.stderr
    refused = threadbot("migrate", "--db", str(db))
    assert refused.returncode == 1 and "newer threadbot" in refused.stderr
    assert _digest(db) == before


@pytest.fixture
def empty_pg() -> Iterator[str]:
    """An empty PostgreSQL database (no migrations at all), dropped afterwards."""
    if admin_url() is None:
        pytest.skip(SKIP_REASON)
    import psycopg

    name = f"threadbot_migrate_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url() or "", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name)
    finally:
        with psycopg.connect(admin_url() or "", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_migrate_reports_then_applies(empty_pg: str) -> None:
    import psycopg

    dry = threadbot("migrate", "--dry-run", "--database-url", empty_pg)
    assert dry.returncode == 0, dry.stderr
    assert "(PostgreSQL)" in dry.stdout and f"{ALL} of {ALL} migrations pending" in dry.stdout
    with psycopg.connect(empty_pg) as conn:
        assert conn.execute("SELECT to_regclass('schema_migrations')").fetchone() == (None,)

    applied = threadbot("migrate", env={"THREADBOT_DATABASE_URL": empty_pg})
    assert applied.returncode == 0, applied.stderr
    assert f"Applied {ALL} migrations" in applied.stdout

    with psycopg.connect(empty_pg) as conn:
        conn.execute("DROP TABLE link_follows")
        conn.execute("DELETE FROM schema_migrations WHERE version = 51")
    lacking = threadbot("migrate", "--dry-run", "--database-url", empty_pg)
    assert f"pending      {LAST}" in lacking.stdout
    again = threadbot("migrate", "--database-url", empty_pg)
    assert f"applied now  {LAST}" in again.stdout
    with psycopg.connect(empty_pg) as conn:
        assert conn.execute("SELECT count(*) FROM link_follows").fetchone() == (0,)
