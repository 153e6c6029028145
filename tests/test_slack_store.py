"""The Slack installation records (storage/slack_store.py) on a real database (SQLite and PostgreSQL), without
slack_sdk."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from storage.db import Database
from storage.slack_store import SlackBot, SlackInstallation, SlackInstallationStore
from storage.sql import SqlDatabase

APP = "client"




@pytest.fixture
def records(db: Database) -> SlackInstallationStore:
    return SlackInstallationStore(db)


def bot(team: str | None = "T1", token: str = "xoxb-1", **changes: object) -> SlackBot:
    values: dict[str, object] = {
        "enterprise_id": None,
        "team_id": team,
        "bot_token": token,
        "installed_at": 1000.0,
        "bot_id": "B1",
        "bot_user_id": "UBOT",
        "bot_scopes": "chat:write,commands",
    }
    values.update(changes)
    return SlackBot(**values)  # type: ignore[arg-type]


def installation(
    team: str | None = "T1", user: str = "U1", token: str = "xoxb-1", **changes: object
) -> SlackInstallation:
    values: dict[str, object] = {
        "enterprise_id": None,
        "team_id": team,
        "user_id": user,
        "installed_at": 1000.0,
        "team_name": "Team",
        "bot_token": token,
        "bot_id": "B1",
        "bot_user_id": "UBOT",
        "bot_scopes": "chat:write,commands",
    }
    values.update(changes)
    return SlackInstallation(**values)  # type: ignore[arg-type]


def test_written_against_the_protocol(db: Database) -> None:
    """The concrete database satisfies the protocol the store is typed against."""
    assert isinstance(db, SqlDatabase)


async def test_save_and_find_by_team(records: SlackInstallationStore) -> None:
    """What is saved comes back field for field; another team finds nothing."""
    saved = installation(user_token="xoxp-1", user_scopes="search:read", bot_token_expires_at=2_000_000_000)
    saved_bot = bot(bot_token_expires_at=2_000_000_000)
    await records.save_installation(APP, saved, saved_bot)
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1") == saved
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1", user_id="U1") == saved
    assert await records.find_bot(APP, enterprise_id=None, team_id="T1") == saved_bot
    assert await records.find_installation(APP, enterprise_id=None, team_id="T2") is None
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1", user_id="U9") is None
    assert await records.find_bot(APP, enterprise_id=None, team_id="T2") is None


async def test_find_by_enterprise(records: SlackInstallationStore) -> None:
    """An org-wide install is keyed by the enterprise alone, apart from a team of the same enterprise."""
    org = installation(team=None, enterprise_id="E1", is_enterprise_install=True, token="xoxb-org")
    org_bot = bot(team=None, enterprise_id="E1", is_enterprise_install=True, token="xoxb-org")
    await records.save_installation(APP, org, org_bot)
    found = await records.find_installation(APP, enterprise_id="E1", team_id=None)
    assert found == org and found.is_enterprise_install and found.team_id is None
    assert await records.find_installation(APP, enterprise_id="E1", team_id="T1") is None
    assert await records.find_installation(APP, enterprise_id=None, team_id=None) is None
    assert await records.find_bot(APP, enterprise_id="E1", team_id=None) == org_bot


async def test_latest_installation_of_a_workspace(records: SlackInstallationStore) -> None:
    """Without a user, the most recently installed row answers; saving again updates it in place."""
    await records.save_installation(APP, installation(user="U1", installed_at=1000.0))
    await records.save_installation(APP, installation(user="U2", installed_at=2000.0))
    latest = await records.find_installation(APP, enterprise_id=None, team_id="T1")
    assert latest is not None and latest.user_id == "U2"
    await records.save_installation(APP, installation(user="U1", installed_at=3000.0, team_name="Renamed"))
    latest = await records.find_installation(APP, enterprise_id=None, team_id="T1")
    assert latest is not None and (latest.user_id, latest.team_name) == ("U1", "Renamed")


async def test_rotated_bot_token_reaches_every_installation(records: SlackInstallationStore) -> None:
    """After save_bot with a rotated token, each installer's lookup carries the bot's new token."""
    await records.save_installation(APP, installation(user="U1", token="xoxb-old"), bot(token="xoxb-old"))
    await records.save_installation(APP, installation(user="U2", token="xoxb-old"))
    rotated = bot(token="xoxe.xoxb-new", bot_refresh_token="xoxe-r2", bot_token_expires_at=2_000_000_600)
    await records.save_bot(APP, rotated)
    assert await records.find_bot(APP, enterprise_id=None, team_id="T1") == rotated
    for user in ("U1", "U2"):
        found = await records.find_installation(APP, enterprise_id=None, team_id="T1", user_id=user)
        assert found is not None and found.user_id == user
        assert (found.bot_token, found.bot_refresh_token, found.bot_token_expires_at) == (
            "xoxe.xoxb-new",
            "xoxe-r2",
            2_000_000_600,
        )
        assert found.team_name == "Team"  # the installation's own fields stay its own


async def test_delete(records: SlackInstallationStore) -> None:
    """One installer, the bot alone, or the whole workspace can be forgotten; other workspaces stay."""
    await records.save_installation(APP, installation(user="U1"), bot())
    await records.save_installation(APP, installation(user="U2"))
    await records.save_installation(APP, installation(team="T2"), bot(team="T2"))
    await records.delete_installations(APP, enterprise_id=None, team_id="T1", user_id="U1")
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1", user_id="U1") is None
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1", user_id="U2") is not None
    await records.delete_bot(APP, enterprise_id=None, team_id="T1")
    assert await records.find_bot(APP, enterprise_id=None, team_id="T1") is None
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1") is not None
    await records.delete_workspace(APP, enterprise_id=None, team_id="T2")
    assert await records.find_bot(APP, enterprise_id=None, team_id="T2") is None
    assert await records.find_installation(APP, enterprise_id=None, team_id="T2") is None
    await records.delete_installations(APP, enterprise_id=None, team_id="T1")
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1") is None


async def test_apps_are_kept_apart(records: SlackInstallationStore) -> None:
    """Rows are per client id: another app neither sees nor deletes them."""
    await records.save_installation(APP, installation(), bot())
    assert await records.find_bot("other", enterprise_id=None, team_id="T1") is None
    await records.delete_workspace("other", enterprise_id=None, team_id="T1")
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1") is not None


async def test_installation_and_bot_are_saved_together_or_not_at_all(records: SlackInstallationStore) -> None:
    """A bot row the database refuses leaves no installer row behind."""
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        await records.save_installation(APP, installation(), bot(token=None))  # type: ignore[arg-type]
    assert await records.find_installation(APP, enterprise_id=None, team_id="T1") is None


async def test_state_is_consumed_once_before_it_expires(records: SlackInstallationStore) -> None:
    """A state works once, within its lifetime; an unknown one never."""
    await records.add_state("s1", expires_at=1600.0, now=1000.0)
    assert await records.consume_state("s1", now=1500.0)
    assert not await records.consume_state("s1", now=1500.0)
    await records.add_state("s2", expires_at=1600.0, now=1000.0)
    assert not await records.consume_state("s2", now=1601.0)
    assert not await records.consume_state("never-issued", now=1000.0)


async def test_issuing_a_state_sweeps_expired_ones(records: SlackInstallationStore) -> None:
    """States expired when a new one is added are gone for good, not merely refused."""
    await records.add_state("old", expires_at=1600.0, now=1000.0)
    await records.add_state("new", expires_at=2300.0, now=1700.0)
    assert not await records.consume_state("old", now=1000.0)
    assert await records.consume_state("new", now=1700.0)
