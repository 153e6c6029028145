"""What a prompt says: the thread's disagreements and much-replied quotes (verbatim, linked), approved
suggestions in turn, no repeat in a channel until the pool is exhausted, and the stance-pipeline seam."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

import numpy as np
import numpy.typing as npt
import pytest

from adapters.console import ConsoleAdapter
from adapters.plain_render import render_plain
from bot.core import Bot
from bot.models import ErrorReply, PromptReply, PromptSide, PromptTally, Quote, TextReply
from bot.prompts.mining import Bounds
from bot.prompts.pool import DISAGREEMENT_QUESTIONS, MINING_NOTE, ROUGH_NOTE
from bot.prompts.pushback import cue_score
from bot.sides import ArchiveSides, Reading, Weighing
from bot.times import now_iso
from storage.importers.records import CommentRecord
from storage.interface import ArchiveInfo, StoredComment
from storage.prompt_store import ReplyPair
from tests.prompts.support import SPACE, attach, debate_thread, import_debate, mine_all, run_until, utc


async def _post_now(console: ConsoleAdapter) -> PromptReply:
    reply = await console.ask("prompt now")
    assert isinstance(reply, PromptReply), reply  # no poster registered: the prompt is the reply itself
    return reply


async def test_first_prompt_is_a_disagreement_with_a_quote_from_each_side(bot: Bot) -> None:
    """The claim sentence and the reply that pushes back, verbatim, with authors and links, the counts, under a
    template question; without models the prompt says the sides are rough."""
    await import_debate(bot)
    await mine_all(bot)
    reply = await _post_now(ConsoleAdapter(bot, channel="daily"))
    texts = {r.source_id: r.text for r in debate_thread()}
    assert reply.kind == "disagreement"
    assert [side.label for side in reply.sides] == ["Claim", "Disagrees"]
    claim, pushback = (side.quote for side in reply.sides)
    assert (claim.source_id, claim.author, claim.url) == ("c2", "dan", "https://t.example/c2")
    assert (pushback.source_id, pushback.author, pushback.url) == ("r2", "eve", "https://t.example/r2")
    assert claim.text == texts["c2"] and pushback.text == texts["r2"]
    assert reply.tally == PromptTally(agree=0, disagree=1)
    assert reply.question in DISAGREEMENT_QUESTIONS and reply.notify_role is None
    assert reply.note == ROUGH_NOTE


async def test_no_repeat_until_the_pool_is_exhausted(bot: Bot) -> None:
    """Kinds take turns (disagreement, much-replied quote, ...); every prompt once, then a note and over again."""
    await import_debate(bot)
    await mine_all(bot)
    console = ConsoleAdapter(bot, channel="daily")
    seen = [await _post_now(console) for _ in range(3)]
    assert [p.kind for p in seen] == ["disagreement", "discussed", "disagreement"]
    assert [p.sides[0].quote.source_id for p in seen] == ["c2", "c3", "c1"]
    assert seen[1].sides[0].label == "Quote (3 replies)"
    assert all(p.note == ROUGH_NOTE for p in (seen[0], seen[2])) and seen[1].note is None
    again = await _post_now(console)
    assert again.note and "starting over" in again.note
    other_channel = await _post_now(ConsoleAdapter(bot, channel="elsewhere"))
    assert other_channel.note == ROUGH_NOTE and other_channel.sides[0].quote.source_id == "c2"


async def test_an_archive_without_replies_still_gives_quotes(bot: Bot) -> None:
    """Before the bundled sample is mined, its prompts are quotes with an open question, and they say why."""
    reply = await _post_now(ConsoleAdapter(bot, channel="daily"))
    assert reply.kind == "quote" and reply.sides[0].quote.archive == "sample"
    assert reply.note == MINING_NOTE


async def test_a_daily_prompt_never_defaults_to_a_groups_recording(bot: Bot) -> None:
    """A reading group's recording, newer than the imported thread, is not where a channel's prompts come from."""
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await import_debate(bot)
    await mine_all(bot)
    clock.advance(minutes=30)
    # what `session record on` keeps in the channel's group archive (bot/sessions/recording.py)
    said = "In the session we agreed that the essay's numbers on token spend need a second look, "
    recorded = [CommentRecord(f"g{i}", f"{said}point {i}.", author="ann") for i in range(3)]
    await bot.context.stores.archives.import_records(SPACE, "group-daily", recorded, created_at=now_iso(bot.context))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    await run_until(bot, clock, utc(2026, 5, 4, 8))
    (posted,) = poster.prompts()
    assert posted.kind == "disagreement" and {s.quote.archive for s in posted.sides} == {"debate"}


async def test_suggestion_queue(bot: Bot) -> None:
    """Members suggest; moderators see the queue, approve or reject; approved ones take their turn."""
    await import_debate(bot)
    await mine_all(bot)
    member = ConsoleAdapter(bot, user="mia", channel="daily", moderator=False)
    mod = ConsoleAdapter(bot, channel="daily")
    ok = await member.ask("prompt suggest Is a token budget a better metric than a token count?")
    assert isinstance(ok, TextReply) and "#1" in ok.text and ok.ephemeral
    await member.ask("prompt suggest Should labs publish their distillation sources?")
    duplicate = await member.ask("prompt suggest is a token budget a better metric than a token count?")
    assert isinstance(duplicate, ErrorReply) and "already" in duplicate.message
    queue = await mod.ask("prompt queue")
    assert isinstance(queue, TextReply) and len(queue.lines) == 2 and "from mia" in queue.lines[0]
    assert isinstance(await mod.ask("prompt approve 1"), TextReply)
    assert isinstance(await mod.ask("prompt reject #2"), TextReply)
    again = await mod.ask("prompt approve 1")
    assert isinstance(again, ErrorReply) and "already approved" in again.message
    missing = await mod.ask("prompt approve 99")
    assert isinstance(missing, ErrorReply) and "no suggestion #99" in missing.message
    kinds = [(p.kind, p.question, p.suggested_by) for p in [await _post_now(mod) for _ in range(4)]]
    suggestion = ("suggestion", "Is a token budget a better metric than a token count?", "mia")
    assert kinds[2] == suggestion  # after a disagreement and a much-replied quote
    assert all("distillation sources" not in question for _, question, _ in kinds)


async def test_suggestions_are_checked(bot: Bot) -> None:
    """Too short, too long, and more than five waiting from one member are refused with a reason."""
    member = ConsoleAdapter(bot, user="mia", channel="daily", moderator=False)
    short = await member.ask("prompt suggest why?")
    long = await member.ask("prompt suggest " + "why " * 200)
    assert isinstance(short, ErrorReply) and isinstance(long, ErrorReply) and "at most 500" in long.message
    for number in range(5):
        assert isinstance(
            await member.ask(f"prompt suggest Question number {number} for the channel?"), TextReply
        )
    sixth = await member.ask("prompt suggest One question too many for now?")
    assert isinstance(sixth, ErrorReply) and "waiting for review" in sixth.message


async def test_members_are_refused_moderator_commands(bot: Bot) -> None:
    """Every schedule and queue command except `list`, `next` and `suggest` is for moderators only."""
    member = ConsoleAdapter(bot, channel="daily", moderator=False)
    for text in ("prompt schedule 09:00", "prompt pause", "prompt resume", "prompt cancel", "prompt now",
                 "prompt skip", "prompt queue", "prompt approve 1", "prompt reject 1", "prompt pool",
                 "prompt drop 1"):  # fmt: skip
        reply = await member.ask(text)
        assert isinstance(reply, ErrorReply) and "moderators only" in reply.message, text
    assert isinstance(await member.ask("prompt list"), TextReply)
    assert isinstance(await member.ask("prompt next"), PromptReply)


async def test_next_previews_exactly_what_posts(bot: Bot) -> None:
    """`prompt next` shows the prompt and its time; the scheduled post is that same prompt."""
    await import_debate(bot)
    await mine_all(bot)
    clock, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    await console.ask("prompt now")  # moves the rotation on by one
    preview = await console.ask("prompt next")
    assert isinstance(preview, PromptReply) and preview.ephemeral
    assert preview.note and "Posts Mon 04 May 2026 09:00 CEST (07:00 UTC)" in preview.note
    await run_until(bot, clock, utc(2026, 5, 4, 8))
    posted = poster.prompts()[-1]
    assert (posted.question, posted.sides) == (preview.question, preview.sides)


async def test_spaces_never_see_each_other(bot: Bot) -> None:
    """Schedules, suggestions and archives of one space are invisible from another."""
    await import_debate(bot)
    here = ConsoleAdapter(bot, channel="daily")
    there = ConsoleAdapter(bot, channel="daily", space="other")
    await here.ask("prompt schedule 09:00 daily Europe/Berlin")
    await ConsoleAdapter(bot, channel="daily", moderator=False).ask(
        "prompt suggest A question for here only?"
    )
    listed = await there.ask("prompt list")
    assert isinstance(listed, TextReply) and listed.title == "No prompt schedules"
    queue = await there.ask("prompt queue")
    assert isinstance(queue, TextReply) and not queue.lines
    reply = await there.ask("prompt now")
    assert isinstance(reply, PromptReply) and reply.sides[0].quote.archive == "sample"


async def test_schedule_with_unknown_archive_is_refused(bot: Bot) -> None:
    """`--archive` must name an archive this space can read."""
    reply = await ConsoleAdapter(bot).ask("prompt schedule 09:00 --archive nope")
    assert isinstance(reply, ErrorReply) and "no archive named `nope`" in reply.message


class FakeStance:
    """Stands for the stance pipeline: says only the reply `r1b` pushes back (the word cues would say r1 and r2),
    and that no comment takes a side on any claim."""

    def __init__(self) -> None:
        self.seen = 0
        self.background = True

    async def sides(self, space_key: str, archive: ArchiveInfo, claim: str) -> ArchiveSides:
        raise NotImplementedError("prompts never ask for sides")

    async def pushback(self, pairs: Sequence[ReplyPair], *, background: bool = False) -> list[float] | None:
        self.seen += len(pairs)
        self.background = self.background and background
        return [0.9 if pair.reply.source_id == "r1b" else 0.1 for pair in pairs]

    async def weigh(
        self,
        archive: ArchiveInfo,
        claim: str,
        comments: Sequence[StoredComment],
        vectors: npt.NDArray[np.float32] | None,
        gate: Callable[[], Awaitable[None]] | None = None,
    ) -> Weighing:
        return Weighing(tuple(Reading(c.id, "neutral", 0.5, 0.5) for c in comments), rough=False)

    async def idle(self) -> None:
        return None

    async def quiet(self) -> None:
        return None


async def test_the_stance_pipeline_decides_which_replies_push_back(bot: Bot) -> None:
    """With `ctx.services.stance` offering `pushback`, its judgement (in the background) picks the disagreement,
    not word cues."""
    await import_debate(bot)
    stance = FakeStance()
    bot.context.services.stance = stance
    await mine_all(bot)
    reply = await _post_now(ConsoleAdapter(bot, channel="daily"))
    assert stance.seen >= 4 and stance.background  # every quotable reply pair, not only those with cue words
    assert [side.quote.source_id for side in reply.sides] == ["c1", "r1b"]
    assert reply.note is None  # the pipeline judged it: not rough


def test_pushback_cues() -> None:
    """Openings like "No," or "Actually" count; agreement does not."""
    assert cue_score("No, that is not how it works at all.") >= 0.5
    assert cue_score("Actually the opposite happened here.") >= 0.5
    assert cue_score("I don\u2019t think so; I disagree with the premise.") >= 0.5
    assert cue_score("Yes, exactly what I saw too.") < 0.5


def test_plain_rendering_of_a_prompt() -> None:
    """The console shows the question, each side with its citation, and names a configured role."""
    quote = Quote(
        comment_id=1, source_id="c1", text="Claim text.", author="ann", url="https://t/1", archive="a"
    )
    reply = PromptReply(kind="disagreement", question="Who is right?", notify_role="debaters",
                        sides=[PromptSide(label="Claim", quote=quote)])  # fmt: skip
    text = render_plain(reply)
    assert text.startswith("@debaters Who is right?")
    assert "Claim: \u201cClaim text.\u201d" in text and "https://t/1" in text


def test_plain_rendering_of_a_disagreement() -> None:
    """The console shows the counts under the question, then the claim and each side with citations."""
    quote = Quote(comment_id=1, source_id="c1", text="Claim text.", author="ann", url="https://t/1", archive="a")
    reply = PromptReply(kind="disagreement", question="Where do you land?", tally=PromptTally(agree=7, disagree=5),
                        sides=[PromptSide(label=label, quote=quote) for label in ("Claim", "Agrees", "Disagrees")])  # fmt: skip
    text = render_plain(reply)
    assert text.startswith("Where do you land?\n  7 comments agree, 5 disagree\n\nClaim: \u201cClaim text.\u201d")
    assert "Agrees: " in text and "Disagrees: " in text


class BusyStance(FakeStance):
    """A pipeline whose members keep it busy (a command, an answer completing itself) until `free` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.free = asyncio.Event()
        self.weighed = 0

    async def weigh(
        self,
        archive: ArchiveInfo,
        claim: str,
        comments: Sequence[StoredComment],
        vectors: npt.NDArray[np.float32] | None,
        gate: Callable[[], Awaitable[None]] | None = None,
    ) -> Weighing:
        if gate is not None:
            await gate()
        self.weighed += 1
        return await super().weigh(archive, claim, comments, vectors)

    async def quiet(self) -> None:
        await self.free.wait()


async def test_mining_waits_for_members_without_using_up_its_bound(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """While a member's answer is still completing itself, the miner reads nothing; once it is free it mines the
    whole archive, the wait not counted against its time bound."""
    await import_debate(bot)
    stance = BusyStance()
    bot.context.services.stance = stance
    miner = bot.context.services.miner
    assert miner is not None
    miner.bounds = Bounds(seconds=0.5)
    (state,) = [s for s in await bot.context.stores.pools.archives() if s.archive.name == "debate"]
    caplog.set_level(logging.INFO, logger="bot.prompts.mining")
    miner.kick(state.archive.id)
    await asyncio.sleep(1.0)
    assert stance.weighed == 0 and miner.busy(state.archive.id)
    stance.free.set()
    await asyncio.wait_for(miner.wait(), 30.0)
    done = [r.getMessage() for r in caplog.records if "done:" in r.getMessage()]
    assert stance.weighed > 0 and len(done) == 1, done
    assert "bounded" not in done[0] and "waiting for members" in done[0], done[0]
