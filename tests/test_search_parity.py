"""PostgreSQL search ranks like SQLite's FTS5: the same comments in the same order with the same BM25 scores,
after imports, edits and deletions, and with the same highlights (storage/postgres/search.py)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from storage.importers.records import CommentRecord
from storage.interface import SearchHit, Store, SyncScope
from storage.sqlite_store import SqliteStore
from storage.stores import postgres_stores
from tests.pg_server import fresh_database

CREATED = "2025-03-10T18:00:00+00:00"
SPACE = "console:local"
THREAD = [
    "Thinking in tokens is wasteful; tokens cost compute and compute costs money",
    "Reasoning models spend tokens on reasoning before they answer",
    "The weather was nice and nobody talked about models",
    "Distillation copies a big model into a small model cheaply",
    "A small model reasons badly without distillation",
    "Money talks: labs measure engineers by the tokens they burn",
    "Nobody measures reasoning by the weather",
    "Compute is cheap, reasoning is not, and tokens are the unit of both",
    "Is it the model or the data that reasons",
    "Benchmarks reward models that talk in tokens rather than think",
]
QUERIES = [
    "tokens",
    "reasoning models",
    "small model distillation",
    "compute money",
    "the",  # stop words only: searched for, as on SQLite
    "weather reasoning tokens nobody",
    "nothing matches this",
]


def thread(texts: list[str]) -> list[CommentRecord]:
    return [CommentRecord(source_id=f"c{n}", text=text, author=f"user{n % 3}") for n, text in enumerate(texts)]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database (made outside the event loop: the first one builds the template)."""
    with fresh_database() as url:
        yield url


@pytest.fixture
async def both(tmp_path: Path, pg_url: str) -> AsyncIterator[tuple[Store, Store]]:
    """A SQLite store and a PostgreSQL store, both empty."""
    sqlite = await SqliteStore.open(tmp_path / "parity.db")
    postgres = await postgres_stores(pg_url)
    try:
        yield sqlite, postgres.archives
    finally:
        await sqlite.close()
        await postgres.close()


async def ranking(store: Store, name: str, query: str) -> list[tuple[str, float]]:
    archive = await store.find_archive(SPACE, name)
    assert archive is not None
    hits: list[SearchHit] = await store.search([archive.id], query, 10)
    return [(hit.comment.source_id, round(hit.score, 9)) for hit in hits]


async def assert_same_rankings(sqlite: Store, postgres: Store, name: str) -> None:
    for query in QUERIES:
        expected = await ranking(sqlite, name, query)
        got = await ranking(postgres, name, query)
        assert dict(got) == pytest.approx(dict(expected), rel=1e-6), query
        assert [score for _, score in got] == sorted((score for _, score in got), reverse=True)


async def test_postgresql_ranks_with_the_same_bm25_scores_as_fts5(both: tuple[Store, Store]) -> None:
    sqlite, postgres = both
    for store in both:
        await store.import_records(SPACE, "t", thread(THREAD), created_at=CREATED)
    await assert_same_rankings(sqlite, postgres, "t")
    assert [s for s, _ in await ranking(postgres, "t", "tokens")][:1] == ["c0"]  # two "tokens" in a short comment


async def test_rankings_stay_equal_after_edits_and_deletions(both: tuple[Store, Store]) -> None:
    """The word statistics follow a sync that edits and deletes, an author's removal and a deleted archive."""
    sqlite, postgres = both
    edited = [text.replace("tokens", "words") for text in THREAD[:6]]
    for store in both:
        await store.import_records(SPACE, "other", thread(THREAD * 3), created_at=CREATED)
        await store.import_records(
            SPACE, "t", thread(THREAD), created_at=CREATED, sync=SyncScope(origin="hn:1", complete=True)
        )
        result = await store.import_records(
            SPACE, "t", thread(edited), created_at=CREATED, sync=SyncScope(origin="hn:1", complete=True)
        )
        assert (result.updated, result.deleted) == (3, 4)
        assert await store.delete_comments_by_author(SPACE, "t", "user1") > 0
        assert await store.delete_archive(SPACE, "other")  # FTS5's counts span the file: now only "t" is left
    await assert_same_rankings(sqlite, postgres, "t")


async def test_highlights_mark_the_same_words(both: tuple[Store, Store]) -> None:
    for store in both:
        await store.import_records(SPACE, "t", thread(THREAD), created_at=CREATED)
    for query, source_id, word in (("tokens compute", "c0", "tokens"), ("small model distillation", "c3", "model")):
        marked = []
        for store in both:
            archive = await store.find_archive(SPACE, "t")
            assert archive is not None
            marked.append({h.comment.source_id: h.highlighted for h in await store.search([archive.id], query, 10)})
        assert marked[1] == marked[0]
        assert f"\x02{word}\x03" in marked[1][source_id]


async def test_accents_are_folded_and_words_are_values(both: tuple[Store, Store]) -> None:
    for store in both:
        await store.import_records(
            SPACE,
            "t",
            thread(["Un café crème, naïvement", "cafe au lait", "NOT a query: tok* OR col:x"]),
            created_at=CREATED,
        )
        archive = await store.find_archive(SPACE, "t")
        assert archive is not None
        assert {h.comment.source_id for h in await store.search([archive.id], "cafe", 10)} == {"c0", "c1"}
        assert {h.comment.source_id for h in await store.search([archive.id], "CAFÉ", 10)} == {"c0", "c1"}
        found = await store.search([archive.id], "tok* OR col:x NOT", 10)
        assert [h.comment.source_id for h in found] == ["c2"]  # the words themselves, not operators


async def test_a_copy_from_sqlite_ranks_as_sqlite_did(tmp_path: Path, pg_url: str) -> None:
    """`threadbot copy` brings comments over; the triggers build PostgreSQL's word statistics from them."""
    from storage.postgres.copy import copy_sqlite_to_postgres

    sqlite = await SqliteStore.open(tmp_path / "source.db")
    await sqlite.import_records(SPACE, "t", thread(THREAD), created_at=CREATED)
    await sqlite.close()
    await copy_sqlite_to_postgres(tmp_path / "source.db", pg_url)
    await copy_sqlite_to_postgres(tmp_path / "source.db", pg_url)  # a re-run counts nothing twice
    sqlite = await SqliteStore.open(tmp_path / "source.db")
    postgres = await postgres_stores(pg_url)
    try:
        await assert_same_rankings(sqlite, postgres.archives, "t")
    finally:
        await sqlite.close()
        await postgres.close()


async def test_a_word_said_many_times_scores_as_on_fts5(both: tuple[Store, Store]) -> None:
    """Each candidate's count of a word is read from its positions (`ts_rank_cd` of that one stem): a word said
    once, twice or two hundred times in a comment is counted as FTS5 counts it."""
    sqlite, postgres = both
    texts = [" ".join(["tokens"] * times + ["filler words here"] * (times % 5)) for times in (1, 2, 3, 7, 40, 200)]
    texts += ["compute tokens compute", "nothing of the kind"]
    for store in both:
        await store.import_records(SPACE, "t", thread(texts), created_at=CREATED)
    for query in ("tokens", "tokens compute", "compute"):
        expected = await ranking(sqlite, "t", query)
        assert dict(await ranking(postgres, "t", query)) == pytest.approx(dict(expected), rel=1e-6), query


async def test_long_comments_score_as_on_fts5_for_several_words(both: tuple[Store, Store]) -> None:
    """A long comment's words are stored out of line (past about 2 kB); with several query words each
    candidate's words are read once and cut down to those words before they are counted."""
    sqlite, postgres = both
    words = [f"w{hashlib.sha256(str(n).encode()).hexdigest()[:10]}" for n in range(400)]  # incompressible
    filler = " ".join(" ".join([word] * (n % 3 + 1)) for n, word in enumerate(words))
    texts = [f"tokens {filler} compute tokens models", f"compute {filler}", "tokens compute models", filler]
    texts += [f"models {'tokens ' * n}short" for n in range(1, 6)]
    for store in both:
        await store.import_records(SPACE, "t", thread(texts), created_at=CREATED)
    for query in ("tokens compute", "tokens compute models", f"models {words[7]} {words[399]}", "tokens"):
        expected = await ranking(sqlite, "t", query)
        assert expected, query
        assert dict(await ranking(postgres, "t", query)) == pytest.approx(dict(expected), rel=1e-6), query


@pytest.mark.parametrize("key_entry_cost", [0.0, 1e9], ids=["id-window", "every-match"])
async def test_a_common_words_newest_matches_are_the_same_however_they_are_found(
    both: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch, key_entry_cost: float
) -> None:
    """Past the score cap, PostgreSQL finds a word's newest matches either in a window of the newest ids or by
    reading every match, whichever costs less; both give FTS5's newest matches, ranked as FTS5 ranks them."""
    import storage.postgres.search
    import storage.search

    monkeypatch.setattr(storage.search, "SCORE_CAP", 4)
    monkeypatch.setattr(storage.postgres.search, "SCORE_CAP", 4)
    monkeypatch.setattr(storage.postgres.search, "KEY_ENTRY_COST", key_entry_cost)
    texts = [f"weather report {n}" if n % 40 else f"model {'model ' * (n % 3)}number {n}" for n in range(1, 600)]
    sqlite, postgres = both
    for store in both:
        await store.import_records(SPACE, "t", thread(texts), created_at=CREATED)
    expected = await ranking(sqlite, "t", "model")
    assert len(expected) == 4
    assert dict(await ranking(postgres, "t", "model")) == pytest.approx(dict(expected), rel=1e-6)


async def test_a_stem_is_searched_as_itself_whatever_its_characters() -> None:
    """The tsquery of one stem (`stem_query`) is exactly that stem, quotes and backslashes included, and counts
    its positions in a comment's tsvector."""
    import psycopg

    from storage.postgres.search import stem_query

    with fresh_database() as url:
        async with await psycopg.AsyncConnection.connect(url) as conn:
            for stem in ("token", "o'neil", "a\\b", "x:y & !z", "''"):
                quoted = stem_query(stem)
                cursor = await conn.execute(
                    "SELECT querytree(%s::tsquery), ts_rank_cd('{1,1,1,1}', (%s || ':1,4,9 other:2')::tsvector, %s::tsquery)",
                    (quoted, quoted, quoted),
                )
                row = await cursor.fetchone()
                assert row is not None
                assert row[0] == quoted, stem
                assert row[1] == 3, stem
