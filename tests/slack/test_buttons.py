"""The buttons under stance and counter replies, clicked through the real Bolt app over HTTP and Socket Mode."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.slack import SlackRuntime
from adapters.slack.buttons import ANOTHER, SHOW_ALL, ClaimRef
from bot.core import Bot
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.slack.conftest import APP_TOKEN, TEAM, Sender, http_config
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import block_actions, interaction_body, signed_headers, slash_command

CLAIM = "Remote work makes teams more productive"
EVIL = "<!everyone> <!here> <@UADMIN> <!subteam^S0MODS>"
THREAD = [
    CommentRecord(source_id="op", text="Remote work makes teams more productive.", author="op"),
    CommentRecord(
        source_id="a1",
        text="I agree, remote work makes our team far more productive: fewer interruptions.",
        author="ann",
    ),
    CommentRecord(
        source_id="d1",
        text=f"I disagree. Remote work does not make teams more productive; mentoring suffers. {EVIL}",
        author="<@UALICE>",
    ),
    CommentRecord(
        source_id="d2",
        text="That's wrong. Our team was not productive remotely, work slowed down without the office.",
        author="dan",
    ),
    CommentRecord(
        source_id="d3",
        text="No. Remote teams are not more productive; they are less productive, work stalls without talk.",
        author="eve",
    ),
]


@pytest.fixture
async def archive(bot: Bot) -> str:
    await bot.context.stores.archives.import_records(f"slack:{TEAM}", "remote", THREAD, created_at=now_iso(bot.context))
    return "remote"


@pytest.fixture
async def socket_slack(bot: Bot, fake: FakeSlack) -> AsyncIterator[SlackRuntime]:
    config = http_config(fake, app_token=APP_TOKEN, signing_secret=None)
    async with SlackRuntime(bot, config) as runtime:
        await fake.wait_connected()
        yield runtime


def buttons(message: dict[str, Any]) -> dict[str, str]:
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


async def ask(send: Sender, runtime: SlackRuntime, fake: FakeSlack, text: str) -> dict[str, Any]:
    """Run a slash command and return the one public message it posted."""
    before = len(fake.posts())
    await send.command(text, user="UADMIN", user_name="ada")
    await runtime.work.drain(10)
    posts = fake.posts()[before:]
    assert len(posts) == 1, posts
    return posts[0]


def blocks_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks"), ensure_ascii=False)


async def test_show_all_answers_only_the_clicker(
    bot: Bot, archive: str, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """ "Show all" lists every counted comment to the one who clicked (ephemeral), acked at once."""
    posted = await ask(send, http_slack, fake, f"stance {CLAIM} --archive {archive}")
    value = buttons(posted)[SHOW_ALL]
    assert ClaimRef.decode(value).archive == archive
    answer = await send.interaction(
        block_actions(SHOW_ALL, value, user="UALICE", thread_ts="1700000000.000009")
    )
    assert answer.status == 200 and answer.seconds < 3
    await http_slack.work.drain(10)
    assert len(fake.posts()) == 1  # nothing new in the channel
    shown = fake.ephemerals()
    assert shown and all(e["user"] == "UALICE" and e["channel"] == "C1" for e in shown)
    assert all(e["thread_ts"] == "1700000000.000009" for e in shown)
    listing = " ".join(blocks_text(e) for e in shown)
    assert "Every counted comment" in listing and "mentoring suffers" in listing
    assert "&lt;!everyone&gt;" in listing and "<!everyone>" not in listing
    assert not fake.refused


async def test_show_all_over_socket_mode(
    bot: Bot, archive: str, fake: FakeSlack, socket_slack: SlackRuntime
) -> None:
    """An `interactive` envelope is acked by id at once; the list goes only to the clicker."""
    await fake.send_envelope("slash_commands", slash_command(f"stance {CLAIM} --archive {archive}"))
    await socket_slack.work.drain(10)
    [posted] = fake.posts()
    ack, seconds = await fake.send_envelope(
        "interactive", block_actions(SHOW_ALL, buttons(posted)[SHOW_ALL], user="UMOD")
    )
    assert ack["envelope_id"] and seconds < 3
    await socket_slack.work.drain(10)
    shown = fake.ephemerals()
    assert shown and {e["user"] for e in shown} == {"UMOD"}
    assert len(fake.posts()) == 1


async def test_votes_from_buttons_show_in_the_next_stance(
    bot: Bot, archive: str, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """Agree / Disagree / Pass vote as the clicker (answered only to them); the next stance shows the tally."""
    found = buttons(await ask(send, http_slack, fake, f"stance {CLAIM} --archive {archive}"))
    await send.interaction(
        block_actions("threadbot.vote_agree", found["threadbot.vote_agree"], user="UALICE")
    )
    await send.interaction(
        block_actions("threadbot.vote_disagree", found["threadbot.vote_disagree"], user="UMOD")
    )
    await send.interaction(block_actions("threadbot.vote_pass", found["threadbot.vote_pass"], user="UADMIN"))
    await send.interaction(block_actions("threadbot.vote_agree", found["threadbot.vote_agree"], user="UMOD"))
    await http_slack.work.drain(10)
    assert [e["user"] for e in fake.ephemerals()] == ["UALICE", "UMOD", "UADMIN", "UMOD"]
    again = await ask(send, http_slack, fake, f"stance {CLAIM} --archive {archive}")
    tally = next(b["text"]["text"] for b in again["blocks"] if "Members' votes" in json.dumps(b))
    assert "3 members" in tally  # one vote each: the changed vote replaced the first
    assert (
        "agree    ███████░░░ 2" in tally
        and "disagree ░░░░░░░░░░ 0" in tally
        and "pass     ███░░░░░░░ 1" in tally
    )


async def test_another_gives_a_different_counter(
    bot: Bot, archive: str, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """ "Another" runs counter again for the same claim in the channel: a different comment, publicly."""
    first = await ask(send, http_slack, fake, f"counter {CLAIM} --archive {archive}")
    value = buttons(first)[ANOTHER]
    answer = await send.interaction(block_actions(ANOTHER, value, user="UALICE"))
    assert answer.status == 200 and answer.seconds < 3
    await http_slack.work.drain(10)
    second = fake.posts()[-1]
    assert second is not first and second["channel"] == "C1"
    assert "Alice asked for another counterargument" in blocks_text(second)
    assert first["text"] != second["text"] and second["text"].startswith("\u201c")


async def test_a_button_from_another_workspace_finds_no_claim(
    bot: Bot, archive: str, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """A claim id stored in one workspace, clicked in another: "that claim is gone", nothing of the claim shown."""
    fake.add_workspace("T456", "xoxb-T456")
    fake.add_user("T456", "UBOB", "Bob")
    value = buttons(await ask(send, http_slack, fake, f"stance {CLAIM} --archive {archive}"))[SHOW_ALL]
    await send.interaction(block_actions(SHOW_ALL, value, team="T456", user="UBOB", channel="C7"))
    await http_slack.work.drain(10)
    [gone] = fake.ephemerals()
    assert gone["user"] == "UBOB" and "That claim is gone" in blocks_text(gone)
    assert "productive" not in blocks_text(gone) + gone["text"]


async def test_an_unreadable_button_is_refused_cleanly(
    send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """A forged or outdated value gets a clear ephemeral note, never a traceback or a public post."""
    await send.interaction(block_actions(SHOW_ALL, "not json", user="UALICE"))
    await send.interaction(block_actions(SHOW_ALL, json.dumps({"claim": -3}), user="UALICE"))
    await http_slack.work.drain(10)
    notes = fake.ephemerals()
    assert len(notes) == 2 and not fake.posts()
    assert all("not one I can read" in blocks_text(n) for n in notes)


async def test_the_click_is_acked_before_any_work(
    fake: FakeSlack, send: Sender, http_slack: SlackRuntime
) -> None:
    """Slack gets its ack while the work is still stuck (here: the user lookup never answers until released)."""
    release = fake.hold("users.info")
    answer = await send.interaction(block_actions(SHOW_ALL, "not json", user="UALICE"))
    assert answer.status == 200 and answer.seconds < 1
    assert not fake.ephemerals() and http_slack.work.pending == 1
    release.set()
    await http_slack.work.drain(10)
    assert len(fake.ephemerals()) == 1


async def test_a_click_where_the_bot_cannot_post_answers_through_the_response_url(
    fake: FakeSlack, send: Sender, http_slack: SlackRuntime
) -> None:
    """In a channel the bot has not joined, the ephemeral answer goes to the click's response_url."""
    fake.not_joined.add("C9")
    payload = block_actions(SHOW_ALL, "{}", channel="C9", response_url=fake.response_url("click"))
    await send.interaction(payload)
    await http_slack.work.drain(10)
    [(key, body)] = fake.responses
    assert key == "click" and body["response_type"] == "ephemeral" and body["replace_original"] is False


async def test_tampered_click_is_refused_before_any_handler(
    fake: FakeSlack, send: Sender, http_slack: SlackRuntime
) -> None:
    """A block_actions request with a bad signature gets 401 and runs nothing."""
    body = interaction_body(block_actions(SHOW_ALL, "{}"))
    headers = signed_headers(body, "application/x-www-form-urlencoded", secret="wrong")
    answer = await send.raw(body, headers)
    assert answer.status == 401 and http_slack.work.pending == 0
    assert not fake.called("users.info")


async def test_a_click_over_socket_mode_is_acked_at_once_and_answered_to_the_clicker(
    fake: FakeSlack, socket_slack: SlackRuntime
) -> None:
    """The `interactive` envelope is acked by id while the work is still stuck; the answer follows, ephemeral."""
    release = fake.hold("users.info")
    ack, seconds = await fake.send_envelope("interactive", block_actions(SHOW_ALL, "not json", user="UMOD"))
    assert ack["envelope_id"] and seconds < 1 and not fake.ephemerals()
    release.set()
    await socket_slack.work.drain(10)
    [note] = fake.ephemerals()
    assert note["user"] == "UMOD" and not fake.posts()
