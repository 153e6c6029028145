"""Fetching whole threads from the loopback fakes of each site: the right comments, polite and bounded requests,
retries that honour the site, failures that import nothing and name the request, and the address guard."""

from __future__ import annotations

import pytest

from bot.fetch import FetchError, LinkError
from bot.fetch.client import retry_after
from bot.settings import Settings
from storage.stores import Stores
from tests.links.conftest import SPACE, Waits, run_import, thread_links
from tests.links.fake_sites import FakeSites

# site -> comments imported, requests made, whole thread seen (figures checked by hand against the files)
EXPECTED = {
    "hn": (3, 1, True),  # item 17 and its two replies
    # 194 + 50 from morechildren + 2 behind each of 3 "continue this thread" stubs; not whole: the fake answers only
    # one morechildren call, so 1,082 listed comments never come
    "reddit": (250, 21, False),
    "discourse": (3, 2, True),  # 4 posts, one a moderator notice; 2 of them from /posts.json
    "substack": (6, 2, True),  # 7 comments, one deleted
    "wordpress": (6, 4, True),  # 7 comments, one a pingback; the slug lookup and 3 pages of 3
    "mastodon": (5, 2, True),  # 3 ancestors, the status, 1 descendant
}
TITLES = {
    "hn": None,
    "reddit": "my wife passed away eight months ago, yesterday I found a post-it note",
    "discourse": "THIS SITE IS A SANDBOX",
    "substack": "Tokenmaxxing, chain-of-thought and LeCun",
    "wordpress": "More tokens, better answers?",
    "mastodon": "Mastodon thread by ines",
}


async def comment_count(stores: Stores, archive: str) -> int | None:
    found = await stores.archives.find_archive(SPACE, archive)
    return None if found is None else found.comment_count


@pytest.mark.parametrize("site", sorted(EXPECTED))
async def test_each_site_imports_its_whole_thread(
    site: str, sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    added, requests, complete = EXPECTED[site]
    result = await run_import(stores, fetch_settings, thread_links(sites)[site])
    assert (result.added, result.requests, result.complete) == (added, requests, complete)
    assert result.archive.comment_count == added
    assert result.bytes > 0  # counted for the report
    if TITLES[site] is not None:
        assert (result.archive.title or "").startswith(TITLES[site][:40])
    assert {seen.user_agent for seen in sites.seen} == {fetch_settings.fetch_user_agent}


async def test_a_hacker_news_link_reads_the_algolia_api(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    result = await run_import(stores, fetch_settings, "https://news.ycombinator.com/item?id=17")
    assert result.added == 3 and result.archive.name == "hn-17"
    assert sites.paths() == ["/api/v1/items/17"]


async def test_a_re_import_adds_nothing_and_a_changed_thread_adds_only_what_changed(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    url = thread_links(sites)["substack"]
    await run_import(stores, fetch_settings, url)
    again = await run_import(stores, fetch_settings, url)
    assert (again.added, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 6)

    comments = sites.docs["substack_comments"]["comments"]
    first = comments[0]
    first["body"] += " (edited: zanzibar)"
    reply = dict(first["children"][0], id=51200999, body="A brand new reply.", children=[], children_count=0)
    first["children"].append(reply)
    first["children_count"] += 1
    comments.pop()  # the last comment was deleted at the source
    changed = await run_import(stores, fetch_settings, url)
    assert (changed.added, changed.updated, changed.deleted) == (1, 1, 1)
    assert changed.archive.comment_count == 6
    hits = await stores.archives.search([changed.archive.id], "zanzibar", 3)
    assert [hit.comment.source_id for hit in hits] == ["51200101"]


async def test_an_incomplete_thread_keeps_what_it_could_not_see(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    """Reddit's second import gets no morechildren answer: its 50 comments stay, nothing is deleted."""
    url = thread_links(sites)["reddit"]
    await run_import(stores, fetch_settings, url)
    again = await run_import(stores, fetch_settings, url)
    assert (again.added, again.deleted, again.complete) == (0, 0, False)
    assert again.archive.comment_count == 250


async def test_retries_honour_retry_after_and_back_off_on_server_errors(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    sites.fault("/api/v1/items/17", "status", status=429, headers={"Retry-After": "7"}, times=2)
    waits = Waits()
    result = await run_import(stores, fetch_settings, thread_links(sites)["hn"], waits)
    assert (result.added, result.requests, waits.seconds) == (3, 3, [7.0, 7.0])

    sites.fault("/api/v1/post/", "status", status=502, times=2)
    waits = Waits()
    result = await run_import(stores, fetch_settings, thread_links(sites)["substack"], waits)
    assert result.added == 6 and waits.seconds == [1.0, 2.0]  # exponential backoff


async def test_a_site_asking_to_wait_too_long_fails_at_once(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    sites.fault("/api/v1/items/17", "status", status=429, headers={"Retry-After": "3600"})
    waits = Waits()
    with pytest.raises(FetchError, match="asks to wait 3600 s"):
        await run_import(stores, fetch_settings, thread_links(sites)["hn"], waits)
    assert waits.seconds == []


async def test_a_failure_halfway_imports_nothing_and_names_the_request(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    sites.fault("/t/57/posts.json", "status", status=500, times=10)
    with pytest.raises(FetchError) as caught:
        await run_import(stores, fetch_settings, thread_links(sites)["discourse"])
    assert "request 4 (more posts: GET http://127.0.0.1" in caught.value.message  # 1 topic + 3 tries
    assert "/t/57/posts.json?post_ids%5B%5D=86&post_ids%5B%5D=226" in caught.value.message
    assert "answered 500" in caught.value.message and "Nothing was imported" in caught.value.message
    assert await comment_count(stores, "discourse-57") is None


async def test_json_cut_off_halfway_through_the_pages_imports_nothing(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    sites.fault("page=2", "truncate")
    with pytest.raises(FetchError, match=r"request 3 \(comments page 2: .*returned broken JSON"):
        await run_import(stores, fetch_settings, thread_links(sites)["wordpress"])
    assert await comment_count(stores, "wordpress-more-tokens-better-answers") is None


async def test_a_slow_site_times_out(sites: FakeSites, stores: Stores, fetch_settings: Settings) -> None:
    settings = fetch_settings.model_copy(update={"fetch_timeout_seconds": 0.2, "fetch_retries": 1})
    sites.fault("/api/v1/statuses/", "slow", seconds=1.0, times=5)
    with pytest.raises(FetchError, match=r"no answer within 0.2 s \(2 times\)"):
        await run_import(stores, settings, thread_links(sites)["mastodon"])


async def test_caps_on_requests_and_bytes(sites: FakeSites, stores: Stores, fetch_settings: Settings) -> None:
    few = fetch_settings.model_copy(update={"fetch_max_requests": 3})
    with pytest.raises(FetchError, match="needs more than 3 requests"):
        await run_import(stores, few, thread_links(sites)["wordpress"])
    assert len(sites.seen) == 3
    small = fetch_settings.model_copy(update={"fetch_max_bytes": 100_000})
    with pytest.raises(FetchError, match="past the 100,000 bytes one import may download"):
        await run_import(stores, small, thread_links(sites)["reddit"])
    assert await stores.archives.list_archives(SPACE) == [
        a for a in await stores.archives.list_archives(SPACE) if a.shared
    ]


async def test_reddit_expands_load_more_within_its_bound(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    settings = fetch_settings.model_copy(update={"fetch_reddit_more_calls": 2})
    result = await run_import(stores, settings, thread_links(sites)["reddit"])
    assert (result.added, result.requests) == (244, 3)
    assert any("were not fetched" in note and "THREADBOT_FETCH_REDDIT_MORE_CALLS" in note for note in result.notes)


async def test_reddit_follows_continue_this_thread_branches(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    """Each "continue this thread" stub is fetched through its comment's permalink, and the replies behind it
    are imported under that comment; a thread some of whose listed comments never came is not whole."""
    result = await run_import(stores, fetch_settings, thread_links(sites)["reddit"])
    assert sorted(sites.branches_served) == ["c9fygn5", "c9g320h", "c9gz8xp"]
    hits = await stores.archives.search([result.archive.id], "fridge branch", 20)
    deep = {h.comment.source_id: h.comment.parent_source_id for h in hits}
    assert deep == {f"{c}r{n}": c for c in sites.branches_served for n in (1, 2)}
    assert not result.complete and any("did not return" in note for note in result.notes)


async def test_a_redirect_to_a_private_address_is_refused(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    """Loopback is allowed for the fakes; the cloud metadata address and a LAN address are still refused."""
    for target in ("http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/admin"):
        sites.fault("/api/v1/items/17", "redirect", location=target)
        with pytest.raises(FetchError, match=f"redirected to {target}: .* is a (link-local|private) address"):
            await run_import(stores, fetch_settings, thread_links(sites)["hn"])
    sites.fault("/api/v1/items/17", "redirect", location="/api/v1/items/17?moved=1")
    assert (await run_import(stores, fetch_settings, thread_links(sites)["hn"])).added == 3


async def test_loopback_is_refused_by_default(sites: FakeSites, stores: Stores, fetch_settings: Settings) -> None:
    default = Settings(db=fetch_settings.db, fetch_hn_api=fetch_settings.fetch_hn_api)
    with pytest.raises(LinkError, match=r"127\.0\.0\.1 is a loopback address"):
        await run_import(stores, default, thread_links(sites)["hn"])
    port = sites.base.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match=r"localhost resolves to 127\.0\.0\.1, a loopback address"):
        await run_import(stores, default, f"http://localhost:{port}/api/v1/items/17")
    assert sites.seen == []  # nothing reached the server


def test_retry_after_reads_seconds_and_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Mon, 10 Mar 2025 18:00:30 GMT", now) == 30.0
    assert retry_after("soon", now) is None and retry_after(None, now) is None


async def test_a_thread_without_comments_is_still_a_thread(
    sites: FakeSites, stores: Stores, fetch_settings: Settings
) -> None:
    """A live thread with no comments yet imports as empty; one whose comments were all deleted empties."""
    url = thread_links(sites)["substack"]
    comments = sites.docs["substack_comments"]["comments"]
    kept = list(comments)
    comments.clear()
    empty = await run_import(stores, fetch_settings, url)
    assert (empty.added, empty.archive.comment_count) == (0, 0)
    comments.extend(kept)
    assert (await run_import(stores, fetch_settings, url)).added == 6
    comments.clear()
    gone = await run_import(stores, fetch_settings, url)
    assert (gone.deleted, gone.archive.comment_count) == (6, 0)
