"""Everything the Slack adapter needs from the settings, as plain values in one frozen object.

Built once from `bot.settings.Settings` by `run_slack`; tests build it directly so they can point the app at a
fake Slack on 127.0.0.1 without touching the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from bot.settings import Settings

SLACK_API_URL = "https://slack.com/api/"

BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "chat:write",
    "commands",
    "users:read",
    "usergroups:read",
)
"""What the app asks for on install: read mentions, see channel messages (sessions count them), post, slash
commands, roles and user groups (moderators, and the group a prompt notifies)."""

DEFAULT_SHORTCUTS = ("quote", "stance", "counter")


class SlackConfigError(ValueError):
    """The Slack settings cannot start the adapter; the message says which variable to set."""


@dataclass(frozen=True, slots=True)
class SlackConfig:
    bot_token: str | None = None
    app_token: str | None = None
    signing_secret: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    moderator_group: str | None = None
    command: str = "/threadbot"
    shortcuts: tuple[str, ...] = DEFAULT_SHORTCUTS
    api_url: str = SLACK_API_URL
    host: str = "0.0.0.0"  # noqa: S104 - HTTP mode must be reachable by Slack
    port: int = 3000
    events_path: str = "/slack/events"
    install_path: str = "/slack/install"
    redirect_path: str = "/slack/oauth_redirect"
    redirect_uri: str | None = None
    scopes: tuple[str, ...] = BOT_SCOPES
    actor_cache_seconds: float = 60.0
    max_retry_after: float = 30.0

    @property
    def oauth(self) -> bool:
        """Multi-workspace: tokens come from installations stored by the OAuth flow, not from one bot token."""
        return self.client_id is not None and self.client_secret is not None

    @property
    def mode(self) -> Literal["socket", "http"]:
        """Socket Mode needs no public URL, so it wins whenever an app-level token is set."""
        return "socket" if self.app_token else "http"

    @property
    def serves_http(self) -> bool:
        """HTTP mode serves events; Socket Mode still serves the install pages of a multi-workspace app."""
        return self.mode == "http" or self.oauth

    def check(self) -> None:
        """Refuse a configuration that cannot work, saying what to set."""
        if not self.oauth and not self.bot_token:
            raise SlackConfigError(
                "Slack needs SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "(installable in several workspaces)."
            )
        if self.mode == "http" and not self.signing_secret:
            raise SlackConfigError(
                "Slack needs SLACK_APP_TOKEN (Socket Mode, no public URL) or SLACK_SIGNING_SECRET (HTTP mode): "
                "both are under Basic Information in the app's settings on api.slack.com."
            )
        if not self.command.startswith("/"):
            raise SlackConfigError(f"the slash command must start with '/', got {self.command!r}")


def _secret(value: object) -> str | None:
    if isinstance(value, SecretStr):
        return value.get_secret_value() or None
    if isinstance(value, str):
        return value or None
    return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _shortcuts(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list | tuple):
        return tuple(str(v).strip().lstrip("/").lower() for v in value if str(v).strip())
    return DEFAULT_SHORTCUTS


def from_settings(settings: Settings) -> SlackConfig:
    """The Slack part of the settings. Fields not in every version of Settings are read defensively."""
    return SlackConfig(
        bot_token=_secret(settings.slack_bot_token),
        app_token=_secret(settings.slack_app_token),
        signing_secret=_secret(settings.slack_signing_secret),
        client_id=_text(settings.slack_client_id),
        client_secret=_secret(settings.slack_client_secret),
        moderator_group=_text(settings.slack_moderator_group),
        port=settings.slack_port,
        shortcuts=_shortcuts(getattr(settings, "slack_shortcuts", None)),
        redirect_uri=_text(getattr(settings, "slack_redirect_uri", None)),
    )
