"""Sentence-window vectors stored by the indexer: written after the comments' own vectors, read by stance so a new
claim embeds none of a stored comment's windows, and gone with their comment."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.models import StanceReply
from bot.retrieval.identity import model_key
from bot.retrieval.indexer import indexers_for
from bot.times import now_iso
from storage.embedding_store import WindowVectorStore
from storage.importers.records import CommentRecord
from tests.stance.test_nli_cache import _record_embedder

SPACE = "console:local"
LONG = [
    CommentRecord(
        source_id=f"w{i}",
        text=(
            f"Window test {i}: the allotment on Mill Lane floods every spring. The council drained it twice. "
            f"Rainwater barrels would help the tomatoes most of all. Compost bins number {i} stand by the gate."
        ),
        author=f"a{i}",
    )
    for i in range(6)
]
CLAIM = "Rainwater barrels help allotment tomatoes"


def _window_store(bot: Bot, engine: Engine) -> WindowVectorStore:
    assert engine.embedder is not None
    identity = engine.stance.window_identity(model_key(engine.embedder.files))
    assert identity is not None
    return bot.context.stores.vectors.windows_for(identity)


async def _index_all(bot: Bot, engine: Engine) -> None:
    for indexer in indexers_for(bot.context.stores.vectors, engine):
        await indexer.drain()


async def test_the_indexer_stores_each_long_comments_windows_and_they_leave_with_it(
    bot: Bot, engine: Engine
) -> None:
    imported = await bot.context.stores.archives.import_records(SPACE, "lane", LONG, created_at=now_iso(bot.context))
    await _index_all(bot, engine)
    comments = await bot.context.stores.archives.get_comments(
        [h.comment.id for h in await bot.context.stores.archives.search([imported.archive.id], "allotment", 20)]
    )
    assert len(comments) == len(LONG)
    stored = await _window_store(bot, engine).vectors([c.id for c in comments])
    for comment in comments:
        texts = engine.stance.window_texts(comment.text)
        assert len(texts) >= 4
        rows = stored[comment.id]
        assert rows.shape == (len(texts), 384)
        again = engine.stance.embed_windows([comment.text])[0]
        assert np.allclose(rows.astype(np.float32), again, atol=2e-3)  # float16 of the same vectors
    assert await bot.context.stores.archives.delete_archive(SPACE, "lane")
    assert await _window_store(bot, engine).vectors([c.id for c in comments]) == {}


async def test_a_new_claim_embeds_no_stored_window(
    bot: Bot, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once indexed, `stance` on a new claim embeds the claim and nothing of the comments."""
    await bot.context.stores.archives.import_records(SPACE, "lane", LONG, created_at=now_iso(bot.context))
    await _index_all(bot, engine)
    bot.context.services.engine = engine
    embedded = _record_embedder(engine, monkeypatch)
    reply = await ConsoleAdapter(bot).ask(f"stance {CLAIM} --archive lane")
    assert isinstance(reply, StanceReply) and not reply.rough
    assert reply.counts.agree + reply.counts.disagree + reply.counts.neutral >= 1
    assert set(embedded) <= {CLAIM}, embedded


def test_stored_windows_that_do_not_match_are_ignored(engine: Engine) -> None:
    """Vectors for another windowing (a different count) are not taken for this comment's windows."""
    text = LONG[0].text + " An extra sentence makes this comment different from the stored one."
    assert not engine.stance.remember_windows(text, np.zeros((2, 384), dtype=np.float16))
    assert not engine.stance.remember_windows("One short sentence.", np.zeros((1, 384), dtype=np.float16))
