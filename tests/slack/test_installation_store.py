"""The slack_sdk-facing installation and OAuth state stores, on a real SQLite file."""

from __future__ import annotations

import time

from slack_sdk.oauth.installation_store.models.installation import Installation

from adapters.slack.installation_store import InstallationStore, OAuthStateStore
from storage.db import Database
from storage.slack_store import SlackInstallationStore


def installation(
    team: str = "T1", user: str = "U1", token: str = "xoxb-1", **changes: object
) -> Installation:
    values: dict[str, object] = {
        "app_id": "A1",
        "team_id": team,
        "team_name": "Team",
        "bot_token": token,
        "bot_id": "B1",
        "bot_user_id": "UBOT",
        "bot_scopes": "chat:write,commands",
        "user_id": user,
        "installed_at": time.time(),
    }
    values.update(changes)
    return Installation(**values)  # type: ignore[arg-type]


async def test_save_and_find(db: Database) -> None:
    """What is saved comes back: the installation, and the workspace's bot."""
    store = InstallationStore(SlackInstallationStore(db), "client")
    await store.async_save(installation(bot_refresh_token="r1", bot_token_expires_at=2_000_000_000))
    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.bot_token, found.user_id, found.team_name) == ("xoxb-1", "U1", "Team")
    assert list(found.bot_scopes or []) == ["chat:write", "commands"]
    assert found.bot_refresh_token == "r1" and found.bot_token_expires_at == 2_000_000_000
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-1" and bot.bot_user_id == "UBOT"
    assert await store.async_find_installation(enterprise_id=None, team_id="T2") is None


async def test_user_installation_gets_the_latest_bot_token(db: Database) -> None:
    """After a rotation saved through another installer, every installation sees the new bot token."""
    store = InstallationStore(SlackInstallationStore(db), "client")
    await store.async_save(installation(user="U1", token="xoxb-old"))
    await store.async_save(installation(user="U2", token="xoxb-new", installed_at=time.time() + 1))
    first = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    latest = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert first is not None and first.user_id == "U1" and first.bot_token == "xoxb-new"
    assert latest is not None and latest.user_id == "U2"


async def test_saving_again_updates_in_place(db: Database) -> None:
    """Reinstalling or rotating replaces the row instead of piling up history."""
    store = InstallationStore(SlackInstallationStore(db), "client")
    await store.async_save(installation(token="xoxb-1"))
    await store.async_save(installation(token="xoxb-2"))
    rows = await db.fetchall("SELECT bot_token FROM slack_installations")
    assert [r[0] for r in rows] == ["xoxb-2"]


async def test_apps_are_kept_apart(db: Database) -> None:
    """Two Slack apps (client ids) sharing a database never see each other's tokens."""
    await InstallationStore(SlackInstallationStore(db), "one").async_save(installation())
    other = InstallationStore(SlackInstallationStore(db), "two")
    assert await other.async_find_bot(enterprise_id=None, team_id="T1") is None


async def test_delete(db: Database) -> None:
    """Uninstalling forgets the bot and every installer; revoking one user forgets only them."""
    store = InstallationStore(SlackInstallationStore(db), "client")
    await store.async_save(installation(user="U1"))
    await store.async_save(installation(user="U2"))
    await store.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U2") is not None
    await store.async_delete_all(enterprise_id=None, team_id="T1")
    assert await store.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None


async def test_org_wide_install_is_found_by_enterprise(db: Database) -> None:
    """An Enterprise Grid org-wide install is stored under the enterprise, whatever team asks."""
    store = InstallationStore(SlackInstallationStore(db), "client")
    await store.async_save(installation(team=None, enterprise_id="E1", is_enterprise_install=True))  # type: ignore[arg-type]
    found = await store.async_find_installation(enterprise_id="E1", team_id="T7", is_enterprise_install=True)
    assert found is not None and found.enterprise_id == "E1" and found.is_enterprise_install


async def test_state_is_consumed_once(db: Database) -> None:
    """An OAuth state works once, and not after it expires."""
    now = [1000.0]
    states = OAuthStateStore(SlackInstallationStore(db), expiration_seconds=600, clock=lambda: now[0])
    state = await states.async_issue()
    assert await states.async_consume(state)
    assert not await states.async_consume(state)
    late = await states.async_issue()
    now[0] += 601
    assert not await states.async_consume(late)
    assert not await states.async_consume("never-issued")
