"""`stance fix` and `stance vote` through the console: fixes change counts and counters, votes are tallied
anonymously per space, and bad input gets a clear error. Word-based fallback engine (no model), so it always runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from adapters.plain_render import render_plain
from bot.claims import suggest_claims
from bot.core import Bot
from bot.models import CounterReply, ErrorReply, Reply, StanceReply, TextReply
from bot.times import now_iso
from storage.importers.records import CommentRecord

from .test_stance_commands import CLAIM, THREAD

SPACE = "console:local"
FAR = CommentRecord(source_id="far", text="Bananas ripen faster next to apples.", author="fay")


@pytest.fixture
def fallback(bot: Bot, tmp_path: Path) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    bot.context.settings.model_dir = empty


@pytest.fixture
async def ids(bot: Bot, fallback: None) -> dict[str, int]:
    """Import the thread (plus one comment that shares no word with the claim); source id -> comment id."""
    await bot.context.stores.archives.import_records(SPACE, "t", [*THREAD, FAR], created_at=now_iso(bot.context))
    db = bot.context.stores.stance.db
    rows = await db.fetchall(
        "SELECT c.id, c.source_id FROM comments c JOIN archives a ON a.id = c.archive_id WHERE a.name = 't'"
    )
    return {str(r[1]): int(r[0]) for r in rows}


@pytest.fixture
def mod(bot: Bot) -> ConsoleAdapter:
    return ConsoleAdapter(bot, channel="c1", user="mod", moderator=True)


def _labels(reply: Reply) -> dict[int, str]:
    assert isinstance(reply, StanceReply), reply
    return {item.comment_id: item.label for item in reply.items}


async def test_fix_changes_later_counts_for_the_same_claim(mod: ConsoleAdapter, ids: dict[str, int]) -> None:
    """A fixed label replaces the engine's in counts and --all, also for a differently spelled claim."""
    before = await mod.ask(f"stance {CLAIM} --all --archive t")
    assert isinstance(before, StanceReply) and before.fixed_ids == []
    assert _labels(before)[ids["a1"]] == "agree"
    fixed = await mod.ask(f"stance fix {ids['a1']} disagree {CLAIM}")
    assert isinstance(fixed, TextReply) and f"#{ids['a1']}" in fixed.text and "disagree" in fixed.text
    after = await mod.ask(f"stance {CLAIM.upper()}!! --all --archive t")
    assert isinstance(after, StanceReply)
    assert _labels(after)[ids["a1"]] == "disagree" and after.fixed_ids == [ids["a1"]]
    assert after.counts.agree == before.counts.agree - 1
    assert after.counts.disagree == before.counts.disagree + 1
    text = render_plain(after)
    assert f"#{ids['a1']} [disagree (fixed)]" in text and "labelled by a moderator" in text
    other_claim = await mod.ask("stance remote work makes teams lazy --all --archive t")
    assert isinstance(other_claim, StanceReply) and other_claim.fixed_ids == []


async def test_fix_with_options_and_clear(mod: ConsoleAdapter, ids: dict[str, int]) -> None:
    """`--comment N --label L` works like the text form; `--label clear` restores the engine's label."""
    reply = await mod.ask(f"stance fix --comment {ids['d1']} --label neutral {CLAIM}")
    assert isinstance(reply, TextReply)
    assert _labels(await mod.ask(f"stance {CLAIM} --all --archive t"))[ids["d1"]] == "neutral"
    cleared = await mod.ask(f"stance fix --comment {ids['d1']} --label clear {CLAIM}")
    assert isinstance(cleared, TextReply) and "Removed" in cleared.text
    again = await mod.ask(f"stance {CLAIM} --all --archive t")
    assert _labels(again)[ids["d1"]] == "disagree"
    assert isinstance(again, StanceReply) and again.fixed_ids == []


async def test_fix_of_a_comment_stance_did_not_find_still_counts(mod: ConsoleAdapter, ids: dict[str, int]) -> None:
    """A fixed comment that retrieval never returned for the claim is added to the counts."""
    before = await mod.ask(f"stance {CLAIM} --all --archive t")
    assert ids["far"] not in _labels(before)
    await mod.ask(f"stance fix {ids['far']} agree {CLAIM}")
    after = await mod.ask(f"stance {CLAIM} --all --archive t")
    assert _labels(after)[ids["far"]] == "agree"
    assert isinstance(before, StanceReply) and isinstance(after, StanceReply)
    assert after.counts.agree == before.counts.agree + 1


async def test_counter_respects_fixes(mod: ConsoleAdapter, ids: dict[str, int]) -> None:
    """Comments fixed as agree/neutral are never offered; one fixed as disagree is, though the engine disagreed."""
    await mod.ask(f"stance fix {ids['d1']} agree {CLAIM}")
    await mod.ask(f"stance fix {ids['d2']} neutral {CLAIM}")
    none_left = await mod.ask(f"counter {CLAIM} --archive t")
    assert isinstance(none_left, CounterReply) and none_left.quote is None
    await mod.ask(f"stance fix {ids['a2']} disagree {CLAIM}")
    offered = await mod.ask(f"counter {CLAIM} --archive t")
    assert isinstance(offered, CounterReply) and offered.quote is not None
    assert offered.quote.comment_id == ids["a2"]
    assert f"#{ids['a2']}" in render_plain(offered)


async def test_fix_is_for_moderators_only(bot: Bot, ids: dict[str, int]) -> None:
    """A member cannot fix a label; nothing changes."""
    member = ConsoleAdapter(bot, channel="c1", user="mia", moderator=False)
    reply = await member.ask(f"stance fix {ids['a1']} disagree {CLAIM}")
    assert isinstance(reply, ErrorReply) and "moderators only" in reply.message
    after = await member.ask(f"stance {CLAIM} --all --archive t")
    assert isinstance(after, StanceReply) and after.fixed_ids == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("99999 agree {claim}", "no comment #99999"),
        ("{a1} maybe {claim}", "which label"),
        ("--comment {a1} --label maybe {claim}", "`maybe` is not a label"),
        ("{a1} disagree", "which claim"),
        ("disagree {claim}", "which comment"),
        ("--comment abc --label agree {claim}", "not a comment number"),
    ],
)
async def test_fix_bad_input_is_explained(mod: ConsoleAdapter, ids: dict[str, int], args: str, expected: str) -> None:
    """Unknown comment, missing or invalid label, missing claim or comment: a specific error each."""
    reply = await mod.ask("stance fix " + args.format(a1=ids["a1"], claim=CLAIM))
    assert isinstance(reply, ErrorReply)
    assert expected in reply.message, reply.message


async def test_fix_of_another_spaces_comment_is_refused(bot: Bot, mod: ConsoleAdapter, ids: dict[str, int]) -> None:
    """A comment of another space's archive cannot be fixed from here."""
    await bot.context.stores.archives.import_records(
        "discord:other",
        "theirs",
        [CommentRecord(source_id="x", text="Secret.")],
        created_at=now_iso(bot.context),
    )
    db = bot.context.stores.stance.db
    row = await db.fetchone("SELECT id FROM comments WHERE source_id = 'x'")
    assert row is not None
    reply = await mod.ask(f"stance fix {row[0]} agree {CLAIM}")
    assert isinstance(reply, ErrorReply) and "this space's archives" in reply.message


async def test_votes_are_changeable_anonymous_and_per_space(bot: Bot, ids: dict[str, int]) -> None:
    """One vote per member, changeable; stance shows counts only; another space has its own tally."""
    ann = ConsoleAdapter(bot, channel="c1", user="ann-user-id", moderator=False)
    ben = ConsoleAdapter(bot, channel="c1", user="ben-user-id", moderator=False)
    none_yet = await ann.ask(f"stance {CLAIM} --archive t")
    assert isinstance(none_yet, StanceReply) and none_yet.members is None
    first = await ann.ask(f"stance vote agree {CLAIM}")
    assert isinstance(first, TextReply) and "agree" in first.text and first.ephemeral
    await ben.ask(f"stance vote --choice pass {CLAIM.lower()}.")
    changed = await ann.ask(f"stance vote disagree {CLAIM}")
    assert isinstance(changed, TextReply) and "changed your vote from agree to disagree" in changed.text.lower()
    reply = await ben.ask(f"stance {CLAIM} --archive t")
    assert isinstance(reply, StanceReply) and reply.members is not None
    assert (reply.members.agree, reply.members.disagree, reply.members.passed) == (0, 1, 1)
    dumped = reply.model_dump_json()
    assert "ann-user-id" not in dumped and "ben-user-id" not in dumped
    assert '"members"' in dumped and '"fixed_ids"' in dumped and '"claim_id"' in dumped
    assert "Members voted: 0 agree \u00b7 1 disagree \u00b7 1 pass" in render_plain(reply)
    elsewhere = ConsoleAdapter(bot, channel="c1", user="ann-user-id", space="elsewhere")
    other = await elsewhere.ask(f"stance {CLAIM}")
    assert isinstance(other, StanceReply) and other.members is None


async def test_vote_bad_input_is_explained(bot: Bot, ids: dict[str, int]) -> None:
    """A missing or unknown choice, or a missing claim, gets a specific error."""
    member = ConsoleAdapter(bot, channel="c1", user="u", moderator=False)
    for text, expected in (
        (f"stance vote {CLAIM}", "agree, disagree or pass"),
        (f"stance vote --choice maybe {CLAIM}", "`maybe` is not a vote"),
        ("stance vote agree", "which claim"),
    ):
        reply = await member.ask(text)
        assert isinstance(reply, ErrorReply) and expected in reply.message, (text, reply)


async def test_claims_are_remembered_per_space(bot: Bot, ids: dict[str, int]) -> None:
    """Claims asked here are suggested here and never in another space; stance replies carry their id."""
    here = ConsoleAdapter(bot, channel="c1")
    reply = await here.ask(f"stance {CLAIM} --archive t")
    assert isinstance(reply, StanceReply) and reply.claim_id is not None and reply.archive == "t"
    counter = await here.ask(f"counter {CLAIM.lower()} --archive t")
    assert isinstance(counter, CounterReply) and counter.claim_id == reply.claim_id and counter.archive == "t"
    assert await suggest_claims(bot.context, SPACE, "remote") == [CLAIM.lower()]
    assert await suggest_claims(bot.context, "console:elsewhere", "remote") == []
