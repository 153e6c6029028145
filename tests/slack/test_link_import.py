"""`/threadbot import <link>` in Slack: refused to members, answered at once for a moderator, and the outcome
posted in the channel through the Slack poster when the background import is done."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.slack import SlackRuntime
from bot.core import Bot
from bot.settings import Settings
from tests.links.conftest import LOOPBACK, thread_links
from tests.links.fake_sites import FakeSites
from tests.slack.conftest import TEAM, Sender
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
async def sites() -> AsyncIterator[FakeSites]:
    fake = FakeSites()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def settings(tmp_path: Path, sites: FakeSites) -> Settings:
    return Settings(db=tmp_path / "threadbot.db", fetch_allow_private=LOOPBACK)


async def test_import_is_for_moderators_and_reports_in_the_channel(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime, sites: FakeSites
) -> None:
    assert http_slack.poster is not None
    bot.context.posters.register("slack", http_slack.poster)  # as run_slack does
    url = thread_links(sites)["mastodon"]
    await send.command(f"import {url}", user="UALICE")
    await http_slack.work.drain(5)
    [ephemeral] = fake.ephemerals()
    assert "for moderators only" in json.dumps(ephemeral["blocks"])
    assert sites.seen == []

    await send.command(f"import <{url}>", user="UADMIN")  # a link as Slack may wrap it
    await http_slack.work.drain(5)
    await bot.finish()
    answer, report = fake.posts()
    assert "in the background" in answer["text"]
    assert report["channel"] == "C1" and "Import finished" in json.dumps(report["blocks"])
    assert "Imported 5 new comments" in json.dumps(report["blocks"])
    archive = await bot.context.stores.archives.find_archive(f"slack:{TEAM}", "mastodon-103189005915505698")
    assert archive is not None and archive.comment_count == 5
