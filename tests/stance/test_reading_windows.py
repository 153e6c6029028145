"""Reading on over a freshly imported archive: the sentence windows it embeds are stored (a restart, or the
indexer, does not embed them again), and the count it completes is the one an unhurried reading gives. Needs the
real models."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.features.stance import pipeline as stance_feature
from bot.features.stance.windows import window_store
from bot.settings import Settings
from bot.times import now_iso

from .test_nli_cache import _record_embedder, real_engine  # noqa: F401 (fixture)
from .test_stance_commands import THREAD
from .test_stance_reading import SPACE, _reader, _stance, _unhurried_counts


async def test_windows_embedded_while_reading_on_are_stored(
    bot: Bot, settings: Settings, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """With one comment embedded in the reply and no NLI time, the reader embeds and reads the rest; afterwards
    every multi-sentence comment's windows are in the store, and the counts and labels are the unhurried ones."""
    expected = await _unhurried_counts(settings, real_engine)
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    monkeypatch.setattr(stance_feature, "EMBED_NOW", 1)
    monkeypatch.setattr(stance_feature, "NLI_BUDGET_SECONDS", 0.0)
    monkeypatch.setattr(stance_feature, "MIN_NLI_SECONDS", 0.0)
    console = ConsoleAdapter(bot)
    rushed = await _stance(console)
    assert rushed.note and "still being indexed" in rushed.note
    await _reader(bot).wait_until_read()

    embedded = _record_embedder(real_engine, monkeypatch)
    complete = await _stance(console)
    assert embedded == []
    assert complete.counts == expected.counts
    assert sorted((i.text, i.label) for i in complete.items) == sorted((i.text, i.label) for i in expected.items)

    comments = await bot.context.stores.archives.get_comments([i.comment_id for i in complete.items])
    split = [c for c in comments if real_engine.stance.window_texts(c.text)]
    assert len(split) >= 2  # the thread has comments of several sentences
    store = window_store(bot.context, real_engine)
    assert store is not None
    stored = await store.vectors([c.id for c in split])
    assert {c.id: len(stored[c.id]) for c in split if c.id in stored} == {
        c.id: len(real_engine.stance.window_texts(c.text)) for c in split
    }
