"""`stance` and `counter` driven through the console adapter, with the real models and in fallback mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from adapters.plain_render import render_plain
from bot.core import Bot
from bot.engine.loader import Engine, load_engine
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.models import CounterReply, StanceReply
from bot.times import now_iso
from storage.importers.records import CommentRecord

CLAIM = "Remote work makes teams more productive"

THREAD = [
    CommentRecord(source_id="claim", text="Remote work makes teams more productive.", author="op"),
    CommentRecord(
        source_id="a1",
        text="I agree, remote work makes our team far more productive because there are fewer interruptions.",
        author="ann",
    ),
    CommentRecord(
        source_id="a2",
        text="Yes, absolutely true: since going remote my team ships more work and is more productive.",
        author="ben",
    ),
    CommentRecord(
        source_id="d1",
        text="I disagree. Remote work does not make teams more productive; collaboration and mentoring suffer.",
        author="cat",
    ),
    CommentRecord(
        source_id="d2",
        text="That's wrong. Our team was not productive remotely at all, work slowed down without the office.",
        author="dan",
    ),
    CommentRecord(
        source_id="u1",
        text="Does anyone have a good recipe for sourdough bread? Mine never rises and the work is tedious.",
        author="eve",
    ),
]


def _models_installed() -> bool:
    return default_nli_files() is not None and default_embedder_files() is not None


@pytest.fixture(scope="module")
def real_engine() -> Iterator[Engine]:
    if not _models_installed():
        pytest.skip("threadbot[models] not installed")
    yield load_engine()


@pytest.fixture
async def thread(bot: Bot) -> ConsoleAdapter:
    await bot.context.stores.archives.import_records("console:local", "t", THREAD, created_at=now_iso(bot.context))
    return ConsoleAdapter(bot, channel="c1")


@pytest.fixture
def with_models(bot: Bot, real_engine: Engine) -> None:
    bot.context.services.engine = real_engine


@pytest.fixture
def fallback(bot: Bot, tmp_path: Path) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    bot.context.settings.model_dir = empty


# --- with the real models -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("with_models")
async def test_stance_counts_both_sides(thread: ConsoleAdapter) -> None:
    reply = await thread.ask(f"stance {CLAIM} --archive t")
    assert isinstance(reply, StanceReply) and not reply.rough
    assert reply.counts.agree > 0 and reply.counts.disagree > 0
    assert reply.agree is not None and reply.agree.source_id in {"a1", "a2", "claim"}
    assert reply.disagree is not None and reply.disagree.source_id in {"d1", "d2"}
    assert reply.items == []
    text = render_plain(reply)
    assert "agree" in text and "\u2588" in text


@pytest.mark.usefixtures("with_models")
async def test_stance_all_lists_items_and_unrelated_is_not_agree(thread: ConsoleAdapter) -> None:
    reply = await thread.ask(f"stance {CLAIM} --all --archive t")
    assert isinstance(reply, StanceReply) and reply.items
    labels = {item.text: item.label for item in reply.items}
    sourdough = next(r.text for r in THREAD if r.source_id == "u1")
    assert labels.get(sourdough, "unrelated") != "agree"
    data = reply.model_dump(mode="json")
    assert data["type"] == "stance"
    assert set(data["counts"]) == {"agree", "disagree", "neutral", "unrelated"}
    assert {"claim", "agree", "disagree", "confidence", "rough", "note", "items"} <= set(data)
    assert set(data["items"][0]) == {"comment_id", "text", "label", "score"}


@pytest.mark.usefixtures("with_models")
async def test_counter_gives_a_disagreeing_comment_then_the_next(thread: ConsoleAdapter) -> None:
    first = await thread.ask(f"counter {CLAIM} --archive t")
    assert isinstance(first, CounterReply) and first.quote is not None
    assert first.quote.source_id in {"d1", "d2"}
    assert first.quote.source_id != "claim"
    data = first.model_dump(mode="json")
    assert data["type"] == "counter" and {"claim", "quote", "candidates", "note"} <= set(data)
    assert data["candidates"] and set(data["candidates"][0]) == {"comment_id", "source_id", "score"}
    assert len(data["candidates"]) <= 10
    second = await thread.ask(f"counter {CLAIM} --archive t")
    assert isinstance(second, CounterReply)
    if second.quote is not None:
        assert second.quote.source_id != first.quote.source_id
        assert second.quote.source_id != "claim"
    else:
        assert second.note and "shown" in second.note
    assert "\u201c" in render_plain(first)


@pytest.mark.usefixtures("with_models")
async def test_counter_about_nothing_in_the_archive(thread: ConsoleAdapter) -> None:
    reply = await thread.ask("counter Penguins are excellent jazz saxophonists --archive t")
    assert isinstance(reply, CounterReply) and reply.quote is None
    assert reply.note and "no comment that argues against" in reply.note
    assert "no comment that argues against" in render_plain(reply)


@pytest.mark.usefixtures("with_models")
async def test_engine_is_loaded_once_and_kept(bot: Bot, thread: ConsoleAdapter, real_engine: Engine) -> None:
    await thread.ask(f"stance {CLAIM} --archive t")
    assert bot.context.services.engine is real_engine


# --- fallback: no model installed (always runs) ---------------------------------------------------------------


@pytest.mark.usefixtures("fallback")
async def test_fallback_stance_is_rough_and_says_so(bot: Bot, thread: ConsoleAdapter) -> None:
    reply = await thread.ask(f"stance {CLAIM} --all --archive t")
    assert isinstance(reply, StanceReply) and reply.rough
    assert reply.note and "Rough" in reply.note
    assert reply.counts.agree > 0 and reply.counts.disagree > 0
    assert reply.items and {i.label for i in reply.items} <= {"agree", "disagree", "neutral", "unrelated"}
    engine = bot.context.services.engine
    assert isinstance(engine, Engine) and engine.rough
    assert "(rough)" in render_plain(reply)


@pytest.mark.usefixtures("fallback")
async def test_fallback_counter_never_the_claim_and_runs_out(thread: ConsoleAdapter) -> None:
    seen: list[str] = []
    for _ in range(4):
        reply = await thread.ask(f"counter {CLAIM} --archive t")
        assert isinstance(reply, CounterReply) and reply.rough
        if reply.quote is None:
            assert reply.note
            break
        assert reply.quote.source_id != "claim"
        assert reply.quote.source_id not in seen
        assert reply.quote.source_id in {"d1", "d2"}
        seen.append(reply.quote.source_id)
    assert seen


@pytest.mark.usefixtures("fallback")
async def test_fallback_claim_about_nothing(thread: ConsoleAdapter) -> None:
    reply = await thread.ask("counter xylophone zeppelin --archive t")
    assert isinstance(reply, CounterReply) and reply.quote is None
    assert reply.note and "no comment that argues against" in reply.note
    stance = await thread.ask("stance xylophone zeppelin --archive t")
    assert isinstance(stance, StanceReply) and stance.counts.agree == 0 and stance.note


def test_counter_samples_only_among_near_ties_of_the_best() -> None:
    """Asked in many channels, a counter varies among the near-best comments and never picks a clearly weaker one."""
    import random

    from bot.features.stance.counter import Offer, pick_counter
    from bot.features.stance.pipeline import Counted
    from storage.interface import StoredComment

    def offer(cid: int, score: float | None) -> Offer:
        comment = StoredComment(id=cid, archive="t", source_id=str(cid), text=f"c{cid} " * 30)
        return Offer(Counted(comment, None, "disagree", 0.9, 0.5), score)

    rng = random.Random(1)
    fresh = [offer(1, 1.20), offer(2, 1.15), offer(3, 0.60), offer(4, 1.19)]
    picked = {pick_counter(fresh, rng).comment.comment.id for _ in range(200)}
    assert picked == {1, 2}
    assert pick_counter([offer(9, None), offer(1, 1.0)], rng).comment.comment.id == 9
