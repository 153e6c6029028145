"""`/import` on Discord: refused to members, answered at once for a moderator, and the outcome posted in the
channel through the Discord poster when the background import is done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.discord.inbound import space_key
from bot.settings import Settings
from tests.discord.conftest import Running
from tests.discord.fake_discord import FakeDiscord, Sent
from tests.links.conftest import LOOPBACK, thread_links
from tests.links.fake_sites import FakeSites


@pytest.fixture(autouse=True)
def _word_based(no_models: None) -> None:
    """Link imports, not the models."""


@pytest.fixture
async def sites() -> AsyncIterator[FakeSites]:
    fake = FakeSites()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def settings(tmp_path: Path, sites: FakeSites) -> Settings:
    return Settings(db=tmp_path / "threadbot.db", fetch_allow_private=LOOPBACK)


def interaction_answers(fake: FakeDiscord) -> list[Sent]:
    return [s for s in fake.sent if s.interaction is not None]


async def test_import_is_for_moderators_and_reports_in_the_channel(running: Running, sites: FakeSites) -> None:
    fake, world = running.fake, running.world
    url = thread_links(sites)["discourse"]
    await fake.slash(world.general, world.alice, "import", link=url)
    (refusal,) = await fake.wait_for(lambda: interaction_answers(fake))
    assert refusal.ephemeral and "moderators only" in refusal.content
    assert sites.seen == []

    await fake.slash(world.general, world.moderator, "import", link=url, archive="forum")
    answer = (await fake.wait_for(lambda: interaction_answers(fake)[1:]))[0]
    assert answer.via == "response" and "in the background" in answer.text()
    (post,) = await fake.wait_for(lambda: [s for s in fake.sent if s.via == "channel"])
    assert post.message["channel_id"] == str(world.general.id)
    assert "Import finished" in post.text() and "Imported 3 new comments" in post.text()
    assert post.payload["allowed_mentions"] == {"parse": []}
    archive = await running.bot.context.stores.archives.find_archive(space_key(world.alpha.id), "forum")
    assert archive is not None and archive.comment_count == 3
