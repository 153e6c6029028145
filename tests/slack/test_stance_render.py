"""`stance` and `counter` replies as Block Kit: what a reader sees, within Slack's limits, and never a ping."""

from __future__ import annotations

import json
import re
from typing import Any

from adapters.slack.buttons import ANOTHER, SHOW_ALL, ClaimRef
from adapters.slack.limits import MAX_BLOCKS, MAX_SECTION_CHARS
from adapters.slack.render import render, render_messages
from bot.actions import actions_for
from bot.models import (
    CounterReply,
    MemberVotes,
    Quote,
    QuotesReply,
    StanceCounts,
    StanceItem,
    StanceReply,
)
from tests.slack.fake_slack import block_problem

PINGS = re.compile(r"<[!@#]")
EVIL = "hey <!everyone> <!here> <!channel> <!subteam^S1|@mods> <@UADMIN> & <#C1>"


def quote(text: str, author: str = "alice", comment_id: int = 1) -> Quote:
    return Quote(
        comment_id=comment_id,
        source_id=f"c{comment_id}",
        text=text,
        author=author,
        url=f"https://news.example/item?id={comment_id}",
        archive="hn",
        created_at="2024-05-01T10:00:00",
    )


def stance(**changes: Any) -> StanceReply:
    values: dict[str, Any] = {
        "claim": "Remote work makes teams more productive",
        "claim_id": 7,
        "archive": "hn",
        "counts": StanceCounts(agree=6, disagree=3, neutral=1, unrelated=40),
        "agree": quote("Remote work doubled our output.", "ann", 2),
        "disagree": quote("Our team slowed down without the office.", "dan", 3),
        "confidence": 0.82,
    }
    values.update(changes)
    reply = StanceReply.model_validate(values)
    reply.actions = actions_for(reply)  # as the core's `Bot.handle` fills them
    return reply


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def sections(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """action_id -> value of every button in the message."""
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


def test_stance_shows_claim_chart_confidence_and_both_sides_cited() -> None:
    """The claim, a bar per label in a code block, how sure, and the quote on each side with author and link."""
    message = render(stance())
    body = texts(message.blocks)
    assert "Remote work makes teams more productive" in sections(message.blocks)[0]
    chart = next(s for s in sections(message.blocks) if "```" in s)
    assert "agree    ██████░░░░ 6" in chart and "disagree ███░░░░░░░ 3" in chart
    assert "10 on-topic comments (40 unrelated" in chart
    assert "Confidence 82%" in body
    agrees = next(s for s in sections(message.blocks) if s.startswith("*Agrees*"))
    assert "> Remote work doubled our output." in agrees
    assert "*ann*" in agrees and "<https://news.example/item?id=2|2024-05-01>" in agrees
    disagrees = next(s for s in sections(message.blocks) if s.startswith("*Disagrees*"))
    assert "*dan*" in disagrees and "slowed down" in disagrees
    assert message.text.startswith(
        "Stance toward \u201cRemote work makes teams more productive\u201d: 6 agree"
    )


def test_members_tally_shown_only_when_someone_voted() -> None:
    """Members' own votes appear beside the archive's counts; no tally when nobody voted."""
    voted = render(stance(members=MemberVotes(agree=2, disagree=1, passed=1)))
    tally = next(s for s in sections(voted.blocks) if s.startswith("*Members' votes*"))
    assert "4 members" in tally and "pass " in tally and "members: 2 agree, 1 disagree, 1 pass" in voted.text
    assert "Members' votes" not in texts(render(stance(members=None)).blocks)


def test_rough_note_and_moderator_fixes_are_said() -> None:
    """Without a model the reply says its labels are rough; moderator-set labels are counted and said."""
    message = render(stance(rough=True, note="Rough: no NLI model is installed.", fixed_ids=[4, 5]))
    body = texts(message.blocks)
    assert "Rough: no NLI model is installed." in body
    assert "rough: word-based" in texts(render(stance(rough=True)).blocks)
    assert "2 labels set by a moderator" in body and message.text.endswith("(rough)")


def test_stance_buttons_carry_the_claim_id_and_archive() -> None:
    """Show all, Agree, Disagree, Pass; each value names the stored claim and the archive, not the text."""
    found = buttons(render(stance()).blocks)
    assert set(found) == {SHOW_ALL, "threadbot.vote_agree", "threadbot.vote_disagree", "threadbot.vote_pass"}
    assert {ClaimRef.decode(value) for value in found.values()} == {ClaimRef(7, "hn")}


def test_no_buttons_without_a_stored_claim_and_no_show_all_on_the_full_list() -> None:
    """A reply with no claim id has nothing to point at; the full list offers votes but not itself again."""
    assert not buttons(render(stance(claim_id=None)).blocks)
    items = [StanceItem(comment_id=1, text="x", label="agree", score=0.9)]
    assert SHOW_ALL not in buttons(render(stance(items=items)).blocks)


def test_long_claim_and_200_items_stay_within_limits_and_list_every_item() -> None:
    """A 4,000-character claim and 200 long comments: every message within Slack's limits, every item listed."""
    claim = ("productivity " * 320).strip()
    items = [
        StanceItem(
            comment_id=1000 + i, text=f"comment {i} " + "long words here " * 60, label="neutral", score=0.5
        )
        for i in range(200)
    ]
    messages = render_messages(stance(claim=claim, items=items), asked="alice asked: /stance ...")
    for message in messages:
        assert block_problem(message.blocks) is None
        assert len(message.blocks) <= MAX_BLOCKS and len(message.text) <= 3000
        assert all(len(s) <= MAX_SECTION_CHARS for s in sections(message.blocks))
    listed = " ".join(texts(m.blocks) for m in messages)
    assert all(f"#{1000 + i} " in listed for i in range(200))
    assert "\u2026" in listed  # each comment is cut short in the list, never the list itself
    claim_words = " ".join(sections(messages[0].blocks)[:2])
    assert claim_words.count("productivity") == 320


def test_a_reply_over_50_blocks_is_split_over_messages_not_cut() -> None:
    """More than 50 blocks of quotes: several messages, each saying it continues, nothing lost."""
    many = [quote(("x" * 2500 + " ") * 6, comment_id=i) for i in range(10)]
    messages = render_messages(QuotesReply(quotes=many))
    assert len(messages) > 1
    assert all(block_problem(m.blocks) is None for m in messages)
    assert "Continued, part 2 of" in texts(messages[1].blocks)
    assert sum(texts(m.blocks).count("*alice*") for m in messages) == 10


def test_counter_shows_the_cited_quote_and_another_button() -> None:
    """The counter quote verbatim with author and link; "Another" carries the claim id and archive."""
    reply = CounterReply(
        claim="Offices are obsolete", claim_id=9, archive="hn", quote=quote("Offices matter.", "cat")
    )
    reply.actions = actions_for(reply)
    message = render(reply)
    body = " ".join(sections(message.blocks))
    assert (
        "*Against* \u201cOffices are obsolete\u201d" in body
        and "> Offices matter." in body
        and "*cat*" in body
    )
    assert ClaimRef.decode(buttons(message.blocks)[ANOTHER]) == ClaimRef(9, "hn")
    assert message.text == "\u201cOffices matter.\u201d \u2014 cat"


def test_counter_with_nothing_says_so() -> None:
    """No counterargument: the plain "I found no comment..." note, no quote."""
    message = render(CounterReply(claim="x", note="I found no comment that argues against that."))
    assert "I found no comment that argues against that." in texts(message.blocks)
    assert message.text == "I found no comment that argues against that." and not buttons(message.blocks)


def test_no_pings_anywhere_in_rendered_archive_text() -> None:
    """Mentions in the claim, quotes, authors, notes, items and archive names stay inert text."""
    items = [StanceItem(comment_id=i, text=EVIL, label="agree", score=0.9) for i in range(3)]
    evil_stance = stance(
        claim=EVIL,
        archive="<!here>",
        agree=quote(EVIL, author="<@UALICE>"),
        disagree=quote(EVIL, author="<!channel>"),
        note=EVIL,
        items=items,
        members=MemberVotes(agree=1),
    )
    evil_counter = CounterReply(
        claim=EVIL, claim_id=1, archive="<!here>", quote=quote(EVIL, "<@U1>"), note=EVIL
    )
    for reply in (evil_stance, evil_counter, CounterReply(claim=EVIL, note=EVIL)):
        for message in render_messages(reply, asked=f"{EVIL} asked"):
            visible = message.text + texts(
                [
                    {k: v for k, v in b.items() if k != "elements" or b["type"] != "actions"}
                    for b in message.blocks
                ]
            )
            assert not PINGS.search(visible), visible
            assert "&lt;!everyone&gt;" in visible
