"""Remembered retrieval: the same question over an unchanged archive skips the search, and any change to the
archive's comments (import, delete, edit, an archive re-created under the same id) or to its vectors is seen."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core import Bot
from bot.engine.loader import Engine
from bot.retrieval import retrieve
from bot.retrieval.indexer import indexer_for
from bot.retrieval.memo import Memo
from bot.retrieval.search import vector_store
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.retrieval.conftest import GARDEN, PARAPHRASE, SPACE, import_garden


def _count_searches(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The query of every full-text search the store runs from now on."""
    store = bot.context.stores.archives
    real = store.search
    queries: list[str] = []

    async def counting(archive_ids: Any, query: str, limit: int) -> Any:
        queries.append(query)
        return await real(archive_ids, query, limit)

    monkeypatch.setattr(store, "search", counting)
    return queries


async def test_the_same_question_is_answered_without_searching_again(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    garden = await import_garden(bot)
    searches = _count_searches(bot, monkeypatch)
    first = await retrieve(bot.context, [garden.id], "summer tomatoes", 5)
    again = await retrieve(bot.context, [garden.id], "summer tomatoes", 5)
    assert searches == ["summer tomatoes"]
    assert again.hits == first.hits and again.hits
    again.hits.clear()  # a caller changing its list leaves the remembered answer whole
    assert (await retrieve(bot.context, [garden.id], "summer tomatoes", 5)).hits == first.hits
    await retrieve(bot.context, [garden.id], "summer tomatoes", 3)  # other options: another question
    assert len(searches) == 2


async def test_new_and_deleted_comments_are_seen_at_once(bot: Bot) -> None:
    ctx = bot.context
    garden = await import_garden(bot)
    before = await retrieve(ctx, [garden.id], "tomatoes", 10)
    await ctx.stores.archives.import_records(
        SPACE,
        garden.name,
        [CommentRecord(source_id="late", text="Green tomatoes make a fine chutney.", author="zoe")],
        created_at=now_iso(ctx),
    )
    added = await retrieve(ctx, [garden.id], "tomatoes", 10)
    assert len(added.hits) == len(before.hits) + 1
    assert await ctx.stores.archives.delete_comments_by_author(SPACE, garden.name, "zoe") == 1
    assert [h.comment.id for h in (await retrieve(ctx, [garden.id], "tomatoes", 10)).hits] == [
        h.comment.id for h in before.hits
    ]


async def test_an_edited_comment_is_seen(bot: Bot) -> None:
    ctx = bot.context
    garden = await import_garden(bot)
    hit = (await retrieve(ctx, [garden.id], "mortgages", 5)).hits[0]
    db = ctx.stores.database
    async with db.transaction() as conn:
        await conn.execute("UPDATE comments SET text = ? WHERE id = ?", ("Rates fell; loans are cheap.", hit.comment.id))
    assert (await retrieve(ctx, [garden.id], "mortgages", 5)).hits == []


async def test_an_archive_recreated_under_the_same_id_is_not_confused_with_the_old_one(bot: Bot) -> None:
    """Deleting an archive frees its id; a new archive may reuse it, and must not get the old one's hits."""
    ctx = bot.context
    first = await ctx.stores.archives.import_records(
        SPACE, "club", [CommentRecord(source_id="1", text="Tomatoes are a fruit.")], created_at=now_iso(ctx)
    )
    assert [h.comment.text for h in (await retrieve(ctx, [first.archive.id], "tomatoes", 5)).hits]
    assert await ctx.stores.archives.delete_archive(SPACE, "club")
    second = await ctx.stores.archives.import_records(
        SPACE,
        "club",
        [CommentRecord(source_id="1", text="Tomatoes are a vegetable.")],
        created_at=now_iso(ctx),
    )
    assert second.archive.id == first.archive.id  # SQLite gave the freed id again
    got = await retrieve(ctx, [second.archive.id], "tomatoes", 5)
    assert [h.comment.text for h in got.hits] == ["Tomatoes are a vegetable."]


async def test_vectors_added_by_the_indexer_change_the_answer(bot: Bot, engine: Engine) -> None:
    """Asked before the archive is embedded, a paraphrase finds nothing; after, the same question finds it."""
    ctx = bot.context
    garden = await import_garden(bot)
    assert (await retrieve(ctx, [garden.id], PARAPHRASE, 3)).hits == []
    assert engine.embedder is not None
    indexer = indexer_for(ctx.stores.vectors, engine.embedder)
    assert indexer is not None
    await indexer.drain()
    found = await retrieve(ctx, [garden.id], PARAPHRASE, 3)
    assert found.hits and found.hits[0].comment.text == GARDEN[0]


def test_the_memo_forgets_the_least_recently_used_first() -> None:
    memo: Memo[str] = Memo(max_entries=2)
    memo.put("a", "1")
    memo.put("b", "2")
    assert memo.get("a") == "1"  # a is now the most recent
    memo.put("c", "3")
    assert memo.get("b") is None and memo.get("a") == "1" and memo.get("c") == "3" and len(memo) == 2


async def test_every_write_to_an_archive_changes_its_revision(bot: Bot) -> None:
    store, at = bot.context.stores.archives, now_iso(bot.context)
    result = await store.import_records(
        SPACE, "rev", [CommentRecord(source_id="1", text="One.", author="a")], created_at=at
    )
    aid = result.archive.id
    seen = [(await store.archive_revisions([aid]))[aid]]
    await store.import_records(
        SPACE, "rev", [CommentRecord(source_id="2", text="Two.", author="b")], created_at=at
    )
    seen.append((await store.archive_revisions([aid]))[aid])
    await store.delete_comments_by_author(SPACE, "rev", "b")
    seen.append((await store.archive_revisions([aid]))[aid])
    assert len(set(seen)) == 3
    assert await store.archive_revisions([aid + 1000]) == {}


async def test_while_the_indexer_works_a_repeated_question_skips_the_word_search(
    bot: Bot, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Vectors arriving change the dense side of the answer, not the words': the full-text search runs once."""
    ctx = bot.context
    garden = await import_garden(bot)
    assert engine.embedder is not None
    store = vector_store(ctx)
    assert store is not None
    comments = (await retrieve(ctx, [garden.id], "cat keyboard tomatoes summer", 10)).hits
    ids = {h.comment.text: h.comment.id for h in comments}
    ctx.services.vectors.refresh_seconds = 0.0  # see each batch of vectors at once, as the indexer stores it
    cat = GARDEN[4]
    await store.save([ids[cat]], engine.embedder.embed([cat]))
    searches = _count_searches(bot, monkeypatch)
    first = await retrieve(ctx, [garden.id], "a kitten lying on my laptop", 3)
    assert [h.comment.text for h in first.hits] == [cat]
    doctor = GARDEN[0]
    rows = await ctx.stores.archives.search([garden.id], "physician antibiotics", 1)
    await store.save([rows[0].comment.id], engine.embedder.embed([doctor]))
    second = await retrieve(ctx, [garden.id], PARAPHRASE, 3)
    assert second.hits[0].comment.text == doctor
    again = await retrieve(ctx, [garden.id], "a kitten lying on my laptop", 3)
    assert [h.comment.text for h in again.hits] == [cat]
    assert searches.count("a kitten lying on my laptop") == 1
