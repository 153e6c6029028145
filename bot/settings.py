"""All settings in one typed object, read from the environment (and `.env`, loaded by the entry point).

Built once in the entry point and passed down; nothing reads the environment at import time.
Tokens are `SecretStr` so they never show up in logs or reprs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _env(name: str) -> AliasChoices:
    """Accept both THREADBOT_NAME and the bare platform name (DISCORD_TOKEN), as platform docs spell it."""
    return AliasChoices(f"THREADBOT_{name}", name)


SHARDS_FORM = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?/\s*(\d+)\s*$")
SHARDS_HELP = "Write FIRST-LAST/COUNT (0-1/4: shards 0 and 1 of 4) or ID/COUNT (3/4: shard 3 of 4)."


@dataclass(frozen=True, slots=True)
class ShardRange:
    """The Discord shards one process runs: `first`..`last` (inclusive) of `count`."""

    first: int
    last: int
    count: int

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))

    def __str__(self) -> str:
        head = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{head}/{self.count}"


def parse_shards(value: str) -> ShardRange | None:
    """`"0-1/4"` or `"3/4"` as a `ShardRange`; empty is None (one unsharded connection). A value that names
    no shard of the count raises ValueError saying what is wrong and how to write it."""
    if not value.strip():
        return None
    found = SHARDS_FORM.match(value)
    if found is None:
        raise ValueError(f"THREADBOT_DISCORD_SHARDS={value!r} is not a shard range. {SHARDS_HELP}")
    first, last, count = int(found[1]), int(found[2] if found[2] is not None else found[1]), int(found[3])
    if count < 1:
        raise ValueError(f"THREADBOT_DISCORD_SHARDS={value!r}: the shard count must be at least 1. {SHARDS_HELP}")
    if first > last:
        raise ValueError(
            f"THREADBOT_DISCORD_SHARDS={value!r}: the range runs backwards ({first} > {last}). {SHARDS_HELP}"
        )
    if last >= count:
        raise ValueError(
            f"THREADBOT_DISCORD_SHARDS={value!r}: shard {last} does not exist; {count} shards are numbered "
            f"0-{count - 1}. {SHARDS_HELP}"
        )
    return ShardRange(first, last, count)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THREADBOT_", extra="ignore", populate_by_name=True)

    db: Path = Field(default=Path("threadbot.db"), description="SQLite database file")
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:password@host:port/name: PostgreSQL instead of the SQLite file, for "
        "several bot processes on one database (docs/deploy.md)",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    quotes_per_reply: int = Field(default=3, ge=1, le=10, description="How many quotes `quote` shows")
    import_max_bytes: int = Field(default=2 * 1024**3, ge=1, description="Largest file `import` accepts")
    model_dir: Path | None = Field(
        default=None, description="Folder with local ONNX models; unset: the installed default models"
    )

    # Discord (adapters/discord): see docs/discord.md
    discord_token: SecretStr | None = Field(default=None, validation_alias=_env("DISCORD_TOKEN"))
    discord_guild_ids: str = Field(
        default="",
        validation_alias=_env("DISCORD_GUILD_IDS"),
        description="comma-separated guilds for instant sync",
    )
    discord_moderator_roles: str = Field(
        default="", validation_alias=_env("DISCORD_MODERATOR_ROLES"), description="comma-separated role names"
    )
    discord_message_content: bool = Field(
        default=False,
        description="ask for the privileged Message Content intent so sessions can count words and record "
        "messages; enable it in the developer portal too",
    )
    discord_shards: str = Field(
        default="",
        description="the shards this process runs, FIRST-LAST/COUNT (0-1/4) or ID/COUNT (3/4), for several "
        "processes on one PostgreSQL database; empty: one connection, no sharding",
    )

    @field_validator("discord_shards")
    @classmethod
    def _valid_shards(cls, value: str) -> str:
        shards = parse_shards(value)
        return "" if shards is None else str(shards)

    # Slack (adapters/slack): see docs/slack.md
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_client_id: str | None = Field(default=None, validation_alias=_env("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_CLIENT_SECRET"))
    slack_port: int = Field(default=3000, validation_alias=_env("SLACK_PORT"), description="HTTP mode port")
    slack_shortcuts: str = Field(
        default="quote,stance,counter",
        description="commands that also have their own slash command (/quote ...)",
    )
    slack_redirect_uri: str | None = Field(default=None, validation_alias=_env("SLACK_REDIRECT_URI"))
    slack_moderator_group: str = Field(
        default="",
        validation_alias=_env("SLACK_MODERATOR_GROUP"),
        description="user group handle of moderators",
    )

    # Reading-group sessions (bot/sessions): see docs/sessions.md
    session_minutes: int = Field(
        default=60, ge=5, le=480, description="How long a session runs when `session start` names no time"
    )
    session_timezone: str = Field(
        default="UTC", description="IANA time zone for session times and reading dates, e.g. Europe/Berlin"
    )
    reading_reminder_hour: int = Field(
        default=9,
        ge=0,
        le=23,
        description="Local hour of the day before a reading when its reminder is posted",
    )

    # Daily discussion prompts (bot/prompts): see docs/prompts.md
    prompt_grace_minutes: int = Field(
        default=60,
        ge=0,
        le=1440,
        description="How late a missed prompt (bot was down) may still post on start",
    )
    prompt_timezone: str = Field(
        default="UTC",
        description="IANA time zone of `prompt schedule` when it names none, e.g. Europe/Berlin",
    )
    prompt_min_replies: int = Field(
        default=3, ge=1, le=1000, description="Replies a comment needs to count as one that drew many replies"
    )

    # Importing a thread from its link (bot/fetch, bot/features/links): see docs/import.md
    fetch_max_requests: int = Field(
        default=100, ge=1, le=10_000, description="HTTP requests one link import may make, retries included"
    )
    fetch_max_bytes: int = Field(
        default=50 * 1024**2, ge=1024, description="Bytes one link import may download, all responses together"
    )
    fetch_timeout_seconds: float = Field(
        default=20.0, gt=0, le=300, description="How long one request may take before it is retried"
    )
    fetch_total_seconds: float = Field(
        default=300.0, gt=0, le=3600, description="How long one link import may take, waits included"
    )
    fetch_retries: int = Field(
        default=3, ge=0, le=10, description="Retries of a request answered 429 or 5xx, or that timed out"
    )
    fetch_max_retry_wait_seconds: float = Field(
        default=60.0, ge=0, le=3600, description="Longest Retry-After honoured; a site asking longer fails"
    )
    fetch_reddit_more_calls: int = Field(
        default=20, ge=0, le=1000, description="morechildren calls one Reddit import may make for 'load more'"
    )
    fetch_user_agent: str = Field(
        default="threadbot/0.1 (discussion bot; imports public comment threads for reading groups)",
        min_length=3,
        description="User-Agent of every request; add a contact address for the sites you import from",
    )
    fetch_allow_private: str = Field(
        default="",
        description="Addresses fetched although not public: 'all', or comma-separated networks "
        "(127.0.0.1/32,192.168.1.0/24); empty: public addresses only",
    )
    fetch_hn_api: str = Field(
        default="https://hn.algolia.com/api/v1", description="The Hacker News Algolia API a news.ycombinator.com link reads"
    )
    follow_min_minutes: int = Field(
        default=5, ge=1, le=1440, description="Shortest interval `archive follow --every` accepts, in minutes"
    )
