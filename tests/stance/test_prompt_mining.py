"""The prompt miner with the real models: on a small thread without reply structure the top disagreement's two
quotes come from the two camps, nothing is rough, and reply pushback is judged by the model (not word cues)."""

from __future__ import annotations

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.models import PromptReply
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.prompts.support import debate_thread

from .test_nli_cache import real_engine  # noqa: F401 (fixture)

SPACE = "console:local"
FOR = {
    "f1": "Nuclear power is the safest way to cut carbon emissions, and countries should build more reactors now.",
    "f2": "Building new nuclear plants is the fastest route to a clean grid; its safety record beats coal and gas.",
    "f3": "I support nuclear energy: modern reactors are safe, reliable and produce almost no carbon at all.",
}
AGAINST = {
    "a1": "Nuclear power is far too expensive and slow to build; the money should go to wind and solar instead.",
    "a2": "New reactors are a bad idea: they take fifteen years to build, cost billions and leave waste nobody wants.",
    "a3": "We should not build more nuclear plants, because renewables are cheaper and the waste problem is unsolved.",
}
OTHER = {
    "o1": "The conference hotel had terrible coffee, but the venue itself was lovely and close to the station.",
    "o2": "Thanks for organising this, great discussion everyone, see you all next year!",
}


async def test_the_top_disagreements_quotes_oppose_each_other(bot: Bot, real_engine: Engine) -> None:  # noqa: F811
    """A plain thread of two camps: the first prompt is a claim of one camp, agreed by its camp, disputed by the other."""
    bot.context.services.engine = real_engine
    rows = [CommentRecord(sid, text, author=sid) for sid, text in {**FOR, **AGAINST, **OTHER}.items()]
    archive = (await bot.context.stores.archives.import_records(SPACE, "nuclear", rows, created_at=now_iso(bot.context))).archive
    miner = bot.context.services.miner
    assert miner is not None
    await miner.mine_now(archive.id)
    reply = await ConsoleAdapter(bot, channel="daily").ask("prompt next --archive nuclear")
    assert isinstance(reply, PromptReply) and reply.kind == "disagreement", reply
    assert [s.label for s in reply.sides] == ["Claim", "Agrees", "Disagrees"] and "Rough" not in (reply.note or "")
    claim, agrees, disagrees = (s.quote.source_id for s in reply.sides)
    camp = FOR if claim in FOR else AGAINST
    other = AGAINST if camp is FOR else FOR
    assert agrees in camp and disagrees in other
    assert reply.tally is not None and reply.tally.agree >= 2 and reply.tally.disagree >= 2


async def test_reply_pushback_is_judged_by_the_model(bot: Bot, real_engine: Engine) -> None:  # noqa: F811
    """Reply pairs go to the stance pipeline: the disagreements they give are not the rough word-cue kind."""
    bot.context.services.engine = real_engine
    imported = await bot.context.stores.archives.import_records(SPACE, "debate", debate_thread(), created_at=now_iso(bot.context))
    miner = bot.context.services.miner
    assert miner is not None
    await miner.mine_now(imported.archive.id)
    items = [i for i in await bot.context.stores.pools.items(imported.archive.id) if i.source == "reply"]
    assert items and not any(i.rough for i in items)
