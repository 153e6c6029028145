"""Slack `message` events as the neutral `ChannelMessage` the core observes, and which ones are not observed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.slack.inbound import channel_message, is_observable, permalink
from bot.models import Actor

ALICE = Actor(user_id="UALICE", display_name="Alice")


def event(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "message",
        "user": "UALICE",
        "text": "hi <@UBOB|bob> &amp; <https://x.example|x>",
        "ts": "1700000100.000200",
        "channel": "C1",
        "channel_type": "channel",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_a_thread_reply_becomes_a_channel_message() -> None:
    """place.thread and reply_to are the thread's ts; the time is aware UTC; the link is Slack's permalink form."""
    seen = channel_message(event(thread_ts="1700000000.000100"), ALICE, "T123", "https://t123.slack.com/")
    assert seen.place.model_dump() == {"platform": "slack", "space": "T123", "channel": "C1",
                                       "thread": "1700000000.000100"}  # fmt: skip
    assert seen.message_id == "1700000100.000200" and seen.reply_to_message_id == "1700000000.000100"
    assert seen.text == "hi @bob & x"
    assert seen.created_at == datetime(2023, 11, 14, 22, 15, 0, 200, tzinfo=UTC)
    assert seen.url == (
        "https://t123.slack.com/archives/C1/p1700000100000200?thread_ts=1700000000.000100&cid=C1"
    )


def test_a_channel_message_has_no_thread() -> None:
    seen = channel_message(event(), ALICE, "T123", None)
    assert seen.place.thread is None and seen.reply_to_message_id is None and seen.url is None


@pytest.mark.parametrize(
    ("changes", "observed"),
    [
        ({}, True),
        ({"subtype": "thread_broadcast", "thread_ts": "1.2"}, True),
        ({"channel_type": "group"}, True),
        ({"subtype": "message_changed"}, False),
        ({"subtype": "channel_join"}, False),
        ({"subtype": "bot_message", "user": None}, False),
        ({"bot_id": "B1"}, False),
        ({"user": "UBOT"}, False),
        ({"channel_type": "im"}, False),
        ({"text": "<@UBOT> hand"}, False),
        ({"text": "well, <@UBOT|threadbot> what now"}, False),
        ({"user": None}, False),
        ({"type": "app_mention"}, False),
    ],
)
def test_which_messages_are_observed(changes: dict[str, Any], observed: bool) -> None:
    """People's messages and thread broadcasts; never bots, edits, joins, direct messages or mentions of us."""
    assert is_observable(event(**changes), "UBOT") is observed


def test_permalinks_need_a_workspace_url() -> None:
    assert permalink(None, "C1", "1.2") is None and permalink("http://x", "C1", "1.2") is None
    assert permalink("https://a.slack.com", "C1", "1.2", "1.2") == "https://a.slack.com/archives/C1/p12"
