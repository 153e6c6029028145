"""The mined prompt pool's mechanics on an archive without reply structure (word-based fallback; the models'
reading is tested in tests/stance/test_prompt_mining.py): chatter never becomes a prompt, a thread captured twice
gives each point once, the pool survives a restart and is rebuilt after an import, nothing repeats before the
pool is exhausted, moderators see the pool and drop items, and their stance fixes move a prompt's counts."""

from __future__ import annotations

import logging
import re

import numpy as np
import pytest

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.models import ErrorReply, PromptReply, TextReply
from bot.prompts.claims import central, claim_sentences, claims_of, is_chatter, position, worth_quoting
from bot.prompts.claims import normal as normal_text
from bot.prompts.miner import PromptMiner
from bot.prompts.mining import Bounds
from bot.prompts.pool import ROUGH_NOTE
from bot.settings import Settings
from bot.times import now_iso
from storage.importers.records import CommentRecord
from storage.interface import ArchiveInfo

from .support import SPACE

REMOTE = [
    ("p1", "ann", "Remote work makes teams more productive because people focus without the office noise."),
    ("p2", "bob", "Exactly, remote work makes our teams more productive and that is true for every team I know."),
    ("p3", "cat", "Yes, it is correct that remote work keeps teams productive, absolutely right in my experience."),
    ("n1", "dan", "That is wrong: remote work does not make teams more productive, the meetings never end."),
    ("n2", "eve", "Remote work making teams more productive is a myth, and the productivity numbers are false."),
    ("n3", "fay", "Sorry but remote work never made any of my teams productive; the claim is simply untrue."),
    ("t1", "gus", "Thanks for this thread, great post, remote work makes teams more productive indeed!"),
    ("s1", "hal", "Check out my blog https://promo.example/remote on why remote work makes teams productive, subscribe!"),
    ("o1", "ivy", "The coffee machine on the third floor has been broken since March and nobody has fixed it yet."),
]  # fmt: skip
CHATTER = {"t1", "s1"}
DIVIDED = {"p1", "p2", "p3", "n1", "n2", "n3"}


def records(rows: list[tuple[str, str, str]], prefix: str = "") -> list[CommentRecord]:
    return [CommentRecord(f"{prefix}{sid}", text, author=author, url=f"https://t.example/{prefix}{sid}")
            for sid, author, text in rows]  # fmt: skip


async def import_remote(bot: Bot, rows: list[CommentRecord] | None = None) -> ArchiveInfo:
    found = await bot.context.stores.archives.import_records(
        SPACE, "remote", rows or records(REMOTE), created_at=now_iso(bot.context)
    )
    return found.archive


async def mine(bot: Bot, archive: ArchiveInfo) -> None:
    assert bot.context.services.miner is not None
    await bot.context.services.miner.mine_now(archive.id)


async def post_all(console: ConsoleAdapter) -> list[PromptReply]:
    """Every prompt `prompt now` gives until the pool starts over (that one excluded)."""
    posted: list[PromptReply] = []
    for _ in range(40):
        reply = await console.ask("prompt now --archive remote")
        assert isinstance(reply, PromptReply), reply
        if reply.note and "starting over" in reply.note:
            return posted
        posted.append(reply)
    raise AssertionError("the pool never started over")


def key_of(reply: PromptReply) -> tuple[str, ...]:
    return (reply.kind, *(f"{s.label}:{s.quote.comment_id}:{s.quote.text}" for s in reply.sides))


def test_what_can_be_a_claim_or_a_quote() -> None:
    """Thanks, self-promotion, meta talk, bare links and questions are never claims or quotes; a stand is."""
    assert not worth_quoting("Thanks Jurgen!")
    assert not worth_quoting("Incredible piece; wish I wrote it myself.")
    assert not worth_quoting("https://focusing.org/gendlin/docs/gol_2145.html")
    assert not worth_quoting("Self-promo, if this is allowed, for my Focusing practice! https://implicitintricacy.net/")
    assert not worth_quoting("Thanks for an insightful read. Great post, well written and clear.")
    assert worth_quoting(REMOTE[0][2])
    assert worth_quoting("In my company we tried remote work for a year and productivity clearly dropped.")
    assert worth_quoting("Meta also hired fantastic researchers. Don't discount their abilities or what they knew.")
    assert not worth_quoting("I wrote about this on my blog, it explains everything: https://blog.example/post")
    assert is_chatter("Can someone explain why this thread got so many upvotes?")
    assert claim_sentences("Is remote work better than the office for most teams? I doubt it.") == []
    text = "I was musing about this a few days ago on a train. Reasoning in words is the wrong path for these models."
    sentences = claim_sentences(text)
    assert position(sentences[0]) < 0 <= position(sentences[1])
    assert central(sentences) == 1  # the anecdote does not take a position


def test_a_comments_claims_stand_on_their_own() -> None:
    """A prompt's claim is never a sentence that leans on the one before ("That's not to say ..."), even when it is
    closest in meaning to the whole comment; the comment's next point that stands alone is its other claim."""
    sentences = [
        "My intuition is that LeCun is right about these models.",
        "That's not to say the LLM approach won't produce world-changing impacts.",
        "But it definitely feels like brute force rather than elegance to me.",
    ]
    assert claim_sentences(" ".join(sentences)) == sentences
    vectors = np.eye(3, dtype=np.float32)
    whole = np.array([0.5, 0.9, 0.3], dtype=np.float32)  # the leaning sentence is the closest to the whole
    assert central(sentences, vectors, whole) == 0
    assert claims_of(sentences, vectors, whole) == [0, 2]
    only = ["That is exactly why remote work fails for most teams."]
    assert claims_of(only) == [0]  # nothing else to stand on: it is the claim


async def test_chatter_never_becomes_a_prompt(bot: Bot) -> None:
    """Thanks and self-promotion may be counted, but are never a claim, a quote on a side or a fallback quote."""
    archive = await import_remote(bot)
    await mine(bot, archive)
    posted = await post_all(ConsoleAdapter(bot, channel="daily"))
    assert any(p.kind == "disagreement" for p in posted)
    quoted = {side.quote.source_id for p in posted for side in p.sides}
    assert quoted and not quoted & CHATTER
    first = posted[0]
    assert first.kind == "disagreement" and first.note == ROUGH_NOTE and first.tally is not None
    claim, agrees, disagrees = first.sides
    assert (claim.label, agrees.label, disagrees.label) == ("Claim", "Agrees", "Disagrees")
    assert claim.quote.text in next(text for sid, _, text in REMOTE if sid == claim.quote.source_id)
    assert {agrees.quote.source_id, disagrees.quote.source_id} <= DIVIDED
    assert first.tally.agree >= 2 and first.tally.disagree >= 2


async def test_a_thread_captured_twice_gives_each_point_once(bot: Bot) -> None:
    """The same comments under other ids (an export taken twice) collapse: no claim appears twice in the pool."""
    once = await import_remote(bot)
    await mine(bot, once)
    single = [i.claim for i in await bot.context.stores.pools.items(once.id) if i.claim]
    twice = (await bot.context.stores.archives.import_records(
        SPACE, "remote2", records(REMOTE) + records(REMOTE, "copy-"), created_at=now_iso(bot.context)
    )).archive  # fmt: skip
    await mine(bot, twice)
    claims = [i.claim for i in await bot.context.stores.pools.items(twice.id) if i.claim]
    assert claims and len({normal_text(c) for c in claims}) == len(claims) == len(single)


def emphasised(text: str) -> str:
    """The same comment as another capture of the thread may have it: its third word in emphasis marks."""
    words = text.split()
    words[2] = f"*{words[2]}*"
    return " ".join(words)


async def test_a_near_duplicate_is_counted_once(bot: Bot) -> None:
    """A thread captured twice, once with its emphasis marks (not identical texts, so both copies are kept):
    each comment counts once on its side, so the counts are those of the thread captured once."""
    plain = [CommentRecord(sid, text, url=f"https://t.example/{sid}") for sid, _, text in REMOTE]
    copies = [CommentRecord(f"copy-{sid}", emphasised(text)) for sid, _, text in REMOTE]
    once = await import_remote(bot, plain)
    await mine(bot, once)
    twice = (await bot.context.stores.archives.import_records(
        SPACE, "remote2", plain + copies, created_at=now_iso(bot.context)
    )).archive  # fmt: skip
    await mine(bot, twice)
    first = await ConsoleAdapter(bot, channel="once").ask("prompt next --archive remote")
    second = await ConsoleAdapter(bot, channel="twice").ask("prompt next --archive remote2")
    assert isinstance(first, PromptReply) and isinstance(second, PromptReply), (first, second)
    assert first.kind == second.kind == "disagreement" and first.tally is not None and second.tally is not None
    assert (second.tally.agree, second.tally.disagree) == (first.tally.agree, first.tally.disagree)
    shown = [s.quote.text.replace("*", "") for s in second.sides]
    assert len(set(shown)) == len(shown)  # a quote is never a copy of the claim or of the other quote


async def test_the_pool_survives_a_restart_and_is_rebuilt_after_an_import(settings: Settings) -> None:
    """A second process answers from the stored pool without mining; an import (a new revision) rebuilds it."""
    async with open_bot(settings) as first:
        archive = await import_remote(first)
        await mine(first, archive)
        before = await ConsoleAdapter(first, channel="daily").ask("prompt next --archive remote")
        assert isinstance(before, PromptReply) and before.kind == "disagreement"
        state = await first.context.stores.pools.state(archive.id)
        assert state is not None
    async with open_bot(settings) as second:
        miner = second.context.services.miner
        assert miner is not None
        again = await ConsoleAdapter(second, channel="daily").ask("prompt next --archive remote")
        assert isinstance(again, PromptReply) and key_of(again) == key_of(before)
        assert not miner.busy(archive.id)  # answered from SQLite; nothing was mined
        more = [CommentRecord("p4", "Remote work is true productivity for teams, exactly as the first comment says.",
                              author="joy")]  # fmt: skip
        await second.context.stores.archives.import_records(SPACE, "remote", more, created_at=now_iso(second.context))
        await ConsoleAdapter(second, channel="daily").ask("prompt next --archive remote")
        assert miner.busy(archive.id)  # the stale pool answered, and is being mined again
        await miner.wait()
        rebuilt = await second.context.stores.pools.state(archive.id)
        revision = await second.context.stores.archives.archive_revisions([archive.id])
        assert rebuilt is not None and rebuilt.revision == revision[archive.id] != state.revision
        added = (await second.context.stores.archives.comments_by_source(archive.id, ["p4"]))["p4"]
        items = await second.context.stores.pools.items(archive.id)
        assert any(j.comment_id == added.id for i in items for j in i.judged)  # the new comment is counted


async def test_no_prompt_repeats_until_the_pool_is_exhausted(bot: Bot) -> None:
    """Every disagreement, then the quotes standing in for them, each once; then the pool starts over."""
    archive = await import_remote(bot)
    await mine(bot, archive)
    console = ConsoleAdapter(bot, channel="daily")
    posted = await post_all(console)
    keys = [key_of(p) for p in posted]
    assert len(set(keys)) == len(keys)
    items = await bot.context.stores.pools.items(archive.id)
    assert len(posted) == len(items)
    kinds = [p.kind for p in posted]
    assert kinds == sorted(kinds, key=lambda k: k != "disagreement")  # disagreements first, then quotes
    assert all("no disagreement" not in (p.note or "") for p in posted if p.kind == "disagreement")
    assert all(p.note and "Every disagreement" in p.note for p in posted if p.kind == "quote")


async def test_moderators_see_the_pool_and_drop_an_item(bot: Bot) -> None:
    """`prompt pool` lists what comes next with numbers; `prompt drop` takes one out for the whole space."""
    archive = await import_remote(bot)
    await mine(bot, archive)
    mod = ConsoleAdapter(bot, channel="daily")
    listed = await mod.ask("prompt pool --archive remote")
    assert isinstance(listed, TextReply) and listed.ephemeral
    numbers = [int(m.group(1)) for line in listed.lines if (m := re.match(r"#(\d+) disagreement: ", line))]
    assert numbers and "agree" in listed.lines[0]
    first = numbers[0]
    member = await ConsoleAdapter(bot, channel="daily", moderator=False).ask(f"prompt drop {first}")
    assert isinstance(member, ErrorReply) and "moderators only" in member.message
    dropped = await mod.ask(f"prompt drop #{first}")
    assert isinstance(dropped, TextReply) and dropped.title == f"Dropped #{first}"
    again = await mod.ask(f"prompt drop {first}")
    assert isinstance(again, ErrorReply) and "already" in again.message
    missing = await mod.ask("prompt drop 99999")
    assert isinstance(missing, ErrorReply) and "no disagreement #99999" in missing.message
    after = await mod.ask("prompt pool --archive remote")
    assert isinstance(after, TextReply) and not any(line.startswith(f"#{first} ") for line in after.lines)
    item = await bot.context.stores.pools.item(first)
    assert item is not None
    elsewhere = await ConsoleAdapter(bot, channel="other").ask("prompt pool --archive remote")
    assert isinstance(elsewhere, TextReply) and not any(line.startswith(f"#{first} ") for line in elsewhere.lines)
    posted = await post_all(ConsoleAdapter(bot, channel="third"))
    assert all(p.sides[0].quote.text != item.claim for p in posted if p.kind == "disagreement")


async def test_a_moderators_fix_moves_the_counts(bot: Bot) -> None:
    """`stance fix` on a claim's comment moves it to the other side in that space's prompt."""
    archive = await import_remote(bot)
    await mine(bot, archive)
    console = ConsoleAdapter(bot, channel="daily")
    before = await console.ask("prompt next --archive remote")
    assert isinstance(before, PromptReply) and before.tally is not None
    claim = before.sides[0].quote.text
    agreeing = before.sides[1].quote.comment_id
    fixed = await console.ask(f"stance fix {agreeing} disagree {claim}")
    assert isinstance(fixed, TextReply), fixed
    after = await console.ask("prompt next --archive remote")
    assert isinstance(after, PromptReply) and after.tally is not None
    assert after.sides[0].quote.text == claim
    if before.tally.agree - 1 >= 2:
        assert (after.tally.agree, after.tally.disagree) == (before.tally.agree - 1, before.tally.disagree + 1)
        assert after.sides[1].quote.comment_id != agreeing


@pytest.mark.parametrize("kind", ["sample"])
async def test_the_sample_is_mined_too(bot: Bot, kind: str) -> None:
    """The bundled sample (no reply structure) gets disagreements from its comments, even by word cues."""
    sample = await bot.context.stores.archives.find_archive(SPACE, kind)
    assert sample is not None
    await mine(bot, sample)
    reply = await ConsoleAdapter(bot, channel="daily").ask("prompt now")
    assert isinstance(reply, PromptReply) and reply.kind == "disagreement" and len(reply.sides) == 3


async def test_a_big_archive_is_mined_within_bounds(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    """Above its bounds the miner reads neighbourhoods of the archive, weighs at most so many claims, stops at
    its time limit with what it has, and logs where it is."""
    rows = [CommentRecord(f"{sid}-{n}", f"{text} Seen in thread {n}.", author=f"{author}{n}")
            for n in range(8) for sid, author, text in REMOTE]  # fmt: skip
    archive = await import_remote(bot, rows)
    miner = PromptMiner(bot.context, Bounds(universe=20, seeds=3, neighbourhood=6, claims=4))
    with caplog.at_level(logging.INFO, logger="bot.prompts"):
        await miner.mine_now(archive.id)
    state = await bot.context.stores.pools.state(archive.id)
    assert state is not None and state.comments_read <= 20 and state.claims_weighed <= 4 and state.complete
    assert "mining `remote` (72 comments): reading" in caplog.text and "prompt pool of `remote` stored" in caplog.text
    hurried = PromptMiner(bot.context, Bounds(seconds=0.0))
    await bot.context.stores.archives.import_records(SPACE, "remote", records(REMOTE, "late-"), created_at=now_iso(bot.context))
    await hurried.mine_now(archive.id)
    state = await bot.context.stores.pools.state(archive.id)
    assert state is not None and not state.complete and state.claims_weighed == 0
    assert await bot.context.stores.pools.items(archive.id)  # the quotes are pooled all the same
