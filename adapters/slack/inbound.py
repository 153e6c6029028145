"""Slack payloads as the pieces of a neutral command or channel message: the text, where it was sent, by whom.

Pure functions over the dicts Slack sends, so the translation is testable without a running app.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.slack.config import SlackConfig
from adapters.slack.escape import strip_mention, unformat
from bot.models import Actor, ChannelMessage, Place
from bot.registry import Registry

PLATFORM = "slack"
OBSERVED_SUBTYPES = frozenset({"", "thread_broadcast"})
"""Messages people write (no subtype) and thread replies also sent to the channel; not edits, joins, bots."""
OBSERVED_CHANNEL_TYPES = frozenset({"", "channel", "group"})


def slash_text(command: str, text: str, config: SlackConfig, registry: Registry) -> str | None:
    """`/threadbot quote tokens` -> "quote tokens"; `/quote tokens` -> "quote tokens"; None if not ours."""
    name = command.strip().lstrip("/").lower()
    words = unformat(text).strip()
    if f"/{name}" == config.command.lower():
        return words or "help"
    if name in config.shortcuts or registry.get(name) is not None:
        return f"{name} {words}".strip()
    return None


def mention_text(text: str, bot_user_id: str | None) -> str:
    """`@threadbot quote tokens` -> "quote tokens"; a bare mention asks for help."""
    return unformat(strip_mention(text, bot_user_id)).strip() or "help"


def space_id(team_id: str | None, enterprise_id: str | None, payload: Mapping[str, Any]) -> str:
    """The workspace the command came from: its team id (the enterprise for org-wide installs)."""
    for candidate in (team_id, payload.get("team_id"), payload.get("team"), enterprise_id):
        if isinstance(candidate, str) and candidate:
            return candidate
    return "unknown"


def place(space: str, channel: str, thread: str | None = None) -> Place:
    return Place(platform=PLATFORM, space=space, channel=channel, thread=thread or None)


def is_from_a_bot(event: Mapping[str, Any]) -> bool:
    """Bots (ourselves included) and edits never trigger commands, so two bots cannot loop."""
    return bool(event.get("bot_id") or event.get("subtype"))


def mentions(text: str, user_id: str | None) -> bool:
    """Whether `text` mentions `user_id` (`<@U1>` or `<@U1|name>`)."""
    return bool(user_id) and re.search(rf"<@{re.escape(user_id or '')}(?:\|[^>]*)?>", text) is not None


def is_observable(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """An ordinary message a person wrote in a channel: not a bot's (ours included), not an edit or a join,
    not a direct message, and not a mention of the bot (that is a command, answered as `app_mention`)."""
    if event.get("type") != "message" or event.get("bot_id") or event.get("bot_profile"):
        return False
    if str(event.get("subtype") or "") not in OBSERVED_SUBTYPES:
        return False
    if str(event.get("channel_type") or "") not in OBSERVED_CHANNEL_TYPES:
        return False
    user, ts, channel = event.get("user"), event.get("ts"), event.get("channel")
    if not all(isinstance(value, str) and value for value in (user, ts, channel)) or user == bot_user_id:
        return False
    return not mentions(str(event.get("text") or ""), bot_user_id)


def timestamp(ts: str) -> datetime | None:
    """Slack's message ts (`1700000000.000100`, seconds since the epoch) as an aware UTC datetime."""
    try:
        return datetime.fromtimestamp(float(ts), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def permalink(team_url: str | None, channel: str, ts: str, thread_ts: str | None = None) -> str | None:
    """The link Slack's `chat.getPermalink` gives, built from the workspace URL without a call per message."""
    if not team_url or not team_url.startswith("https://"):
        return None
    url = f"{team_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        url += f"?thread_ts={thread_ts}&cid={channel}"
    return url


def channel_message(
    event: Mapping[str, Any], actor: Actor, space: str, team_url: str | None
) -> ChannelMessage:
    """A `message` event (checked with `is_observable`) as the neutral message the core observes."""
    channel, ts = str(event["channel"]), str(event["ts"])
    thread_ts = str(event.get("thread_ts") or "") or None
    return ChannelMessage(
        actor=actor,
        place=place(space, channel, thread_ts),
        message_id=ts,
        text=unformat(str(event.get("text") or "")),
        reply_to_message_id=thread_ts if thread_ts != ts else None,
        created_at=timestamp(ts),
        url=permalink(team_url, channel, ts, thread_ts),
    )
