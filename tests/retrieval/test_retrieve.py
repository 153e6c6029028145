"""`retrieve` and `quote` over hybrid retrieval: exactly BM25 before vectors exist, then meaning as well as words."""

from __future__ import annotations

import numpy as np

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.models import QuotesReply
from bot.retrieval import retrieve
from bot.retrieval.indexer import indexer_for
from bot.retrieval.search import vector_store
from tests.retrieval.conftest import GARDEN, PARAPHRASE, import_garden


async def _embed_all(bot: Bot, engine: Engine) -> None:
    assert engine.embedder is not None
    indexer = indexer_for(bot.context.stores.vectors, engine.embedder)
    assert indexer is not None
    await indexer.drain()


async def test_before_any_vector_retrieve_is_exactly_bm25(bot: Bot) -> None:
    """No vectors yet: the same hits, scores and highlights as the store's BM25 search, and no paraphrase match."""
    ctx = bot.context
    garden = await import_garden(bot)
    for query in ["summer tomatoes", "the cat", "rates mortgages", PARAPHRASE]:
        got = await retrieve(ctx, [garden.id], query, 5)
        assert got.hits == await ctx.stores.archives.search([garden.id], query, 5)
        assert not got.dense
    assert (await retrieve(ctx, [garden.id], PARAPHRASE, 5)).hits == []


async def test_with_vectors_a_paraphrase_sharing_no_word_is_found(bot: Bot, engine: Engine) -> None:
    """Once the archive is embedded, a query in other words finds the comment, shown without word highlights."""
    ctx = bot.context
    garden = await import_garden(bot)
    assert await ctx.stores.archives.search([garden.id], PARAPHRASE, 5) == []  # BM25 alone finds nothing
    await _embed_all(bot, engine)
    got = await retrieve(ctx, [garden.id], PARAPHRASE, 3)
    assert got.dense
    assert got.hits[0].comment.text == GARDEN[0]
    assert got.hits[0].highlighted == GARDEN[0]  # no \x02 ... \x03 markers: no word matched


async def test_nonsense_still_finds_nothing_with_vectors(bot: Bot, engine: Engine) -> None:
    """The similarity floor: a query that means nothing is not answered with the least unrelated comment."""
    garden = await import_garden(bot)
    await _embed_all(bot, engine)
    assert (await retrieve(bot.context, [garden.id], "asdfgh", 5)).hits == []


async def test_word_matches_stay_first_and_highlighted(bot: Bot, engine: Engine) -> None:
    """A query whose words match a comment still ranks that comment first, with its words marked."""
    garden = await import_garden(bot)
    await _embed_all(bot, engine)
    got = await retrieve(bot.context, [garden.id], "electric cars chargers", 3)
    assert got.hits[0].comment.text == GARDEN[5]
    assert "\x02" in got.hits[0].highlighted


async def test_vectors_come_aligned_with_hits_and_missing_ones_are_stored(bot: Bot, engine: Engine) -> None:
    """`with_vectors`: one unit row per hit, equal to embedding its text; vectors it had to compute are kept."""
    assert engine.embedder is not None
    ctx = bot.context
    garden = await import_garden(bot)
    store = vector_store(ctx)
    assert store is not None
    assert await store.count_archive(garden.id) == 0
    got = await retrieve(ctx, [garden.id], "summer tomatoes cars", 5, with_vectors=True)
    assert got.vectors is not None and got.query_vector is not None
    assert got.vectors.shape == (len(got.hits), engine.embedder.dim) and len(got.hits) >= 2
    expected = engine.embedder.embed([hit.comment.text for hit in got.hits])
    assert np.all(np.sum(got.vectors * expected, axis=1) > 0.99)
    assert await store.count_archive(garden.id) == len(got.hits)
    again = await retrieve(ctx, [garden.id], "summer tomatoes cars", 5, with_vectors=True)
    assert again.vectors is not None
    assert np.allclose(again.vectors, got.vectors, atol=2e-3)


async def test_above_the_cache_cap_dense_only_reranks_bm25(bot: Bot, engine: Engine) -> None:
    """Over the in-memory cap, dense search does not scan the archive: only BM25's candidates are re-ranked."""
    garden = await import_garden(bot)
    await _embed_all(bot, engine)
    bot.context.services.vectors.cap = 2
    assert (await retrieve(bot.context, [garden.id], PARAPHRASE, 3)).hits == []
    got = await retrieve(bot.context, [garden.id], "infection antibiotics", 3)
    assert got.dense and got.hits[0].comment.text == GARDEN[0]


async def test_quote_shows_a_paraphrase_match_and_still_says_nothing_matches_nonsense(
    bot: Bot, engine: Engine
) -> None:
    """Through the console: `quote` in other words quotes the comment; `quote asdfgh` says nothing matches."""
    await import_garden(bot)
    await _embed_all(bot, engine)
    console = ConsoleAdapter(bot)
    reply = await console.ask(f"quote {PARAPHRASE} --archive garden")
    assert isinstance(reply, QuotesReply)
    assert reply.quotes and reply.quotes[0].text == GARDEN[0]
    assert reply.quotes[0].highlights == []
    nonsense = await console.ask("quote asdfgh --archive garden")
    assert isinstance(nonsense, QuotesReply)
    assert nonsense.quotes == [] and nonsense.note and "matches" in nonsense.note
