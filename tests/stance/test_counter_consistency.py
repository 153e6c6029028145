"""`counter` and `stance` never contradict each other: a counter is one of the comments `stance` counts as
disagreeing, and `counter` says "none" only when `stance` lists none (with the real models)."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.features.stance.counter import STILL_READING
from bot.models import CounterReply, StanceReply

from .test_nli_cache import real_engine  # noqa: F401 (fixture)

CLAIMS = [
    "Chain-of-thought wastes compute",
    "LLMs need language to think",
    "Token leaderboards are a good way to measure productivity",
]


async def _disagreeing(console: ConsoleAdapter, claim: str) -> set[int]:
    """The comments a complete `stance --all` counts as disagreeing."""
    reply = await console.completed_reply(f"stance {claim} --all --archive sample")
    assert isinstance(reply, StanceReply) and not reply.partial and not reply.rough, reply
    return {item.comment_id for item in reply.items if item.label == "disagree"}


@pytest.mark.parametrize("claim", CLAIMS)
async def test_every_counter_on_the_sample_is_a_comment_stance_counts_as_disagreeing(
    bot: Bot, real_engine: Engine, claim: str  # noqa: F811
) -> None:
    bot.context.services.engine = real_engine
    console = ConsoleAdapter(bot)
    disagreeing = await _disagreeing(console, claim)
    offered: set[int] = set()
    reply: object = None
    for _ in range(len(disagreeing) + 1):
        reply = await console.completed_reply(f"counter {claim} --archive sample")
        assert isinstance(reply, CounterReply) and not reply.partial, reply
        if reply.quote is None:
            break
        assert reply.quote.comment_id in disagreeing, (reply.quote.comment_id, disagreeing)
        offered.add(reply.quote.comment_id)
    assert offered == disagreeing  # asked until they run out, every disagreeing comment was offered once
    if not disagreeing:
        assert isinstance(reply, CounterReply) and reply.note and "no comment that argues against" in reply.note


async def test_a_counter_asked_while_reading_completes_in_place(bot: Bot, real_engine: Engine) -> None:  # noqa: F811
    """The first answer may say no comment read so far disagrees; the completed one names a counter or says none,
    never "ask again"."""
    bot.context.services.engine = real_engine
    completed: list[CounterReply] = []

    async def on_complete(reply: object) -> None:
        assert isinstance(reply, CounterReply)
        completed.append(reply)

    first = await bot.handle_text(
        "counter Chain-of-thought wastes compute --archive sample",
        ConsoleAdapter(bot).actor,
        ConsoleAdapter(bot).place,
        on_complete,
    )
    assert isinstance(first, CounterReply)
    await bot.finish()
    if first.partial:
        assert first.note and first.note.startswith(STILL_READING.split(";")[0])
        assert completed and not completed[-1].partial
    for reply in [first, *completed]:
        assert "ask again" not in (reply.note or "").replace("ask again to start over", "")
