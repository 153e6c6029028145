"""A new claim over an indexed archive with replies: the parents' stored vectors are used, not embedded again.

A reply is at least as relevant as the comment it answers, so every new claim needs the relevance of its candidates'
parents. Their vectors were stored by the indexer; embedding them again cost the first reply up to a second of its
3 s on a 100k archive (bench/README.md), time it then lacked for reading comments."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import load_engine
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.models import StanceReply
from bot.retrieval.indexer import indexers_for
from bot.times import now_iso

from .test_nli_cache import _record_embedder
from .test_thread_replies import CLAIM, SPACE, THREAD


async def test_a_new_claim_embeds_no_stored_parent(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    """After indexing, `stance` on a new claim embeds the claim and nothing else, and still reads the short reply
    through its parent."""
    if default_nli_files() is None or default_embedder_files() is None:
        pytest.skip("threadbot[models] not installed")
    engine = load_engine()  # its own, so no vector is remembered from other tests
    bot.context.services.engine = engine
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    indexer_engine = load_engine()  # the indexer runs in the background; it shares nothing in memory here
    for indexer in indexers_for(bot.context.stores.vectors, indexer_engine):
        await indexer.drain()
    embedded = _record_embedder(engine, monkeypatch)
    reply = await ConsoleAdapter(bot).ask(f"stance {CLAIM} --archive t --all")
    assert isinstance(reply, StanceReply) and not reply.rough, reply
    parents = {r.text for r in THREAD if any(c.parent_id == r.source_id for c in THREAD)}
    assert not parents & set(embedded), embedded
    assert set(embedded) <= {CLAIM}, embedded
    comments = await bot.context.stores.archives.get_comments([i.comment_id for i in reply.items])
    labels = {c.author: i.label for c, i in zip(comments, reply.items, strict=True)}
    assert labels.get("bob") == "disagree", labels
