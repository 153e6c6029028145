"""Fixtures for link imports: the loopback fake sites, settings that let the fetcher reach them (loopback only,
short timeouts), a store, and the links each site's thread has."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.fetch import Link, LinkImport, import_link, read_link
from bot.settings import Settings
from storage.stores import Stores, open_stores
from tests.links.fake_sites import FakeSites

CREATED = "2025-03-10T18:00:00+00:00"
SPACE = "console:local"
LOOPBACK = "127.0.0.1/32"


@pytest.fixture
async def sites() -> AsyncIterator[FakeSites]:
    fake = FakeSites()
    await fake.start()
    yield fake
    await fake.close()


def thread_links(sites: FakeSites) -> dict[str, str]:
    """A link to each site's thread on the fake, written as users paste them."""
    base = sites.base
    return {
        "hn": f"{base}/api/v1/items/17",
        "reddit": f"{base}/r/self/comments/1cebxh/my_wife_passed_away_eight_months_ago_yesterday_i/",
        "discourse": f"{base}/t/this-site-is-a-sandbox-it-is-reset-every-day/57",
        "substack": f"{base}/p/tokenmaxxing",
        "wordpress": f"{base}/2025/01/20/more-tokens-better-answers/",
        "mastodon": f"{base}/@ren/103189005915505698",
    }


@pytest.fixture
def settings(tmp_path: Path, sites: FakeSites) -> Settings:
    """The bot's settings in these tests: loopback allowed for the fakes (only 127.0.0.1, so a redirect to
    another private address is still refused), short timeouts, HN's API on the fake."""
    return Settings(
        db=tmp_path / "threadbot.db",
        fetch_allow_private=LOOPBACK,
        fetch_timeout_seconds=2.0,
        fetch_retries=2,
        fetch_max_retry_wait_seconds=30.0,
        fetch_hn_api=f"{sites.base}/api/v1",
    )


@pytest.fixture
def fetch_settings(settings: Settings) -> Settings:
    return settings


@pytest.fixture
async def stores(fetch_settings: Settings) -> AsyncIterator[Stores]:
    opened = await open_stores(fetch_settings.db)
    try:
        yield opened
    finally:
        await opened.close()


class Waits:
    """Stands in for asyncio.sleep: records what the client waited, without waiting."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


async def run_import(stores: Stores, settings: Settings, url: str, waits: Waits | None = None,
                     archive: str | None = None) -> LinkImport:  # fmt: skip
    link: Link = read_link(url, settings.fetch_hn_api)
    return await import_link(
        stores.archives,
        link,
        space_key=SPACE,
        archive_name=archive or link.archive_name,
        settings=settings,
        created_at=CREATED,
        sleep=waits or Waits(),
    )
