"""Stance and counter replies as Discord messages: content, limits, buttons and their custom ids."""

from __future__ import annotations

from adapters.discord.buttons import CUSTOM_ID_CHARS, Buttons, Control, buttons_for, parse_custom_id
from adapters.discord.outbound import allowed_mentions
from adapters.discord.packing import Outgoing
from adapters.discord.render import render
from bot.actions import Verb, actions_for
from bot.models import (
    Actor,
    CounterCandidateRef,
    CounterReply,
    MemberVotes,
    Place,
    Quote,
    StanceCounts,
    StanceItem,
    StanceReply,
)
from tests.discord.fake_limits import check_message

ACTOR = Actor(user_id="1", display_name="a")
PLACE = Place(platform="discord", space="9", channel="8")
LONG_CLAIM = "Remote *work* is @everyone's future " * 120  # ~4,300 characters with markdown and a mention


def _quote(comment_id: int, text: str, author: str | None = "ann") -> Quote:
    return Quote(comment_id=comment_id, source_id=f"s{comment_id}", text=text, author=author,
                 url=f"https://t.example/{comment_id}", archive="debate")  # fmt: skip


def _items(count: int) -> list[StanceItem]:
    labels = ("agree", "disagree", "neutral", "unrelated")
    return [
        StanceItem(
            comment_id=1000 + i, text=f"Comment {i} says " + "words " * 80, label=labels[i % 4], score=0.5
        )
        for i in range(count)
    ]


def _stance(**fields: object) -> StanceReply:
    values: dict[str, object] = {
        "claim": "remote work is better",
        "claim_id": 42,
        "archive": "debate",
        "counts": StanceCounts(agree=12, disagree=4, neutral=3, unrelated=1),
        "agree": _quote(1, "Yes, remote work is *better* " * 200),
        "disagree": _quote(2, "No, offices win.", author=None),
        "confidence": 0.72,
    }
    reply = StanceReply.model_validate(values | fields)
    reply.actions = actions_for(reply)  # as the core's `Bot.handle` fills them
    return reply


def _payload(message: Outgoing) -> dict[str, object]:
    data: dict[str, object] = {"content": message.content, "embeds": [e.to_dict() for e in message.embeds]}
    if message.buttons:
        data["components"] = Buttons(message.buttons).to_components()
    return data


def _text(messages: list[Outgoing]) -> str:
    parts = []
    for message in messages:
        parts.append(message.content or "")
        for embed in message.embeds:
            parts += [
                embed.title or "",
                embed.description or "",
                embed.footer.text or "",
                embed.author.name or "",
            ]
            parts += [f"{field.name}\n{field.value}" for field in embed.fields]
    return "\n".join(parts)


def test_a_stance_is_one_message_with_chart_sides_confidence_and_four_buttons() -> None:
    (message,) = render(_stance())
    assert check_message(_payload(message)) == []
    header, agree, disagree = message.embeds
    assert header.description == "**\u201cremote work is better\u201d**"
    (counts,) = header.fields
    assert counts.name == "Comments in `debate`"
    assert (counts.value or "").splitlines()[1:5] == [
        "agree     ██████░░░░ 12",
        "disagree  ██░░░░░░░░  4",
        "neutral   ██░░░░░░░░  3",
        "unrelated ░░░░░░░░░░  1",
    ]
    assert header.footer.text == "confidence 72%"
    assert agree.author.name == "Agrees" and agree.title == "ann" and agree.url == "https://t.example/1"
    assert (agree.description or "").startswith(r"Yes, remote work is \*better\*")
    assert disagree.author.name == "Disagrees" and disagree.title == "anonymous"
    assert (
        agree.footer.text == "archive debate \u00b7 #1" and disagree.footer.text == "archive debate \u00b7 #2"
    )
    assert [b.label for b in message.buttons] == ["Show all", "I agree", "I disagree", "Pass"]
    assert {b.control.custom_id for b in message.buttons} == {
        "tb:all:42:debate", "tb:agree:42:debate", "tb:disagree:42:debate", "tb:pass:42:debate"
    }  # fmt: skip
    assert allowed_mentions(message).to_dict() == {"parse": []}


def test_members_votes_stand_beside_the_archive_counts_and_rough_labels_say_so() -> None:
    reply = _stance(members=MemberVotes(agree=2, disagree=1, passed=1), rough=True, fixed_ids=[5, 6],
                    note="3 more on-topic comments were not scored.")  # fmt: skip
    (message,) = render(reply)
    archive, members = message.embeds[0].fields
    assert archive.inline and members.inline and members.name == "Members' votes"
    assert "agree    █████░░░░░ 2" in (members.value or "") and "pass     ██░░░░░░░░ 1" in (
        members.value or ""
    )
    footer = message.embeds[0].footer.text or ""
    assert "rough" in footer and "2 labels set by moderators" in footer
    assert "not scored" in (message.embeds[0].description or "")


def test_a_long_claim_and_200_items_split_within_every_limit() -> None:
    reply = _stance(claim=LONG_CLAIM, items=_items(200), fixed_ids=[1007])
    messages = render(reply)
    assert len(messages) >= 3
    for message in messages:
        assert check_message(_payload(message)) == []
    claim = messages[0].embeds[0].description or ""
    assert claim.endswith("\u2026\u201d**") and len(claim) < 700 and r"Remote \*work\*" in claim
    text = _text(messages)
    for i in range(200):
        assert text.count(f"#{1000 + i} ") == 1, i
    assert "Every counted comment (200), part 1 of" in text
    assert "` (fixed) #1007 " in text and text.count("(fixed)") == 1
    assert all(not m.buttons for m in messages[:-1])
    assert [b.label for b in messages[-1].buttons] == ["I agree", "I disagree", "Pass"]  # already showing all


def test_an_unstored_claim_gets_no_buttons() -> None:
    (message,) = render(_stance(claim_id=None))
    assert message.buttons == ()


def test_a_counter_is_a_cited_quote_with_another_button_or_says_there_is_none() -> None:
    counter = CounterReply(claim="remote work is better " * 10, claim_id=7, archive="debate",
                           quote=_quote(3, "Offices **matter**: " + "mentoring " * 50),
                           candidates=[CounterCandidateRef(comment_id=3, source_id="s3", score=0.9)],
                           rough=True, note="Rough: keyword matches only.")  # fmt: skip
    counter.actions = actions_for(counter)
    (message,) = render(counter)
    assert check_message(_payload(message)) == []
    assert message.content == "Rough: keyword matches only."
    (embed,) = message.embeds
    assert (embed.author.name or "").startswith(
        "Against \u201cremote work is better"
    ) and embed.title == "ann"
    assert (embed.description or "").startswith(
        r"Offices \*\*matter\*\*:"
    ) and embed.url == "https://t.example/3"
    assert [(b.label, b.control.custom_id) for b in message.buttons] == [("Another", "tb:another:7:debate")]
    (none,) = render(CounterReply(claim="x", claim_id=7, note="I found no comment that argues against that."))
    assert none.content == "I found no comment that argues against that." and none.buttons == ()


def test_custom_ids_fit_100_characters_and_round_trip() -> None:
    longest = Control(Verb.DISAGREE, 2**63 - 1, "a" * 64)
    assert len(longest.custom_id) <= CUSTOM_ID_CHARS
    assert parse_custom_id(longest.custom_id) == longest
    assert parse_custom_id("tb:agree:12:") == Control(Verb.AGREE, 12, "")
    for foreign in ("tb:drop:1:x", "tb:agree:x:y", "other:agree:1:x", "tb:agree:1:UPPER", "tb:agree:1:a:b"):
        assert parse_custom_id(foreign) is None
    unfit = _stance(archive="Not A Valid Archive Name " * 5)
    assert all(b.control.archive == "" for b in buttons_for(unfit))


def test_presses_become_the_core_commands() -> None:
    show_all = Control(Verb.SHOW_ALL, 4, "debate").command("tokens  are cheap", ACTOR, PLACE)
    assert (show_all.name, show_all.text, show_all.options) == (
        "stance", "tokens are cheap", {"all": True, "archive": "debate"}
    )  # fmt: skip
    vote = Control(Verb.PASS, 4, "debate").command("tokens are cheap", ACTOR, PLACE)
    assert (vote.name, vote.options, vote.raw) == (
        "stance vote", {"choice": "pass"}, "stance vote tokens are cheap --choice pass"
    )  # fmt: skip
    another = Control(Verb.ANOTHER, 4, "").command("tokens are cheap", ACTOR, PLACE)
    assert (another.name, another.options) == ("counter", {})
