"""The core's buttons (bot/actions.py): which replies get which, their tokens, and `Bot.press` / `Bot.suggest`
driven through the console adapter on the word-based engine."""

from __future__ import annotations

import json

import pytest

from adapters.console import ConsoleAdapter
from bot.actions import BAD_BUTTON, CLAIM_GONE, Press, Verb, actions_for, read_token
from bot.core import Bot
from bot.models import CounterCandidateRef, CounterReply, StanceItem, StanceReply, TextReply, Vote
from bot.times import now_iso
from tests.stance.test_stance_commands import CLAIM, THREAD

SPACE = "console:local"


@pytest.fixture
async def thread(bot: Bot, no_models: None) -> ConsoleAdapter:
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    return ConsoleAdapter(bot, channel="c1", user="ann", moderator=False)


def tokens(reply: object) -> dict[str, str]:
    """label -> token of every button the reply carries."""
    return {a.label: a.token for a in getattr(reply, "actions", [])}


def test_tokens_round_trip_and_foreign_ones_are_refused() -> None:
    """A token fits Discord's custom id with a prefix, reads back as the same press, and nothing else reads."""
    longest = Press(Verb.DISAGREE, 2**63 - 1, "a" * 64)
    assert len(longest.token) <= 96 and read_token(longest.token) == longest
    assert read_token("pass:12:") == Press(Verb.PASS, 12)
    for foreign in (
        "drop:1:x",
        "agree:0:x",
        "agree:x:y",
        "agree:1:UPPER",
        "agree:1:a:b",
        f"all:{2**63}:",
        "",
    ):
        assert read_token(foreign) is None, foreign


def test_a_stance_gets_show_all_and_the_votes_a_counter_gets_another() -> None:
    """Buttons only for a stored claim; none listed twice; an archive a token cannot carry is left out."""
    stance = StanceReply(claim="c", claim_id=4, archive="hn")
    assert [(a.label, a.style, a.token, a.private) for a in actions_for(stance)] == [
        ("Show all", "secondary", "all:4:hn", True),
        ("Agree", "success", "agree:4:hn", True),
        ("Disagree", "danger", "disagree:4:hn", True),
        ("Pass", "secondary", "pass:4:hn", True),
    ]
    show_all, *_, vote = actions_for(stance)
    assert (show_all.command, show_all.options) == ("stance", {"all": True, "archive": "hn"})
    assert (vote.command, vote.options) == ("stance vote", {"choice": "pass"})
    listed = stance.model_copy(update={"items": [StanceItem(comment_id=1, text="x", label="agree", score=1)]})
    assert [a.label for a in actions_for(listed)] == [vote.capitalize() for vote in Vote]
    assert actions_for(StanceReply(claim="c")) == []
    unfit = StanceReply(claim="c", claim_id=4, archive="Not A Name")
    assert all(a.token.endswith(":4:") for a in actions_for(unfit))
    counter = CounterReply(claim="c", claim_id=4, archive="hn",
                           candidates=[CounterCandidateRef(comment_id=1, source_id="s", score=0.5)])  # fmt: skip
    [another] = actions_for(counter)
    assert (another.label, another.style, another.private) == ("Another", "primary", False)
    assert another.token == "another:4:hn" and another.options == {"archive": "hn"}
    assert actions_for(CounterReply(claim="c", claim_id=4, archive="hn")) == []


async def test_replies_carry_their_buttons_in_json(thread: ConsoleAdapter) -> None:
    """`Bot.handle` fills the actions, so `--json` shows them too."""
    reply = await thread.ask(f"stance {CLAIM} --archive t")
    assert isinstance(reply, StanceReply) and reply.claim_id is not None
    data = json.loads(reply.model_dump_json())
    assert [a["token"] for a in data["actions"]] == [
        f"{verb}:{reply.claim_id}:t" for verb in (Verb.SHOW_ALL, Verb.AGREE, Verb.DISAGREE, Verb.PASS)
    ]


async def test_a_press_runs_the_command_as_the_presser_privately(bot: Bot, thread: ConsoleAdapter) -> None:
    """Show all lists every comment, a vote is recorded; both answer the presser alone, with no asked line."""
    shown = tokens(await thread.ask(f"stance {CLAIM} --archive t"))
    listing = await thread.press(shown["Show all"])
    assert isinstance(listing.reply, StanceReply) and listing.reply.items and listing.reply.ephemeral
    assert "Show all" not in tokens(listing.reply) and listing.asked is None
    voted = await thread.press(shown["Disagree"])
    assert isinstance(voted.reply, TextReply) and voted.reply.ephemeral and "disagree" in voted.reply.text
    again = await thread.ask(f"stance {CLAIM} --archive t")
    assert isinstance(again, StanceReply) and again.members is not None and again.members.disagree == 1


async def test_another_answers_the_channel_and_says_who_asked(thread: ConsoleAdapter) -> None:
    first = await thread.ask(f"counter {CLAIM} --archive t")
    pressed = await thread.press(tokens(first)["Another"])
    assert isinstance(pressed.reply, CounterReply) and not pressed.reply.ephemeral
    assert pressed.asked == "ann asked for another counterargument"


async def test_a_press_elsewhere_or_of_a_forged_token_is_refused(bot: Bot, thread: ConsoleAdapter) -> None:
    """Another space's claim is gone; a token the core did not write cannot be read."""
    shown = tokens(await thread.ask(f"stance {CLAIM} --archive t"))
    elsewhere = ConsoleAdapter(bot, channel="c1", space="elsewhere")
    assert (await elsewhere.press(shown["Show all"])).reply == CLAIM_GONE
    assert (await thread.press("all:abc:t")).reply == BAD_BUTTON


async def test_suggestions_come_from_the_core(bot: Bot, thread: ConsoleAdapter) -> None:
    """Votes, labels, this space's claims and archives, filtered by what is typed; an unknown list is empty."""
    await thread.ask(f"stance {CLAIM} --archive t")
    actor, place = thread.actor, thread.place
    assert await bot.suggest("votes", "", actor, place) == ["agree", "disagree", "pass"]
    assert await bot.suggest("stance-labels", "un", actor, place) == ["unrelated"]
    assert await bot.suggest("claims", "remote", actor, place) == [CLAIM]
    assert "t" in await bot.suggest("archives", "", actor, place)
    assert await bot.suggest("nothing-like-it", "", actor, place) == []
