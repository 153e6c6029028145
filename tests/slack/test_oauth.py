"""Several workspaces: the OAuth install flow, per-workspace tokens and archives, and token rotation."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.slack import SlackRuntime
from adapters.slack.installation_store import InstallationStore
from bot.core import Bot
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.slack.conftest import Sender, http_config
from tests.slack.fake_slack import FakeSlack, Install
from tests.slack.slack_requests import mention

OTHER = "T456"

# slack_sdk sends oauth.v2.access credentials with aiohttp.BasicAuth, which aiohttp 3.14 deprecates; a
# third-party warning, not ours, so only that one message is let through here.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture
async def oauth_slack(bot: Bot, fake: FakeSlack) -> AsyncIterator[SlackRuntime]:
    fake.add_workspace(OTHER, "xoxb-unused-T456")
    fake.add_user(OTHER, "UBOB", "Bob", is_owner=True)
    config = http_config(fake, bot_token=None, client_id=fake.client_id, client_secret=fake.client_secret)
    async with SlackRuntime(bot, config) as runtime:
        yield runtime


def store(runtime: SlackRuntime) -> InstallationStore:
    assert runtime.built is not None and runtime.built.installations is not None
    return runtime.built.installations


async def install(
    web: aiohttp.ClientSession, runtime: SlackRuntime, fake: FakeSlack, team: str, **kw: object
) -> str:
    """Walk the install flow as a browser would; return the success page."""
    base = f"http://127.0.0.1:{runtime.http_port}"
    async with web.get(f"{base}/slack/install") as page:
        assert page.status == 200
        html = await page.text()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    state = re.search(r"state=([\w-]+)", html)
    assert state is not None and "client_id=111.222" in html
    code = f"code-{team}"
    fake.codes[code] = Install(team_id=team, installer="UADMIN" if team == "T123" else "UBOB", **kw)  # type: ignore[arg-type]
    url = f"{base}/slack/oauth_redirect?code={code}&state={state.group(1)}"
    async with web.get(url, headers={"Cookie": cookie}) as done:
        assert done.status == 200, await done.text()
        return await done.text()


async def test_install_flow_stores_each_workspace(
    web: aiohttp.ClientSession, fake: FakeSlack, oauth_slack: SlackRuntime
) -> None:
    """Installing in two workspaces stores two bots with their own tokens."""
    await install(web, oauth_slack, fake, "T123")
    await install(web, oauth_slack, fake, OTHER)
    one = await store(oauth_slack).async_find_bot(enterprise_id=None, team_id="T123")
    two = await store(oauth_slack).async_find_bot(enterprise_id=None, team_id=OTHER)
    assert one is not None and two is not None and one.bot_token != two.bot_token
    assert one.bot_token in fake.tokens and fake.tokens[two.bot_token][0] == OTHER


async def test_state_is_single_use(
    web: aiohttp.ClientSession, fake: FakeSlack, oauth_slack: SlackRuntime
) -> None:
    """A replayed or forged OAuth redirect is refused and installs nothing."""
    base = f"http://127.0.0.1:{oauth_slack.http_port}"
    fake.codes["code-x"] = Install(team_id="T123", installer="UADMIN")
    cookie = "slack-app-oauth-state=forged"
    async with web.get(
        f"{base}/slack/oauth_redirect?code=code-x&state=forged", headers={"Cookie": cookie}
    ) as page:
        assert page.status == 401
    assert await store(oauth_slack).async_find_bot(enterprise_id=None, team_id="T123") is None


async def test_two_workspaces_have_separate_tokens_and_archives(
    bot: Bot, web: aiohttp.ClientSession, fake: FakeSlack, oauth_slack: SlackRuntime
) -> None:
    """Each workspace is answered with its own token and sees only its own archive."""
    await install(web, oauth_slack, fake, "T123")
    await install(web, oauth_slack, fake, OTHER)
    await bot.context.stores.archives.import_records(
        "slack:T123",
        "alpha",
        [CommentRecord(source_id="a", text="alpha words")],
        created_at=now_iso(bot.context),
    )
    await bot.context.stores.archives.import_records(
        f"slack:{OTHER}",
        "beta",
        [CommentRecord(source_id="b", text="beta words")],
        created_at=now_iso(bot.context),
    )
    send = Sender(web, oauth_slack, fake)
    await send.command("archives", team="T123", user="UADMIN")
    await send.event(mention("archives", team=OTHER, user="UBOB"))
    await oauth_slack.work.drain(5)
    posts = fake.called("chat.postMessage")
    assert len(posts) == 2
    by_team = {fake.tokens[call.token or ""][0]: call.params["text"] for call in posts}
    assert "`alpha`" in by_team["T123"] and "`beta`" not in by_team["T123"]
    assert "`beta`" in by_team[OTHER] and "`alpha`" not in by_team[OTHER]


async def test_request_from_a_workspace_without_installation_is_not_answered(
    web: aiohttp.ClientSession, fake: FakeSlack, oauth_slack: SlackRuntime
) -> None:
    """No installation, no token: no listener runs; the user is told (ephemerally) to ask for an install."""
    answer = await Sender(web, oauth_slack, fake).command("archives", team="T999")
    assert answer.status == 200
    await oauth_slack.work.drain(5)
    assert not fake.posts() and oauth_slack.work.pending == 0
    [(_, body)] = fake.responses
    assert "not installed in this workspace" in body["text"]


async def test_expiring_token_is_rotated_through_the_fake(
    web: aiohttp.ClientSession, fake: FakeSlack, oauth_slack: SlackRuntime
) -> None:
    """A bot token about to expire is refreshed via oauth.v2.access at the configured base URL, then used."""
    await install(web, oauth_slack, fake, "T123", expires_in=600)
    old = await store(oauth_slack).async_find_bot(enterprise_id=None, team_id="T123")
    assert old is not None and old.bot_refresh_token and old.bot_token.startswith("xoxe.xoxb-")
    fake.expire(old.bot_token)
    await Sender(web, oauth_slack, fake).command("archives", team="T123", user="UADMIN")
    await oauth_slack.work.drain(5)
    refresh = fake.called("oauth.v2.access")[-1]
    assert (
        refresh.params["grant_type"] == "refresh_token"
        and refresh.params["refresh_token"] == old.bot_refresh_token
    )
    new = await store(oauth_slack).async_find_bot(enterprise_id=None, team_id="T123")
    assert new is not None and new.bot_token != old.bot_token
    installation = await store(oauth_slack).async_find_installation(enterprise_id=None, team_id="T123")
    assert installation is not None and installation.bot_token == new.bot_token
    [post] = fake.called("chat.postMessage")
    assert post.token == new.bot_token


async def test_poster_reaches_an_installed_workspace(
    web: aiohttp.ClientSession, fake: FakeSlack, oauth_slack: SlackRuntime
) -> None:
    """Scheduled posts find the workspace's stored token."""
    from bot.models import Place, TextReply

    await install(web, oauth_slack, fake, OTHER)
    assert oauth_slack.poster is not None
    posted = await oauth_slack.poster.post(
        Place(platform="slack", space=OTHER, channel="C5"), TextReply(text="hi")
    )
    [call] = fake.called("chat.postMessage")
    assert fake.tokens[call.token or ""][0] == OTHER and posted.message_id.startswith("1700000000.")


async def test_uninstalling_forgets_the_workspace(
    web: aiohttp.ClientSession, fake: FakeSlack, oauth_slack: SlackRuntime
) -> None:
    """The app_uninstalled event deletes the workspace's tokens; the other workspace keeps its own."""
    await install(web, oauth_slack, fake, "T123")
    await install(web, oauth_slack, fake, OTHER)
    event = mention("x", team=OTHER)
    event["event"] = {"type": "app_uninstalled", "event_ts": event["event"]["event_ts"]}
    answer = await Sender(web, oauth_slack, fake).event(event)
    assert answer.status == 200
    async with asyncio.timeout(5):
        while await store(oauth_slack).async_find_bot(enterprise_id=None, team_id=OTHER) is not None:
            await asyncio.sleep(0.01)
    assert await store(oauth_slack).async_find_bot(enterprise_id=None, team_id="T123") is not None


async def test_tokens_never_reach_the_logs(
    web: aiohttp.ClientSession, fake: FakeSlack, oauth_slack: SlackRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG, slack_sdk's token responses and aiosqlite's INSERTs of installations log no token."""
    caplog.set_level(logging.DEBUG)
    await install(web, oauth_slack, fake, "T123", expires_in=600)
    old = await store(oauth_slack).async_find_bot(enterprise_id=None, team_id="T123")
    assert old is not None and old.bot_refresh_token
    fake.expire(old.bot_token)
    await Sender(web, oauth_slack, fake).command("archives", team="T123", user="UADMIN")
    await oauth_slack.work.drain(5)
    new = await store(oauth_slack).async_find_bot(enterprise_id=None, team_id="T123")
    assert new is not None and new.bot_refresh_token and new.bot_token != old.bot_token
    secrets = {*fake.tokens, old.bot_refresh_token, new.bot_refresh_token}
    assert any("access_token" in record.getMessage() for record in caplog.records)  # logged, redacted
    for record in caplog.records:
        logged = record.getMessage() + repr(record.args)
        assert not [secret for secret in secrets if secret in logged], record.name
    assert not [secret for secret in secrets if secret in caplog.text]
