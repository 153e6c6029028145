"""All SQL of Slack installations (per app, workspace and installer), their bots and OAuth `state` values.

Written against the small `SqlDatabase` protocol (storage/sql.py), with plain dataclasses in and out, so the
slack_sdk-facing adapter (adapters/slack/installation_store.py) holds no SQL and this module no Slack SDK.
Keys are (client_id, enterprise_id, team_id): None is stored as '' so the primary keys stay unique (see
migration 20). One logical write is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from storage.sql import Row, SqlDatabase


@dataclass(frozen=True, slots=True, kw_only=True)
class _Installed:
    """What a bot and an installation both record: the workspace's key, when, and the bot user's fields."""

    enterprise_id: str | None
    team_id: str | None
    installed_at: float
    app_id: str | None = None
    enterprise_name: str | None = None
    team_name: str | None = None
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: str | None = None
    bot_refresh_token: str | None = None
    bot_token_expires_at: int | None = None
    is_enterprise_install: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackBot(_Installed):
    """A workspace's (org-wide: an enterprise's) bot user and its current token; scopes joined by commas."""

    bot_token: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SlackInstallation(_Installed):
    """One user's installation of the app in a workspace, with the tokens it was granted."""

    user_id: str
    enterprise_url: str | None = None
    bot_token: str | None = None
    user_token: str | None = None
    user_scopes: str | None = None
    user_refresh_token: str | None = None
    user_token_expires_at: int | None = None
    incoming_webhook_url: str | None = None
    incoming_webhook_channel: str | None = None
    incoming_webhook_channel_id: str | None = None
    incoming_webhook_configuration_url: str | None = None
    token_type: str | None = None


KEY_FIELDS = ("enterprise_id", "team_id", "user_id")


def _columns(kind: type[_Installed]) -> tuple[str, ...]:
    """A record's columns besides its key, named as its fields (the tables mirror the records)."""
    return tuple(f.name for f in fields(kind) if f.name not in KEY_FIELDS)


INSTALLATION_COLUMNS = _columns(SlackInstallation)
BOT_COLUMNS = _columns(SlackBot)
BOT_OVERLAY = tuple(column for column in BOT_COLUMNS if column.startswith("bot_"))
"""What an installation takes from its workspace's bot row, which holds the token as last rotated."""

KEY = "client_id = ? AND enterprise_id = ? AND team_id = ?"


def _upsert(table: str, key: tuple[str, ...], columns: tuple[str, ...]) -> str:
    names = ", ".join((*key, *columns))
    marks = ", ".join("?" * (len(key) + len(columns)))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    conflict = ", ".join(key)
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


UPSERT_INSTALLATION = _upsert(
    "slack_installations", ("client_id", "enterprise_id", "team_id", "user_id"), INSTALLATION_COLUMNS
)
UPSERT_BOT = _upsert("slack_bots", ("client_id", "enterprise_id", "team_id"), BOT_COLUMNS)
SELECT_LATEST_INSTALLATION = f"""
SELECT enterprise_id, team_id, user_id, {", ".join(INSTALLATION_COLUMNS)} FROM slack_installations
WHERE {KEY} ORDER BY installed_at DESC LIMIT 1
"""
SELECT_USER_INSTALLATION = f"""
SELECT enterprise_id, team_id, user_id, {", ".join(INSTALLATION_COLUMNS)} FROM slack_installations
WHERE {KEY} AND user_id = ?
"""
SELECT_BOT = f"SELECT enterprise_id, team_id, {', '.join(BOT_COLUMNS)} FROM slack_bots WHERE {KEY}"
DELETE_BOT = f"DELETE FROM slack_bots WHERE {KEY}"
DELETE_INSTALLATIONS = f"DELETE FROM slack_installations WHERE {KEY}"
DELETE_USER_INSTALLATION = f"DELETE FROM slack_installations WHERE {KEY} AND user_id = ?"

INSERT_STATE = "INSERT INTO slack_oauth_states (state, expires_at) VALUES (?, ?)"
DELETE_EXPIRED_STATES = "DELETE FROM slack_oauth_states WHERE expires_at < ?"
CONSUME_STATE = "DELETE FROM slack_oauth_states WHERE state = ? AND expires_at >= ?"


def _key(client_id: str, enterprise_id: str | None, team_id: str | None) -> tuple[str, str, str]:
    return client_id, enterprise_id or "", team_id or ""


def _values(record: SlackBot | SlackInstallation, columns: tuple[str, ...]) -> tuple[object, ...]:
    values = {c: getattr(record, c) for c in columns}
    values["is_enterprise_install"] = int(bool(record.is_enterprise_install))
    values["installed_at"] = float(record.installed_at)
    return tuple(values[c] for c in columns)


def _fields(row: Row, names: tuple[str, ...]) -> dict[str, Any]:
    values = {name: row[name] for name in names}
    values["enterprise_id"] = values["enterprise_id"] or None
    values["team_id"] = values["team_id"] or None
    values["is_enterprise_install"] = bool(values["is_enterprise_install"])
    return values


class SlackInstallationStore:
    """Installations, bots and OAuth states of any number of Slack apps (told apart by `client_id`)."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    # installations and bots
    async def save_installation(
        self, client_id: str, installation: SlackInstallation, bot: SlackBot | None = None
    ) -> None:
        """The installer's row and, if it brought one, the workspace's bot: both or neither are saved."""
        async with self.db.transaction() as conn:
            key = _key(client_id, installation.enterprise_id, installation.team_id)
            await conn.execute(
                UPSERT_INSTALLATION,
                (*key, installation.user_id, *_values(installation, INSTALLATION_COLUMNS)),
            )
            if bot is not None:
                bot_key = _key(client_id, bot.enterprise_id, bot.team_id)
                await conn.execute(UPSERT_BOT, (*bot_key, *_values(bot, BOT_COLUMNS)))

    async def save_bot(self, client_id: str, bot: SlackBot) -> None:
        """Insert or replace the workspace's bot, e.g. with a rotated token."""
        async with self.db.transaction() as conn:
            key = _key(client_id, bot.enterprise_id, bot.team_id)
            await conn.execute(UPSERT_BOT, (*key, *_values(bot, BOT_COLUMNS)))

    async def find_bot(
        self, client_id: str, *, enterprise_id: str | None, team_id: str | None
    ) -> SlackBot | None:
        row = await self.db.fetchone(SELECT_BOT, _key(client_id, enterprise_id, team_id))
        return None if row is None else SlackBot(**_fields(row, ("enterprise_id", "team_id", *BOT_COLUMNS)))

    async def find_installation(
        self, client_id: str, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> SlackInstallation | None:
        """The user's installation, or (no user) the workspace's latest, with the bot's current token.

        Rotation updates the bot row, so an older installer's row may hold a stale token: the bot's wins.
        """
        key = _key(client_id, enterprise_id, team_id)
        if user_id is None:
            row = await self.db.fetchone(SELECT_LATEST_INSTALLATION, key)
        else:
            row = await self.db.fetchone(SELECT_USER_INSTALLATION, (*key, user_id))
        if row is None:
            return None
        found = SlackInstallation(
            **_fields(row, ("enterprise_id", "team_id", "user_id", *INSTALLATION_COLUMNS))
        )
        bot = await self.db.fetchone(SELECT_BOT, key)
        if bot is None:
            return found
        return replace(found, **{name: bot[name] for name in BOT_OVERLAY})

    async def delete_bot(self, client_id: str, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(DELETE_BOT, _key(client_id, enterprise_id, team_id))

    async def delete_installations(
        self, client_id: str, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Forget one installer (`user_id`), or every installer of the workspace; the bot stays."""
        key = _key(client_id, enterprise_id, team_id)
        async with self.db.transaction() as conn:
            if user_id is None:
                await conn.execute(DELETE_INSTALLATIONS, key)
            else:
                await conn.execute(DELETE_USER_INSTALLATION, (*key, user_id))

    async def delete_workspace(
        self, client_id: str, *, enterprise_id: str | None, team_id: str | None
    ) -> None:
        """Uninstalled: the bot and every installer go at once, so no token outlives the other rows."""
        key = _key(client_id, enterprise_id, team_id)
        async with self.db.transaction() as conn:
            await conn.execute(DELETE_BOT, key)
            await conn.execute(DELETE_INSTALLATIONS, key)

    # OAuth states
    async def add_state(self, state: str, *, expires_at: float, now: float) -> None:
        """Remember a newly issued state; states expired by `now` are swept in the same transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(DELETE_EXPIRED_STATES, (now,))
            await conn.execute(INSERT_STATE, (state, expires_at))

    async def consume_state(self, state: str, *, now: float) -> bool:
        """True once for a stored state not expired by `now` (it is deleted), False ever after."""
        async with self.db.transaction() as conn, conn.execute(CONSUME_STATE, (state, now)) as cursor:
            return int(cursor.rowcount) > 0
