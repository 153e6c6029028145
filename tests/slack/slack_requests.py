"""Requests as Slack sends them: slash-command forms and Events API callbacks, signed with the signing secret.

The signature is Slack's v0 scheme: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
_ids = itertools.count(1)


def signature(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    body: str, content_type: str, *, secret: str = SECRET, timestamp: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, body),
    }


def slash_command(
    text: str,
    *,
    command: str = "/threadbot",
    team: str = "T123",
    channel: str = "C1",
    user: str = "UALICE",
    user_name: str = "alice",
    response_url: str = "http://127.0.0.1:9/unused",
) -> dict[str, str]:
    return {
        "token": "deprecated-verification-token",
        "team_id": team,
        "team_domain": team.lower(),
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": "A0THREAD",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"trigger-{next(_ids)}",
    }


def form_body(fields: dict[str, str]) -> str:
    return urlencode(fields)


def callback(event: dict[str, Any], *, team: str = "T123", bot_user_id: str = "UBOT") -> dict[str, Any]:
    """An Events API `event_callback` around `event`, with a fresh event id."""
    return {
        "token": "deprecated-verification-token",
        "team_id": team,
        "api_app_id": "A0THREAD",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authed_users": [bot_user_id],
        "authorizations": [
            {"team_id": team, "user_id": bot_user_id, "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }


def mention(
    text: str,
    *,
    team: str = "T123",
    channel: str = "C1",
    user: str = "UALICE",
    thread_ts: str | None = None,
    bot_user_id: str = "UBOT",
) -> dict[str, Any]:
    """An `app_mention` event callback; `text` is what follows the bot's mention."""
    ts = f"1699999999.{next(_ids):06d}"
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{bot_user_id}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": team,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return callback(event, team=team, bot_user_id=bot_user_id)


def message(
    text: str,
    *,
    team: str = "T123",
    channel: str = "C1",
    user: str | None = "UALICE",
    thread_ts: str | None = None,
    channel_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    """A `message` event callback (`message.channels`), as Slack sends for any message in a channel the bot is
    in; `extra` adds fields such as `subtype` or `bot_id`."""
    ts = f"1700000100.{next(_ids):06d}"
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": team,
        "channel_type": channel_type,
        **extra,
    }
    if user is None:
        del event["user"]
    if thread_ts:
        event["thread_ts"] = thread_ts
    return callback(event, team=team)


def json_body(payload: dict[str, Any]) -> str:
    return json.dumps(payload)


def block_actions(
    action_id: str,
    value: str,
    *,
    team: str = "T123",
    channel: str = "C1",
    user: str = "UALICE",
    user_name: str = "alice",
    message_ts: str = "1700000000.000001",
    thread_ts: str | None = None,
    response_url: str = "http://127.0.0.1:9/unused",
) -> dict[str, Any]:
    """A `block_actions` payload: `user` clicked the button `action_id` (with `value`) on a bot message."""
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": False,
    }
    message: dict[str, Any] = {"type": "message", "user": "UBOT", "ts": message_ts, "text": "stance"}
    if thread_ts:
        container["thread_ts"] = thread_ts
        message["thread_ts"] = thread_ts
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user_name, "name": user_name, "team_id": team},
        "api_app_id": "A0THREAD",
        "token": "deprecated-verification-token",
        "container": container,
        "trigger_id": f"trigger-{next(_ids)}",
        "team": {"id": team, "domain": team.lower()},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "general"},
        "message": message,
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "stance-1",
                "text": {"type": "plain_text", "text": "button", "emoji": False},
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def interaction_body(payload: dict[str, Any]) -> str:
    """How Slack posts an interaction over HTTP: a form with one field, `payload`, holding the JSON."""
    return urlencode({"payload": json.dumps(payload)})
