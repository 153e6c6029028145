"""Opening and closing sessions: start, end with a recap, auto-close by the timer, restarts, moderator rights."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from adapters.app import open_bot
from bot.background import Background
from bot.core import Bot
from bot.errors import UsageError
from bot.features import background_ticks
from bot.models import ErrorReply, TextReply
from bot.sessions.args import parse_start
from bot.settings import Settings
from bot.sides import ArchiveSides
from storage.interface import ArchiveInfo, StoredComment
from storage.prompt_store import ReplyPair
from tests.sessions.support import Clock, RecordingPoster, import_thread, member, moderator, render, say

START = "session start Chain of thought claim: chain of thought is just more tokens 45"


async def test_start_posts_topic_claim_and_both_sides_in_a_new_thread(
    bot: Bot, clock: Clock, poster: RecordingPoster
) -> None:
    """With a poster, the opening goes to a new thread and the command gets a short confirmation."""
    reply = await moderator(bot).ask(START)
    assert isinstance(reply, TextReply) and "open in its thread" in reply.text
    [(place, opening, thread_title)] = poster.posts
    assert thread_title == "Chain of thought" and place.channel == "console"
    text = render(opening)
    assert "Reading session: Chain of thought" in text
    assert "Claim: \u201cchain of thought is just more tokens\u201d" in text
    assert "For:" in text and "Against:" in text and "rough" in text
    assert "until 18:45" in text.lower() and "(45 min)" in text
    status = await member(bot, "ann").ask("session")
    assert isinstance(status, TextReply) and "45 min left" in render(status)


async def test_start_without_a_poster_answers_with_the_opening_itself(bot: Bot, clock: Clock) -> None:
    """No adapter can post on its own (a script run): the opening is the reply."""
    reply = await moderator(bot).ask("session start Tokens 30")
    assert isinstance(reply, TextReply) and reply.title == "Reading session: Tokens"
    assert "Claim" not in render(reply)


async def test_here_option_stays_in_the_channel(bot: Bot, clock: Clock, poster: RecordingPoster) -> None:
    """`--here`: no thread is opened."""
    reply = await moderator(bot).ask("session start Tokens --here")
    assert isinstance(reply, TextReply) and "above" in reply.text
    assert poster.posts[0][2] is None


async def test_only_one_session_per_channel(bot: Bot, clock: Clock) -> None:
    """A second start is refused while one is open; another channel may have its own."""
    await moderator(bot).ask("session start One")
    again = await moderator(bot).ask("session start Two")
    assert isinstance(again, ErrorReply) and "already open" in again.message
    other = await moderator(bot, channel="other").ask("session start Two")
    assert isinstance(other, TextReply) and other.title == "Reading session: Two"


async def test_end_closes_with_a_recap(bot: Bot, clock: Clock) -> None:
    """The recap has duration, participants, the vote, cited quotes and the most replied-to message."""
    mod, ann, bob = moderator(bot), member(bot, "ann"), member(bot, "bob")
    await import_thread(bot)
    await mod.ask(START + " --archive thread")
    first = await say(bot, ann, "Tokens are not thinking, they are typing out loud.")
    await say(bot, bob, "I disagree: writing it down is thinking.", reply_to=first)
    await say(bot, mod, "Say more, bob?", reply_to=first)
    await ann.ask("vote agree")
    await bob.ask("vote disagree")
    clock.advance(40)
    recap = await mod.ask("session end")
    assert isinstance(recap, TextReply) and recap.title == "Recap: Chain of thought"
    text = render(recap)
    assert "18:00 UTC to 18:40 UTC (40 min)" in text
    assert "Participants (3)" in text and "ann: 1 message, 9 words" in text
    assert "Vote: agree 1 \u00b7 disagree 1 \u00b7 pass 0 (2 votes)" in text
    assert text.count("Cited: ") == 2  # one quote from each side, posted at the start
    assert "Cited: \u201cExactly right" in text and "Cited: \u201cNo, chain of thought" in text
    assert f"Most replied-to: ann's message, 2 replies: https://chat.example/console/{first}" in text
    after = await ann.ask("hand")
    assert isinstance(after, ErrorReply) and "No session is open" in after.message


async def test_quotes_shown_during_the_session_are_in_the_recap(bot: Bot, clock: Clock) -> None:
    """A `quote` run during the session counts as cited."""
    mod = moderator(bot)
    await mod.ask("session start Weather --here")
    clock.advance(5)
    quoted = await member(bot, "ann").ask("quote compute")
    clock.advance(5)
    recap = render(await mod.ask("session end"))
    assert quoted.type == "quotes" and quoted.quotes
    assert f"\u201c{quoted.quotes[0].text[:40]}" in recap


async def test_the_timer_closes_a_session_and_posts_the_recap(
    bot: Bot, clock: Clock, poster: RecordingPoster
) -> None:
    """The background tick closes overdue sessions and posts the recap into the session's thread."""
    await moderator(bot).ask("session start Tokens 30")
    background = Background(bot.context, ticks=background_ticks())
    await background.run_once(clock.advance(29))
    assert len(poster.posts) == 1
    await background.run_once(clock.advance(2))
    place, recap, _ = poster.posts[-1]
    assert place.thread == "thread-1"
    assert "Session closed. Recap: Tokens" in render(recap) and "closed by the timer" in render(recap)
    assert "18:00 UTC to 18:30 UTC (30 min)" in render(recap)
    await background.run_once(clock.advance(5))
    assert len(poster.posts) == 2  # closed once only


async def test_an_overdue_session_closes_on_the_next_command(bot: Bot, clock: Clock) -> None:
    """Even before the tick runs, nobody can join a session whose time is up."""
    await moderator(bot).ask("session start Tokens 10")
    clock.advance(11)
    reply = await member(bot, "ann").ask("hand")
    assert isinstance(reply, ErrorReply) and "No session is open" in reply.message
    recap = await member(bot, "ann").ask("session recap")
    assert isinstance(recap, TextReply) and "closed by the timer" in recap.text


async def test_a_session_survives_a_restart(settings: Settings) -> None:
    """Close the bot mid-session and open it on the same file: queue, counts and votes are all there."""
    clock = Clock()
    async with open_bot(settings) as bot:
        bot.context.clock = clock
        await moderator(bot).ask(START)
        await member(bot, "ann").ask("hand")
        await member(bot, "bob").ask("vote disagree")
        await say(bot, member(bot, "ann"), "one two three")
    clock.advance(20)
    async with open_bot(settings) as bot:
        bot.context.clock = clock
        queue = await moderator(bot).ask("queue")
        assert isinstance(queue, TextReply) and queue.lines == ["ann"]
        tally = await member(bot, "carol").ask("vote")
        assert "disagree 1" in render(tally)
        stats = await member(bot, "carol").ask("session stats")
        assert "ann: 1 message, 3 words" in render(stats)
        poster = RecordingPoster()
        bot.context.posters.register("console", poster)
        await Background(bot.context, ticks=background_ticks()).run_once(clock.advance(30))
        assert "closed by the timer" in render(poster.posts[0][1])


async def test_members_cannot_run_moderator_commands(bot: Bot, clock: Clock) -> None:
    """start, end, next, record and expect are checked in the core."""
    ann = member(bot, "ann")
    for command in ["session start Tokens", "session record on"]:
        reply = await ann.ask(command)
        assert isinstance(reply, ErrorReply) and "moderators only" in reply.message, command
    await moderator(bot).ask("session start Tokens")
    for command in ["session end", "next", "session expect bob"]:
        reply = await ann.ask(command)
        assert isinstance(reply, ErrorReply) and "moderators only" in reply.message, command
    status = await ann.ask("session")
    assert isinstance(status, TextReply) and status.title == "Session: Tokens"


async def test_recaps_of_earlier_sessions(bot: Bot, clock: Clock) -> None:
    """`session recap` is the latest; `session recap 2` the one before; a missing number says how many exist."""
    mod = moderator(bot)
    for topic in ["First", "Second"]:
        await mod.ask(f"session start {topic}")
        clock.advance(10)
        await mod.ask("session end")
    latest, earlier = await mod.ask("session recap"), await mod.ask("session recap 2")
    assert isinstance(latest, TextReply) and latest.title == "Recap: Second"
    assert "`session recap 2`" in render(latest)
    assert isinstance(earlier, TextReply) and earlier.title == "Recap: First"
    missing = await mod.ask("session recap 3")
    assert isinstance(missing, ErrorReply) and "2 closed sessions" in missing.message
    bad = await mod.ask("session recap last")
    assert isinstance(bad, ErrorReply)


async def test_the_stance_service_decides_the_sides_when_present(bot: Bot, clock: Clock) -> None:
    """The seam: a `stance` service with `session_sides` replaces the rough word-cue split."""
    agree = StoredComment(id=1, archive="sample", source_id="a", text="Yes, exactly this.", author="pat")

    class FakeStance:
        async def sides(self, space_key: str, archive: ArchiveInfo, claim: str) -> ArchiveSides:
            return ArchiveSides(archive.name, 10, agree, None, 7, 3, rough=False)

        async def pushback(self, pairs: Sequence[ReplyPair]) -> list[float] | None:
            return None

    bot.context.services.stance = FakeStance()
    text = render(await moderator(bot).ask(START))
    assert "For: \u201cYes, exactly this.\u201d \u2014 pat" in text
    assert "7 for, 3 against, 0 unclear (of 10 comments on the claim)" in text and "rough" not in text


async def test_the_stance_pipeline_without_models_classifies_the_matches(bot: Bot, clock: Clock) -> None:
    """The stance pipeline over an engine without models (its lexical mode) classifies the matches."""
    await import_thread(bot)
    text = render(await moderator(bot).ask(START + " --archive thread"))
    assert "For: \u201cExactly right" in text and "Against: \u201c" in text
    assert "1 for, 2 against" in text and "rough" in text


async def test_a_failing_stance_service_falls_back_to_rough_sides(bot: Bot, clock: Clock) -> None:
    class Broken:
        async def sides(self, space_key: str, archive: ArchiveInfo, claim: str) -> ArchiveSides:
            raise RuntimeError("model crashed")

        async def pushback(self, pairs: Sequence[ReplyPair]) -> list[float] | None:
            raise RuntimeError("model crashed")

    bot.context.services.stance = Broken()
    reply = await moderator(bot).ask(START)
    assert isinstance(reply, TextReply) and "rough" in render(reply)


@pytest.mark.parametrize(
    ("text", "option", "expected"),
    [
        ("Part two", None, ("Part two", None, None)),
        ("Part two 45", None, ("Part two", None, 45)),
        ("Part two 45 minutes", None, ("Part two", None, 45)),
        ("Part two claim: CoT is more tokens 30m", None, ("Part two", "CoT is more tokens", 30)),
        ("Tokens Claim : it's all compute", None, ("Tokens", "it's all compute", None)),
        ("Scaling claim: GPUs will double by 2030", "60", ("Scaling", "GPUs will double by 2030", 60)),
    ],
)
def test_parse_start(text: str, option: str | None, expected: tuple[str, str | None, int | None]) -> None:
    """Topic, `claim:` and a trailing duration; `--minutes` leaves the text alone."""
    args = parse_start(text, option)
    assert (args.topic, args.claim, args.minutes) == expected


@pytest.mark.parametrize("text", ["", "claim: only a claim", "Topic claim:", "Chapter 2", "Topic 9999"])
def test_parse_start_refuses_with_a_hint(text: str) -> None:
    """No topic, an empty claim or an impossible duration is explained, with the usage."""
    with pytest.raises(UsageError) as raised:
        parse_start(text, None)
    assert raised.value.hint
