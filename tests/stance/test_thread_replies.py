"""`stance` on an archive with reply structure: a short reply is found and counted through the comment it answers."""

from __future__ import annotations

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.models import StanceReply
from bot.times import now_iso
from storage.importers.records import CommentRecord

from .test_nli_cache import real_engine  # noqa: F401 (fixture)

SPACE = "console:local"
CLAIM = "Essential oils have real healing properties"
THREAD = [
    CommentRecord(source_id="op", text="My wife swears by essential oils. Are they any good?", author="op"),
    CommentRecord(
        source_id="p1",
        parent_id="op",
        text="There's plenty of evidence that essential oils heal skin infections.",
        author="ann",
    ),
    CommentRecord(source_id="r1", parent_id="p1", text="No, there's really not.", author="bob"),
    CommentRecord(source_id="r2", parent_id="op", text="Lavender smells lovely in the bath.", author="cy"),
    CommentRecord(source_id="x1", parent_id="op", text="Our bakery sells sourdough on Saturdays.", author="di"),
]


async def _labels(bot: Bot, records: list[CommentRecord]) -> dict[str, str]:
    """Each comment's label in `stance … --all`, by author."""
    imported = await bot.context.stores.archives.import_records(SPACE, "t", records, created_at=now_iso(bot.context))
    reply = await ConsoleAdapter(bot).ask(f"stance {CLAIM} --archive t --all")
    assert isinstance(reply, StanceReply) and not reply.rough, reply
    comments = await bot.context.stores.archives.get_comments([item.comment_id for item in reply.items])
    authors = {c.id: c.author or "" for c in comments}
    assert imported.archive.name == "t"
    return {authors[item.comment_id]: item.label for item in reply.items}


async def test_no_under_an_agreeing_comment_is_counted_disagree(bot: Bot, real_engine: Engine) -> None:  # noqa: F811
    """The reply shares no word with the claim; it is retrieved through its parent and takes the other side."""
    bot.context.services.engine = real_engine
    labels = await _labels(bot, THREAD)
    assert labels.get("ann") == "agree"
    assert labels.get("bob") == "disagree", labels


async def test_without_reply_structure_the_short_reply_is_not_counted(
    bot: Bot, real_engine: Engine  # noqa: F811
) -> None:
    """The same words with no parent say nothing about the claim: they are not taken for a side."""
    bot.context.services.engine = real_engine
    flat = [CommentRecord(source_id=r.source_id, text=r.text, author=r.author) for r in THREAD]
    labels = await _labels(bot, flat)
    assert labels.get("bob") not in ("agree", "disagree"), labels


UNIFORMS = "School uniforms should be mandatory"
DEBATE = [  # a CMV-style thread: the post's title states the view; top-level comments answer the post
    CommentRecord(
        source_id="c1",
        text="Kids in my town wear whatever they like to school and nobody has ever had a problem with it. Clothes are how "
        "teenagers work out who they are.",
        author="ann",
    ),
    CommentRecord(
        source_id="c2",
        parent_id="c1",
        text="One small town is not the country. Where I teach, kids get picked on every day for cheap trainers, "
        "and a school uniform takes that away.",
        author="op",
    ),
    CommentRecord(
        source_id="c3",
        parent_id="c2",
        text="&#8710; Fair enough, I had not thought about the kids who cannot afford the brands. That changes it.",
        author="ann",
    ),
    CommentRecord(
        source_id="c4",
        text="Families pay for uniforms, a second wardrobe they do not want, and the studies on grades show no effect at all.",
        author="bob",
    ),
    CommentRecord(  # shares no word with the claim: only the thread brings it to it
        source_id="c5",
        text="Dress codes never stopped a bully; kids just find something else to mock.",
        author="cy",
    ),
]


async def test_a_thread_titled_with_the_claim_is_read_through_its_replies(
    bot: Bot, real_engine: Engine  # noqa: F811
) -> None:
    """Under a title that states the claim, the top-level comments dispute it, the poster's answer holds it, and a
    delta to that answer comes round to it; every comment of the thread is on topic, even one that shares no word
    with the claim."""
    bot.context.services.engine = real_engine
    await bot.context.stores.archives.import_records(
        SPACE, "u", DEBATE, created_at=now_iso(bot.context), title="CMV: School uniforms should be mandatory."
    )
    reply = await ConsoleAdapter(bot).ask(f"stance {UNIFORMS} --archive u --all")
    assert isinstance(reply, StanceReply) and not reply.rough, reply
    comments = await bot.context.stores.archives.get_comments([item.comment_id for item in reply.items])
    by_source = {c.id: c.source_id for c in comments}
    labels = {by_source[item.comment_id]: item.label for item in reply.items}
    expected = {"c1": "disagree", "c2": "agree", "c3": "agree", "c4": "disagree", "c5": "disagree"}
    assert labels == expected, (labels, reply.note)
