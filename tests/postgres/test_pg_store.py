"""The PostgreSQL backend itself: migrations in the shared ledger, refusals that say what to do, imports that
are atomic and idempotent, and text PostgreSQL cannot hold. (The features' own tests run on both backends
through the `backend` fixture; these are what only PostgreSQL has.)"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from storage.db import load_migrations
from storage.importers.records import CommentRecord
from storage.postgres.migrate import load_pg_migrations
from storage.sql import DatabaseError
from storage.stores import Stores, postgres_stores
from tests.pg_server import empty_database, fresh_database

REPO = Path(__file__).resolve().parents[2]
CREATED = "2026-01-01T00:00:00Z"
SPACE = "console:local"
OPEN_AND_CLOSE = """
import asyncio, sys
from storage.stores import postgres_stores

async def main() -> None:
    stores = await postgres_stores(sys.argv[1])
    await stores.close()

asyncio.run(main())
"""


def records(n: int, prefix: str = "c") -> list[CommentRecord]:
    return [CommentRecord(source_id=f"{prefix}{i}", text=f"comment {prefix} {i} about tokens") for i in range(n)]


@pytest.fixture
async def stores() -> AsyncIterator[Stores]:
    with fresh_database() as url:
        opened = await postgres_stores(url)
        try:
            yield opened
        finally:
            await opened.close()


def test_every_sqlite_migration_has_a_postgresql_twin() -> None:
    """Both ledgers list the same numbered steps, so `threadbot copy` and operators see one schema history."""
    assert [(m.version, m.name) for m in load_pg_migrations()] == [(m.version, m.name) for m in load_migrations()]


async def test_two_processes_migrating_a_new_database_at_once_both_succeed() -> None:
    with empty_database() as url:
        runs = [subprocess.Popen([sys.executable, "-c", OPEN_AND_CLOSE, url], cwd=REPO) for _ in range(2)]
        assert [run.wait(timeout=120) for run in runs] == [0, 0]
        with psycopg.connect(url) as conn:
            ledger = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert ledger == [m.version for m in load_migrations()]


async def test_a_database_with_a_migration_this_version_lacks_is_refused() -> None:
    with fresh_database() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'm9999_future')")
        with pytest.raises(DatabaseError, match="newer threadbot"):
            await postgres_stores(url)


async def test_an_unreachable_server_is_refused_clearly_without_the_password() -> None:
    url = "postgresql://threadbot:hunter2@127.0.0.1:9/threadbot?connect_timeout=1"
    with pytest.raises(DatabaseError) as refused:
        await asyncio.wait_for(postgres_stores(url), timeout=60)
    message = str(refused.value)
    assert "cannot connect to postgresql://127.0.0.1:9/threadbot" in message
    assert "THREADBOT_DATABASE_URL" in message and "hunter2" not in message


async def test_reimport_adds_nothing(stores: Stores) -> None:
    first = await stores.archives.import_records(SPACE, "t", records(10), created_at=CREATED)
    again = await stores.archives.import_records(SPACE, "t", records(10), created_at=CREATED)
    assert (first.added, again.added, again.skipped_existing) == (10, 0, 10)
    assert again.archive.comment_count == 10


async def test_failed_import_leaves_database_exactly_as_before(stores: Stores) -> None:
    await stores.archives.import_records(SPACE, "t", records(3), created_at=CREATED)
    bad = records(12000, "x")
    bad[11000] = CommentRecord(source_id="broken", text=None)  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
        await stores.archives.import_records(SPACE, "t", bad, created_at=CREATED)
    with pytest.raises(Exception):  # noqa: B017
        await stores.archives.import_records(SPACE, "other", bad, created_at=CREATED)
    archive = await stores.archives.find_archive(SPACE, "t")
    assert archive is not None and archive.comment_count == 3
    assert await stores.archives.count_comments([archive.id]) == 3
    assert await stores.archives.find_archive(SPACE, "other") is None


async def test_concurrent_imports_of_one_archive_add_each_comment_once(stores: Stores) -> None:
    """Two imports of the same thread at once (two processes importing one link) wait for each other."""
    done = await asyncio.gather(
        *(stores.archives.import_records(SPACE, "t", records(500), created_at=CREATED) for _ in range(3))
    )
    assert sorted(result.added for result in done) == [0, 0, 500]
    archive = await stores.archives.find_archive(SPACE, "t")
    assert archive is not None and archive.comment_count == 500


async def test_a_comment_with_a_nul_character_is_stored_and_found(stores: Stores) -> None:
    """PostgreSQL's text cannot hold NUL; the import keeps the comment, with U+FFFD in its place."""
    result = await stores.archives.import_records(
        SPACE, "t", [CommentRecord(source_id="n", text="tokens\x00 are cheap")], created_at=CREATED
    )
    [hit] = await stores.archives.search([result.archive.id], "tokens cheap", 3)
    assert hit.comment.text == "tokens\ufffd are cheap"


async def test_a_write_while_the_server_is_gone_says_nothing_was_changed(stores: Stores) -> None:
    """A command whose connection is cut gets the user-facing "try again", and the pool reconnects."""
    from storage.postgres.database import DatabaseUnavailableError, PostgresDatabase

    database = stores.database
    assert isinstance(database, PostgresDatabase)
    with psycopg.connect(database.url, autocommit=True) as admin, pytest.raises(DatabaseUnavailableError) as cut:
        async with database.transaction() as conn:
            pid = await (await conn.execute("SELECT pg_backend_pid()")).fetchone()
            assert pid is not None
            admin.execute("SELECT pg_terminate_backend(%s)", (pid[0],))
            await conn.execute("INSERT INTO channel_settings VALUES ('s', 'c', 'k', 'v')")
    assert "nothing was changed" in cut.value.message and cut.value.hint == "Try again in a moment."
    await stores.archives.set_channel_setting("s", "c", "k", "v")
    assert await stores.archives.get_channel_setting("s", "c", "k") == "v"
