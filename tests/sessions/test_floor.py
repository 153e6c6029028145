"""The speaking queue (`hand`, `hand down`, `queue`, `next`), pings only on opt-in, and the anonymous vote."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core import Bot
from bot.models import ErrorReply, TextReply
from bot.sessions.fairness import fair_order
from storage.session_store import QueueRow
from tests.sessions.support import Clock, member, moderator, render, say

CLAIM = "session start Tokens claim: chain of thought is just more tokens"


async def _called(bot: Bot) -> str:
    reply = await moderator(bot).ask("next")
    assert isinstance(reply, TextReply)
    return reply.text.split()[1].rstrip(",")


async def test_hand_queue_and_hand_down(bot: Bot, clock: Clock) -> None:
    """Raising twice keeps one place; lowering leaves the queue."""
    await moderator(bot).ask("session start Tokens")
    ann, bob = member(bot, "ann"), member(bot, "bob")
    assert "1 of 1" in render(await ann.ask("hand"))
    clock.advance(1)
    assert "2 of 2" in render(await bob.ask("hand"))
    again = await ann.ask("hand")
    assert (
        isinstance(again, TextReply)
        and "already in the queue, number 1 of 2" in again.text
        and again.ephemeral
    )
    queue = await bob.ask("queue")
    assert isinstance(queue, TextReply) and queue.lines == ["ann", "bob"]
    assert "lowered" in render(await ann.ask("hand down"))
    assert "wasn't raised" in render(await ann.ask("hand down"))
    queue = await bob.ask("queue")
    assert isinstance(queue, TextReply) and queue.lines == ["bob"]


async def test_next_is_round_robin_fair_to_who_spoke_least(bot: Bot, clock: Clock) -> None:
    """Nobody gets a second turn while someone waits for a first; quieter members go before talkative ones."""
    await moderator(bot).ask("session start Tokens")
    ann, bob, cat = member(bot, "ann"), member(bot, "bob"), member(bot, "cat")
    for _ in range(3):
        await say(bot, ann, "I have many thoughts on this")
    for person in (ann, bob, cat):
        await person.ask("hand")
        clock.advance(1)
    assert await _called(bot) == "bob"  # bob and cat have written nothing; bob raised first
    await bob.ask("hand")  # straight back in the queue
    assert await _called(bot) == "cat"
    assert await _called(bot) == "ann"  # written most, but never called
    await cat.ask("hand")
    await ann.ask("hand")
    assert await _called(bot) == "bob"  # all had one turn: bob and cat wrote nothing, bob raised first
    queue = await moderator(bot).ask("queue")
    assert isinstance(queue, TextReply)
    assert all("called 1\u00d7 already" in line for line in queue.lines)
    stats = render(await moderator(bot).ask("session stats"))
    assert "called 1\u00d7" in stats


async def test_next_with_an_empty_queue(bot: Bot, clock: Clock) -> None:
    await moderator(bot).ask("session start Tokens")
    reply = await moderator(bot).ask("next")
    assert isinstance(reply, TextReply) and reply.text == "Nobody is waiting to speak."


async def test_next_pings_only_the_person_called_and_only_if_they_opted_in(bot: Bot, clock: Clock) -> None:
    """`mention_user_id` is set for the called person after `notify me on`; no other reply ever sets it."""
    await moderator(bot).ask("session start Tokens")
    ann, bob = member(bot, "ann"), member(bot, "bob")
    replies = [await ann.ask("hand"), await bob.ask("hand")]
    quiet = await moderator(bot).ask("next")
    assert isinstance(quiet, TextReply) and "ann" in quiet.text and quiet.mention_user_id is None
    optin = await bob.ask("notify me on")
    assert isinstance(optin, TextReply) and optin.ephemeral
    called = await moderator(bot).ask("next")
    assert isinstance(called, TextReply) and called.mention_user_id == "bob"
    await bob.ask("notify me off")
    await bob.ask("hand")
    again = await moderator(bot).ask("next")
    assert isinstance(again, TextReply) and again.mention_user_id is None
    replies += [await ann.ask("queue"), await ann.ask("session stats"), await ann.ask("session")]
    assert all(getattr(reply, "mention_user_id", None) is None for reply in replies)


async def test_votes_are_anonymous_changeable_and_one_each(bot: Bot, clock: Clock) -> None:
    await moderator(bot).ask(CLAIM)
    ann, bob = member(bot, "ann"), member(bot, "bob")
    first = await ann.ask("vote agree")
    assert isinstance(first, TextReply) and first.ephemeral and "recorded: agree" in first.text
    changed = await ann.ask("vote disagree")
    assert "changed from agree to disagree" in render(changed)
    await ann.ask("vote no")  # an alias: still disagree, still one vote
    await bob.ask("vote pass")
    tally = await bob.ask("vote")
    text = render(tally)
    assert "agree 0 \u00b7 disagree 1 \u00b7 pass 1 (2 votes)" in text
    assert "ann" not in text and "bob" not in text
    assert "Archive `sample`" in text  # shown beside the archive's stance counts
    bad = await bob.ask("vote maybe")
    assert isinstance(bad, ErrorReply) and bad.hint and "vote agree" in bad.hint


async def test_votes_close_with_the_session_and_only_totals_are_kept(bot: Bot, clock: Clock) -> None:
    mod = moderator(bot)
    await mod.ask(CLAIM)
    await member(bot, "ann").ask("vote agree")
    await mod.ask("session end")
    late = await member(bot, "bob").ask("vote agree")
    assert isinstance(late, ErrorReply) and "No session is open" in late.message
    rows = await bot.context.stores.database.fetchall("SELECT * FROM session_votes")
    assert rows == []
    assert "agree 1" in render(await mod.ask("session recap"))


async def test_a_session_without_a_claim_has_no_vote(bot: Bot, clock: Clock) -> None:
    await moderator(bot).ask("session start Tokens")
    reply = await member(bot, "ann").ask("vote agree")
    assert isinstance(reply, ErrorReply) and "no claim" in reply.message and reply.hint


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 20), st.integers(0, 1000)),
        min_size=1,
        max_size=8,
        unique_by=lambda t: t[2],
    )
)
def test_fair_order_puts_fewest_turns_first(rows: list[tuple[int, int, int]]) -> None:
    """Whatever the queue, the first called has had the fewest turns, and among those written least."""
    queue = [
        QueueRow(f"u{i}", f"u{i}", f"2025-01-01T00:{at // 60:02d}:{at % 60:02d}", turns, messages)
        for i, (turns, messages, at) in enumerate(rows)
    ]
    first = fair_order(queue)[0]
    fewest = min(row.turns for row in queue)
    assert first.turns == fewest
    assert first.messages == min(row.messages for row in queue if row.turns == fewest)
