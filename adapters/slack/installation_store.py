"""slack_sdk's installation and OAuth state store interfaces, kept in the bot's own database.

slack_sdk's SQLite stores use the blocking `sqlite3` module; these translate its `Installation` and `Bot`
objects to the plain records of `storage.slack_store.SlackInstallationStore`, which holds the SQL and runs it
on the bot's async database. Tokens rotated by Bolt are saved through `async_save`/`async_save_bot`, and every
lookup returns the workspace's freshest bot token.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from storage.slack_store import SlackBot, SlackInstallation, SlackInstallationStore


def _key(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> tuple[str | None, str | None]:
    """Org-wide installs are stored under the enterprise alone, as slack_sdk's own stores do."""
    return enterprise_id, None if is_enterprise_install else team_id


def _scopes(scopes: object) -> str | None:
    if isinstance(scopes, str):
        return scopes or None
    if isinstance(scopes, list | tuple):
        return ",".join(str(s) for s in scopes) or None
    return None


Record = TypeVar("Record", SlackBot, SlackInstallation)
SCOPE_FIELDS = ("bot_scopes", "user_scopes")


def _record(kind: type[Record], source: Bot | Installation, enterprise_id: str | None, team_id: str | None) -> Record:
    """slack_sdk's object as our record: every field the record has, by name, under the stored key; scopes
    joined by commas, times and flags as plain numbers."""
    values: dict[str, Any] = {field.name: getattr(source, field.name, None) for field in dataclasses.fields(kind)}
    values.update(enterprise_id=enterprise_id, team_id=team_id, installed_at=float(source.installed_at))
    values["is_enterprise_install"] = bool(source.is_enterprise_install)
    for name in SCOPE_FIELDS:
        if name in values:
            values[name] = _scopes(values[name])
    return kind(**values)


def _bot(record: SlackBot) -> Bot:
    values = dataclasses.asdict(record)
    values["bot_scopes"] = record.bot_scopes or ""
    return Bot(**values)


def _installation(record: SlackInstallation) -> Installation:
    values = dataclasses.asdict(record)
    values["bot_scopes"] = record.bot_scopes or ""
    values["user_scopes"] = record.user_scopes or ""
    return Installation(**values)


class InstallationStore(AsyncInstallationStore):
    """Installations of one Slack app (`client_id`), kept in `records`."""

    def __init__(
        self, records: SlackInstallationStore, client_id: str, logger: logging.Logger | None = None
    ) -> None:
        self.records = records
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
        bot = _record(SlackBot, installation.to_bot(), enterprise, team) if installation.bot_token else None
        await self.records.save_installation(
            self.client_id, _record(SlackInstallation, installation, enterprise, team), bot
        )

    async def async_save_bot(self, bot: Bot) -> None:
        if not bot.bot_token:
            return
        enterprise, team = _key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        await self.records.save_bot(self.client_id, _record(SlackBot, bot, enterprise, team))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        enterprise, team = _key(enterprise_id, team_id, is_enterprise_install)
        found = await self.records.find_bot(self.client_id, enterprise_id=enterprise, team_id=team)
        return None if found is None else _bot(found)

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
        found = await self.records.find_installation(
            self.client_id, enterprise_id=enterprise, team_id=team, user_id=user_id
        )
        return None if found is None else _installation(found)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.records.delete_bot(self.client_id, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self.records.delete_installations(
            self.client_id, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Uninstalled: forget the bot and every installer of the workspace at once."""
        await self.records.delete_workspace(self.client_id, enterprise_id=enterprise_id, team_id=team_id)


class OAuthStateStore(AsyncOAuthStateStore):
    """One-time `state` values of the OAuth flow (CSRF protection), valid for `expiration_seconds`."""

    def __init__(
        self,
        records: SlackInstallationStore,
        expiration_seconds: int = 600,
        clock: Callable[[], float] = time.time,
        logger: logging.Logger | None = None,
    ) -> None:
        self.records = records
        self.expiration_seconds = expiration_seconds
        self.clock = clock
        self._logger = logger or logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(24)
        now = self.clock()
        await self.records.add_state(state, expires_at=now + self.expiration_seconds, now=now)
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state this store issued and that has not expired; False ever after."""
        return await self.records.consume_state(state, now=self.clock())
