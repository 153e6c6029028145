"""The per-process vector matrix follows the archive's revision: comments deleted and new ones imported with the
same ids (SQLite gives the next comment max(id) + 1) are not ranked by the deleted comments' vectors."""

from __future__ import annotations

from bot.core import Bot
from bot.engine.loader import Engine
from bot.retrieval import retrieve
from bot.retrieval.cache import REFRESH_SECONDS
from bot.retrieval.indexer import indexer_for
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.retrieval.conftest import GARDEN, SPACE, import_garden

UNRELATED = [
    "The ferry timetable changes every spring for the island route.",
    "Our choir rehearses on Thursdays in the old town hall.",
    "Potholes on the ring road have been patched at last.",
    "The library extended its opening hours during exams.",
    "A new bakery opened next to the station last week.",
    "Volunteers painted the fence around the playground.",
]


async def _embed_all(bot: Bot, engine: Engine) -> None:
    assert engine.embedder is not None
    await indexer_for(bot.context.stores.vectors, engine.embedder).drain()


async def _ids(bot: Bot, archive_id: int) -> list[int]:
    rows = await bot.context.stores.database.fetchall("SELECT id FROM comments WHERE archive_id = ? ORDER BY id",
                                                       (archive_id,))  # fmt: skip
    return [int(row[0]) for row in rows]


PET = "a kitten dozing across laptop keys"  # GARDEN[4] in other words


async def test_deleted_comments_replaced_under_the_same_ids_are_not_found_by_their_old_meaning(
    bot: Bot, engine: Engine
) -> None:
    """The newest three comments are deleted and three others imported into the archive: they get the same ids
    and the archive as many vectors as before, so only its revision tells the cached matrix is stale."""
    ctx = bot.context
    ctx.services.vectors.refresh_seconds = REFRESH_SECONDS  # as a running bot has it
    garden = await import_garden(bot)
    await _embed_all(bot, engine)
    assert (await retrieve(ctx, [garden.id], PET, 3)).hits[0].comment.text == GARDEN[4]
    old_ids = await _ids(bot, garden.id)
    db = ctx.stores.database
    await db.conn.execute("UPDATE comments SET author = 'ann' WHERE source_id IN ('g3', 'g4', 'g5')")  # type: ignore[attr-defined]
    assert await ctx.stores.archives.delete_comments_by_author(SPACE, "garden", "ann") == 3
    records = [CommentRecord(source_id=f"n{i}", text=text) for i, text in enumerate(UNRELATED[:3])]
    await ctx.stores.archives.import_records(SPACE, "garden", records, created_at=now_iso(ctx))
    await _embed_all(bot, engine)
    assert await _ids(bot, garden.id) == old_ids  # the same ids, three of them other comments now
    got = await retrieve(ctx, [garden.id], PET, 3)
    assert [hit.comment.text for hit in got.hits if hit.comment.text in UNRELATED] == []
    assert all(hit.comment.text != GARDEN[4] for hit in got.hits)
