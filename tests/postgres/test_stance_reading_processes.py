"""Two bots on one PostgreSQL database (a connection pool each, as two processes have; one loaded engine, to
save loading the models twice) asked the same claim at once: the background reading is claimed, so each
comment's stance is read by one of them, not both, and both then answer the claim complete from the cache.

What each bot read is what its reader stored in the NLI cache: a comment read by both would be stored by both.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.features.stance import pipeline as stance_feature
from bot.features.stance.reader import StanceReading
from bot.models import StanceReply
from bot.times import iso, utc_now
from tests.stance.test_stance_commands import CLAIM, THREAD

SPACE = "console:local"


def _record_reads(bot: Bot) -> list[int]:
    """The comment ids whose z this bot stores from now on."""
    store = bot.context.stores.stance
    real = store.store_logits
    stored: list[int] = []

    async def recording(identity: str, key: str, logits: Mapping[int, float]) -> None:
        stored.extend(logits)
        await real(identity, key, logits)

    store.store_logits = recording  # type: ignore[method-assign]
    return stored


async def _stance(bot: Bot) -> StanceReply:
    reply = await ConsoleAdapter(bot).ask(f"stance {CLAIM} --all --archive t")
    assert isinstance(reply, StanceReply), reply
    return reply


async def test_two_bots_asked_the_same_claim_read_each_comment_once(
    two_bots: tuple[Bot, Bot], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = two_bots
    await one.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=iso(utc_now()))
    monkeypatch.setattr(stance_feature, "NLI_BUDGET_SECONDS", 0.0)  # both replies leave all reading to the reader
    monkeypatch.setattr(stance_feature, "MIN_NLI_SECONDS", 0.0)
    reads = [_record_reads(one), _record_reads(two)]
    rushed = [await _stance(one), await _stance(two)]
    assert all(reply.note and "being read now" in reply.note for reply in rushed)
    for bot in (one, two):
        reader = bot.context.services.reader
        assert isinstance(reader, StanceReading)
        await reader.wait_until_read()
    assert reads[0] and not set(reads[0]) & set(reads[1]), reads
    assert len(reads[0] + reads[1]) == len(set(reads[0] + reads[1]))
    monkeypatch.undo()
    complete = [await _stance(one), await _stance(two)]
    assert complete[0].counts == complete[1].counts
    on_topic = complete[0].counts.agree + complete[0].counts.disagree + complete[0].counts.neutral
    assert len(set(reads[0] + reads[1])) >= on_topic >= 3
    assert not complete[0].note or "being read" not in complete[0].note
