"""A running bot's other features get the stance pipeline: session sides are counted as `stance` counts them (with
the real models; the fallback is covered in tests/sessions). Prompt mining's use of it: test_prompt_mining.py."""

from __future__ import annotations

import re

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.models import StanceReply, TextReply
from bot.times import now_iso

from .test_nli_cache import real_engine  # noqa: F401 (fixture)
from .test_stance_commands import CLAIM, THREAD

SPACE = "console:local"
SUMMARY = re.compile(r"Archive `t`: (\d+) for, (\d+) against, (\d+) unclear \(of (\d+) comments on the claim\)")


async def test_a_running_bots_session_sides_come_from_the_stance_pipeline(
    bot: Bot, real_engine: Engine  # noqa: F811
) -> None:
    """`session start … claim:` counts the claim like `stance` does, with the model, not "rough: word cues"."""
    assert bot.context.services.stance is not None  # set by the stance feature when the bot started
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    console = ConsoleAdapter(bot)
    stance = await console.ask(f"stance {CLAIM} --archive t")
    assert isinstance(stance, StanceReply) and not stance.rough
    opened = await console.ask(f"session start Remote work claim: {CLAIM} --archive t")
    assert isinstance(opened, TextReply)
    text = "\n".join([opened.text, *opened.lines])
    assert "word cues" not in text and "rough" not in text
    found = SUMMARY.search(text)
    assert found, text
    agree, disagree, unclear, _ = (int(n) for n in found.groups())
    counts = stance.counts
    assert (agree, disagree, unclear) == (counts.agree, counts.disagree, counts.neutral)


async def test_a_moderators_fix_moves_a_session_side_too(bot: Bot, real_engine: Engine) -> None:  # noqa: F811
    """Session sides honour `stance fix`, as every count of the one pipeline does."""
    imported = await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    archive = imported.archive
    before = await bot.context.services.stance.sides(SPACE, archive, CLAIM)  # type: ignore[union-attr]
    assert before.agree is not None
    fixed = before.agree.id
    reply = await ConsoleAdapter(bot).ask(f"stance fix {fixed} disagree {CLAIM}")
    assert isinstance(reply, TextReply), reply
    after = await bot.context.services.stance.sides(SPACE, archive, CLAIM)  # type: ignore[union-attr]
    assert after.disagree_count == before.disagree_count + 1
    assert after.agree_count == before.agree_count - 1
