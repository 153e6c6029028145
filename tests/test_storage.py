"""The SQLite store: migrations, atomic imports, idempotence, space isolation; full-text search on both
backends (the `store` fixture; tests/test_search_parity.py compares their rankings)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Settings
from storage.db import LEGACY_VERSIONS, DatabaseError, load_migrations
from storage.importers.records import CommentRecord
from storage.interface import SHARED_SPACE, Store
from storage.sqlite_store import SqliteStore
from storage.stores import database_url, open_stores

CREATED = "2025-03-10T18:00:00+00:00"  # the caller's clock, as stored text: when these archives are made


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    """The archive store on the test's backend (a SQLite file, or a fresh PostgreSQL database)."""
    stores = await open_stores(settings.db, database_url(settings))
    try:
        yield stores.archives
    finally:
        await stores.close()


def records(n: int, prefix: str = "c") -> list[CommentRecord]:
    return [
        CommentRecord(
            source_id=f"{prefix}{i}", text=f"comment {i} about tokens and reasoning {prefix}", author="ann"
        )
        for i in range(n)
    ]


async def test_migrations_are_recorded_in_user_version(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "t.db")
    await store.close()
    with sqlite3.connect(tmp_path / "t.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == load_migrations()[-1].version
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_database_from_before_the_ledger_gets_the_migrations_it_lacks(tmp_path: Path) -> None:
    """A database made when the schema stopped at 40 still gets the stance tables numbered 10-19."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        for migration in load_migrations():
            if migration.version in LEGACY_VERSIONS:
                conn.executescript(migration.sql)
        conn.execute("PRAGMA user_version = 40")
    store = await SqliteStore.open(path)
    await store.close()
    with sqlite3.connect(path) as conn:
        ledger = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert ledger == {m.version for m in load_migrations()}
    assert any(10 <= m.version < 20 for m in load_migrations())
    assert {"stance_claims", "stance_fixes", "stance_votes", "nli_cache"} <= tables


async def test_two_processes_opening_a_new_database_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    stores = await asyncio.gather(SqliteStore.open(path), SqliteStore.open(path))
    for store in stores:
        await store.close()
    with sqlite3.connect(path) as conn:
        ledger = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert ledger == [m.version for m in load_migrations()]


async def test_database_from_a_newer_threadbot_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(DatabaseError, match="newer threadbot"):
        await SqliteStore.open(tmp_path / "t.db")


async def test_a_database_with_a_migration_this_version_lacks_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = await SqliteStore.open(path)
    await store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'm9999_future')")
    with pytest.raises(DatabaseError, match="newer threadbot"):
        await SqliteStore.open(path)


async def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not sqlite " * 100)
    with pytest.raises(DatabaseError, match="not a usable threadbot database"):
        await SqliteStore.open(path)
    assert path.read_text().startswith("just some notes")


async def test_reimport_adds_nothing(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "t.db")
    first = await store.import_records("console:local", "t", records(10), created_at=CREATED)
    again = await store.import_records("console:local", "t", records(10), created_at=CREATED)
    assert (first.added, again.added, again.skipped_existing) == (10, 0, 10)
    assert again.archive.comment_count == 10
    await store.close()


async def test_failed_import_leaves_database_exactly_as_before(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "t.db")
    await store.import_records("console:local", "t", records(3), created_at=CREATED)
    bad = records(12000, "x")
    bad[11000] = CommentRecord(source_id="broken", text=None)  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
        await store.import_records("console:local", "t", bad, created_at=CREATED)
    archive = await store.find_archive("console:local", "t")
    assert archive is not None and archive.comment_count == 3
    assert await store.find_archive("console:local", "other") is None
    await store.close()


async def test_spaces_cannot_see_each_other(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "t.db")
    await store.import_records("discord:1", "mine", records(2), created_at=CREATED)
    await store.import_records(SHARED_SPACE, "sample", records(2, "s"), created_at=CREATED)
    assert [a.name for a in await store.list_archives("discord:1")] == ["mine", "sample"]
    assert [a.name for a in await store.list_archives("discord:2")] == ["sample"]
    assert await store.find_archive("discord:2", "mine") is None
    await store.close()


@pytest.mark.parametrize(
    "query", ['"', 'tokens" OR "x', "NOT tokens", "tok*", "NEAR(tokens reasoning)", "col:tokens", "^", "''"]
)
async def test_user_text_is_never_fts_syntax(store: Store, query: str) -> None:
    result = await store.import_records("console:local", "t", records(5), created_at=CREATED)
    hits = await store.search([result.archive.id], query, 10)
    assert isinstance(hits, list)


async def test_search_ranks_and_highlights(store: Store) -> None:
    result = await store.import_records(
        "console:local",
        "t",
        [
            CommentRecord(source_id="1", text="The weather was nice."),
            CommentRecord(source_id="2", text="Thinking in tokens is wasteful; tokens cost compute."),
            CommentRecord(source_id="3", text="One token here."),
        ],
        created_at=CREATED,
    )
    hits = await store.search([result.archive.id], "wasteful tokens", 10)
    assert [h.comment.source_id for h in hits] == ["2", "3"]  # stemming: "token" matches "tokens"
    assert "\x02wasteful\x03" in hits[0].highlighted


async def test_search_puts_all_word_matches_first_and_stays_bounded(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a tiny score cap, a common word is not scored over the whole archive, yet good matches still win."""
    import storage.postgres.search
    import storage.search

    monkeypatch.setattr(storage.search, "SCORE_CAP", 3)
    monkeypatch.setattr(storage.postgres.search, "SCORE_CAP", 3)
    rows = [CommentRecord(source_id=f"m{i}", text=f"model number {i}") for i in range(10)]
    rows.append(CommentRecord(source_id="both", text="a model of distillation"))
    rows.append(CommentRecord(source_id="rare", text="distillation alone"))
    result = await store.import_records("console:local", "t", rows, created_at=CREATED)
    hits = await store.search([result.archive.id], "model distillation", 5)
    assert [h.comment.source_id for h in hits[:2]] == ["both", "rare"]
    common = await store.search([result.archive.id], "model", 10)
    assert len(common) == 3  # only the newest SCORE_CAP matches of a too-common word are scored
    assert {h.comment.source_id for h in common} == {"m9", "m8", "both"}


async def test_search_across_archives_with_several_imports(store: Store) -> None:
    a1 = await store.import_records(
        "console:local", "a", [CommentRecord(source_id="1", text="tokens one")], created_at=CREATED
    )
    await store.import_records(
        "console:local", "b", [CommentRecord(source_id="2", text="tokens two")], created_at=CREATED
    )
    await store.import_records(
        "console:local", "a", [CommentRecord(source_id="3", text="tokens three")], created_at=CREATED
    )
    hits = await store.search([a1.archive.id], "tokens", 10)
    assert sorted(h.comment.text for h in hits) == ["tokens one", "tokens three"]


async def test_a_common_words_newest_matches_are_found_even_when_they_are_old(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the score cap, the newest matches are scored even when newer comments never use the word (on
    PostgreSQL the id window they are looked for in must widen until it reaches them)."""
    import storage.postgres.search
    import storage.search

    monkeypatch.setattr(storage.search, "SCORE_CAP", 3)
    monkeypatch.setattr(storage.postgres.search, "SCORE_CAP", 3)
    rows = [CommentRecord(source_id=f"old{i}", text=f"model number {i}") for i in range(20)]
    rows += [CommentRecord(source_id=f"new{i}", text=f"weather report {i}") for i in range(300)]
    result = await store.import_records("console:local", "t", rows, created_at=CREATED)
    hits = await store.search([result.archive.id], "model", 10)
    assert {h.comment.source_id for h in hits} == {"old19", "old18", "old17"}
