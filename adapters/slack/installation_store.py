"""Slack installations and OAuth states on the project's own SQLite database, without blocking the event loop.

slack_sdk's SQLite stores use the blocking `sqlite3` module; these use the bot's one aiosqlite connection
(`storage.db.Database`), its write lock and one transaction per logical write. Tokens rotated by Bolt are
saved through `async_save`/`async_save_bot`, and every lookup returns the workspace's freshest bot token.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from storage.db import Database

INSTALLATION_COLUMNS = (
    "app_id",
    "enterprise_name",
    "enterprise_url",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
    "user_token",
    "user_scopes",
    "user_refresh_token",
    "user_token_expires_at",
    "incoming_webhook_url",
    "incoming_webhook_channel",
    "incoming_webhook_channel_id",
    "incoming_webhook_configuration_url",
    "is_enterprise_install",
    "token_type",
    "installed_at",
)
BOT_COLUMNS = (
    "app_id",
    "enterprise_name",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
    "is_enterprise_install",
    "installed_at",
)
BOT_OVERLAY = (
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
)
KEY = "client_id = ? AND enterprise_id = ? AND team_id = ?"


def _upsert(table: str, key: tuple[str, ...], columns: tuple[str, ...]) -> str:
    names = ", ".join((*key, *columns))
    marks = ", ".join("?" * (len(key) + len(columns)))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"


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


def _key(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> tuple[str, str]:
    """Org-wide installs are stored under the enterprise alone, as slack_sdk's own stores do."""
    return enterprise_id or "", "" if is_enterprise_install or team_id is None else team_id


def _scopes(scopes: object) -> str | None:
    if isinstance(scopes, str):
        return scopes or None
    if isinstance(scopes, list | tuple):
        return ",".join(str(s) for s in scopes) or None
    return None


def _installation_values(installation: Installation) -> tuple[object, ...]:
    return (
        installation.app_id,
        installation.enterprise_name,
        installation.enterprise_url,
        installation.team_name,
        installation.bot_token,
        installation.bot_id,
        installation.bot_user_id,
        _scopes(installation.bot_scopes),
        installation.bot_refresh_token,
        installation.bot_token_expires_at,
        installation.user_token,
        _scopes(installation.user_scopes),
        installation.user_refresh_token,
        installation.user_token_expires_at,
        installation.incoming_webhook_url,
        installation.incoming_webhook_channel,
        installation.incoming_webhook_channel_id,
        installation.incoming_webhook_configuration_url,
        int(bool(installation.is_enterprise_install)),
        installation.token_type,
        float(installation.installed_at),
    )


def _bot_values(bot: Bot) -> tuple[object, ...]:
    return (
        bot.app_id,
        bot.enterprise_name,
        bot.team_name,
        bot.bot_token,
        bot.bot_id,
        bot.bot_user_id,
        _scopes(bot.bot_scopes),
        bot.bot_refresh_token,
        bot.bot_token_expires_at,
        int(bool(bot.is_enterprise_install)),
        float(bot.installed_at),
    )


def _fields(row: sqlite3.Row) -> dict[str, Any]:
    values = {name: row[name] for name in row.keys()}  # noqa: SIM118 - sqlite3.Row is not a mapping
    values["enterprise_id"] = values.get("enterprise_id") or None
    values["team_id"] = values.get("team_id") or None
    values["is_enterprise_install"] = bool(values.get("is_enterprise_install"))
    for scopes in ("bot_scopes", "user_scopes"):
        if scopes in values:
            values[scopes] = values[scopes] or ""
    return values


class SqliteInstallationStore(AsyncInstallationStore):
    """Installations of one Slack app (`client_id`) in the threadbot database."""

    def __init__(self, db: Database, client_id: str, logger: logging.Logger | None = None) -> None:
        self.db = db
        self.client_id = client_id
        self._logger = logger or logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_save(self, installation: Installation) -> None:
        """The installer's row and the workspace's bot, in one transaction."""
        enterprise, team = _key(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        key = (self.client_id, enterprise, team)
        async with self.db.transaction() as conn:
            await conn.execute(
                UPSERT_INSTALLATION, (*key, installation.user_id, *_installation_values(installation))
            )
            if installation.bot_token:
                await conn.execute(UPSERT_BOT, (*key, *_bot_values(installation.to_bot())))

    async def async_save_bot(self, bot: Bot) -> None:
        if not bot.bot_token:
            return
        enterprise, team = _key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        async with self.db.transaction() as conn:
            await conn.execute(UPSERT_BOT, (self.client_id, enterprise, team, *_bot_values(bot)))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        enterprise, team = _key(enterprise_id, team_id, is_enterprise_install)
        row = await self.db.fetchone(SELECT_BOT, (self.client_id, enterprise, team))
        return Bot(**_fields(row)) if row else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The user's installation, or the workspace's latest; either way with the current bot token."""
        enterprise, team = _key(enterprise_id, team_id, is_enterprise_install)
        key = (self.client_id, enterprise, team)
        if user_id is None:
            row = await self.db.fetchone(SELECT_LATEST_INSTALLATION, key)
        else:
            row = await self.db.fetchone(SELECT_USER_INSTALLATION, (*key, user_id))
        if row is None:
            return None
        values = _fields(row)
        bot = await self.db.fetchone(SELECT_BOT, key)
        if bot is not None:
            current = _fields(bot)
            values.update({name: current[name] for name in BOT_OVERLAY})
        return Installation(**values)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        enterprise, team = _key(enterprise_id, team_id, False)
        async with self.db.transaction() as conn:
            await conn.execute(DELETE_BOT, (self.client_id, enterprise, team))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        enterprise, team = _key(enterprise_id, team_id, False)
        async with self.db.transaction() as conn:
            if user_id is None:
                await conn.execute(DELETE_INSTALLATIONS, (self.client_id, enterprise, team))
            else:
                await conn.execute(DELETE_USER_INSTALLATION, (self.client_id, enterprise, team, user_id))

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Uninstalled: forget the bot and every installer of the workspace at once."""
        enterprise, team = _key(enterprise_id, team_id, False)
        async with self.db.transaction() as conn:
            await conn.execute(DELETE_BOT, (self.client_id, enterprise, team))
            await conn.execute(DELETE_INSTALLATIONS, (self.client_id, enterprise, team))


class SqliteOAuthStateStore(AsyncOAuthStateStore):
    """One-time `state` values of the OAuth flow (CSRF protection), valid for `expiration_seconds`."""

    def __init__(
        self,
        db: Database,
        expiration_seconds: int = 600,
        clock: Callable[[], float] = time.time,
        logger: logging.Logger | None = None,
    ) -> None:
        self.db = db
        self.expiration_seconds = expiration_seconds
        self.clock = clock
        self._logger = logger or logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(24)
        now = self.clock()
        async with self.db.transaction() as conn:
            await conn.execute(DELETE_EXPIRED_STATES, (now,))
            await conn.execute(INSERT_STATE, (state, now + self.expiration_seconds))
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state this store issued and that has not expired; False ever after."""
        async with (
            self.db.transaction() as conn,
            conn.execute(CONSUME_STATE, (state, self.clock())) as cursor,
        ):
            return cursor.rowcount > 0
