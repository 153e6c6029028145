"""The pings a reply may carry in Slack (one user, one prompt group) and the prompt's Block Kit within limits."""

from __future__ import annotations

import json
import re

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.limits import MAX_BLOCKS, MAX_SECTION_CHARS
from adapters.slack.mentions import UserGroups
from adapters.slack.render import render
from bot.models import PromptReply, PromptSide, PromptTally, Quote, TextReply
from tests.slack.conftest import TEAM, TOKEN
from tests.slack.fake_slack import FakeSlack

PINGS = re.compile(r"<[!@#][^>]*>")


def side(label: str, text: str, **changes: object) -> PromptSide:
    values: dict[str, object] = {
        "comment_id": 1,
        "source_id": "c1",
        "text": text,
        "author": "ann",
        "url": "https://t.example/c1",
        "archive": "hn",
        "created_at": "2024-05-01T10:00:00",
    }
    values.update(changes)
    return PromptSide(label=label, quote=Quote.model_validate(values))


def found_pings(reply: TextReply | PromptReply, group_id: str | None = None) -> list[str]:
    message = render(reply, group_id=group_id)
    return PINGS.findall(message.text + json.dumps(message.blocks))


def test_a_long_prompt_stays_within_slack_limits() -> None:
    """Long quotes are split over sections of at most 3,000 characters; never more than 50 blocks."""
    sides = [side(f"Side {i}", ("words & more " * 900).strip(), archive=f"a{i % 2}") for i in range(8)]
    reply = PromptReply(kind="disagreement", question="Who? " * 400, sides=sides, note="n")
    message = render(reply)
    assert len(message.blocks) <= MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= MAX_SECTION_CHARS for b in message.blocks if b["type"] == "section")
    assert len(message.text) <= 3000


def test_prompt_with_a_suggestion_note_and_two_archives() -> None:
    """A member's suggestion is credited; the context names each archive once, then the note."""
    reply = PromptReply(
        kind="suggestion",
        question="What would <!here> change your mind?",
        suggested_by="<@UEVE>",
        sides=[side("Claim", "a"), side("Pushback", "b", archive="lobsters"), side("Also", "c")],
        note="Every prompt has been posted once; starting over.",
    )
    message = render(reply)
    assert (
        message.blocks[0]["text"]["text"] == ":speech_balloon: *What would &lt;!here&gt; change your mind?*"
    )
    assert message.blocks[1]["elements"][0]["text"] == "Suggested by &lt;@UEVE&gt;"
    assert message.blocks[-1]["elements"][0]["text"] == (
        "archive `hn` \u00b7 archive `lobsters` \u00b7 Every prompt has been posted once; starting over."
    )
    assert found_pings(reply) == []


def test_the_group_is_the_only_ping_of_a_prompt() -> None:
    """A resolved group becomes `<!subteam^ID>` in the question and the notification text, nowhere else."""
    reply = PromptReply(kind="disagreement", question="Q?", notify_role="debaters",
                        sides=[side("Claim", "<!channel> <@U1> <!subteam^S9|@all>")])  # fmt: skip
    assert found_pings(reply, "S0DEB") == ["<!subteam^S0DEB>"] * 2
    assert found_pings(reply) == []
    assert "@debaters" in render(reply).blocks[0]["text"]["text"]
    with pytest.raises(ValueError, match="not a Slack user group id"):
        render(reply, group_id="<!everyone>")


def test_text_reply_mentions_its_one_user() -> None:
    """`mention_user_id` puts `<@U...>` in front of the first section and the notification text."""
    reply = TextReply(text="\U0001f399 Bob <@UEVIL>, you have the floor.", lines=["Waiting: Ann"],
                      mention_user_id="UBOB")  # fmt: skip
    message = render(reply, asked="Ada asked: /threadbot next <!here>")
    assert message.blocks[1]["text"]["text"].startswith("<@UBOB> \U0001f399 Bob &lt;@UEVIL&gt;")
    assert message.text.startswith("<@UBOB> ")
    assert PINGS.findall(message.text + json.dumps(message.blocks)) == ["<@UBOB>", "<@UBOB>"]


def test_mention_goes_after_a_header() -> None:
    """A header cannot hold a mention: it goes in the first section, or a section of its own."""
    titled = render(TextReply(title="Your turn", text="go", mention_user_id="W123"))
    assert [b["type"] for b in titled.blocks] == ["header", "section"]
    assert titled.blocks[1]["text"]["text"] == "<@W123> go"
    bare = render(TextReply(title="Your turn", lines=["x" * 2999], mention_user_id="U123"))
    assert bare.blocks[1]["text"]["text"] == "<@U123>"


@pytest.mark.parametrize("user", ["bob", "<!here>", "U1> <!channel", "S0DEB", ""])
def test_anything_but_a_user_id_pings_nobody(user: str) -> None:
    assert found_pings(TextReply(text="hi", mention_user_id=user or None)) == []


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_user_groups_by_handle_name_or_id_cached(fake: FakeSlack) -> None:
    """Groups are found by handle (with or without @), display name or id, from one usergroups.list a while."""
    fake.add_usergroup(TEAM, "S0DEB", "debaters", [])
    client = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
    clock = Clock()
    groups = UserGroups(ttl=300, clock=clock)
    for wanted in ("debaters", "@debaters", "Debaters", "S0DEB"):
        assert await groups.find(client, TEAM, wanted) == "S0DEB"
    assert await groups.find(client, TEAM, "nobody") is None
    assert len(fake.called("usergroups.list")) == 1
    clock.now = 301
    fake.workspaces[TEAM].usergroups.clear()
    assert await groups.find(client, TEAM, "debaters") is None
    assert len(fake.called("usergroups.list")) == 2


async def test_user_groups_without_the_scope(fake: FakeSlack) -> None:
    """A failing usergroups.list (no scope) finds no group instead of failing the post."""
    client = AsyncWebClient(token="xoxb-unknown", base_url=fake.base_url)
    assert await UserGroups().find(client, TEAM, "debaters") is None


def test_a_mined_disagreement_in_block_kit() -> None:
    """The question, the counts in a context, then Claim, Agrees and Disagrees sections; quotes ping nobody."""
    reply = PromptReply(kind="disagreement", question="Where do you land?", tally=PromptTally(agree=1, disagree=3),
                        sides=[side("Claim", "Tokens are <!channel>'s problem."), side("Agrees", "Yes <@U1>."),
                               side("Disagrees", "No <!subteam^S9|@all>, outcomes matter.")])  # fmt: skip
    message = render(reply)
    assert message.blocks[1] == {"type": "context", "elements": [{"type": "mrkdwn", "verbatim": True,
                                                                    "text": "1 comment agrees, 3 disagree"}]}  # fmt: skip
    labels = [b["text"]["text"].split("\n")[0] for b in message.blocks if b["type"] == "section"][1:]
    assert labels == ["*Claim*", "*Agrees*", "*Disagrees*"]
    assert "1 comment agrees, 3 disagree" in message.text
    assert found_pings(reply) == []
