"""Slack payloads as the pieces of a neutral command: the command text, where it was sent, and by whom.

Pure functions over the dicts Slack sends, so the translation is testable without a running app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.slack.config import SlackConfig
from adapters.slack.escape import strip_mention, unformat
from bot.models import Place
from bot.registry import Registry

PLATFORM = "slack"


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
