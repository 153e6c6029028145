"""Which site a pasted link is, where its API is, and what an unsupported link is told."""

from __future__ import annotations

import pytest

from bot.fetch import LinkError, looks_like_link, read_link

HN_API = "https://hn.algolia.com/api/v1"


@pytest.mark.parametrize(
    ("url", "site", "api", "thread", "by_slug"),
    [
        ("https://news.ycombinator.com/item?id=42", "hn", HN_API, "42", False),
        ("https://hn.algolia.com/api/v1/items/42", "hn", HN_API, "42", False),
        ("https://old.reddit.com/r/self/comments/1cebxh/my_wife/", "reddit", "https://www.reddit.com", "1cebxh", False),
        ("https://www.reddit.com/comments/1CEBXH", "reddit", "https://www.reddit.com", "1cebxh", False),
        ("https://redd.it/1cebxh", "reddit", "https://www.reddit.com", "1cebxh", False),
        ("https://meta.discourse.org/t/some-topic/57/3", "discourse", "https://meta.discourse.org", "57", False),
        ("https://forum.example/t/57.json", "discourse", "https://forum.example", "57", False),
        ("https://essays.substack.com/p/tokenmaxxing?utm_source=x", "substack", "https://essays.substack.com",
         "tokenmaxxing", True),
        ("https://www.essays.example/p/tokenmaxxing", "substack", "https://www.essays.example", "tokenmaxxing", True),
        ("https://essays.example/api/v1/post/148392011/comments", "substack", "https://essays.example", "148392011",
         False),
        ("https://blog.example.org/?p=812", "wordpress", "https://blog.example.org", "812", False),
        ("https://blog.example.org/2025/01/20/more-tokens/", "wordpress", "https://blog.example.org", "more-tokens",
         True),
        ("https://blog.example.org/2025/01/caf%C3%A9-culture", "wordpress", "https://blog.example.org",
         "caf\u00e9-culture", True),
        ("https://blog.example.org/wp-json/wp/v2/comments?post=812&page=2", "wordpress", "https://blog.example.org",
         "812", False),
        ("https://social.example/@ren/103189005915505698", "mastodon", "https://social.example",
         "103189005915505698", False),
        ("https://social.example/users/ren/statuses/1031", "mastodon", "https://social.example", "1031", False),
        ("<https://news.ycombinator.com/item?id=42|a thread>", "hn", HN_API, "42", False),  # Slack's link markup
        ("<https://news.ycombinator.com/item?id=42>", "hn", HN_API, "42", False),  # Discord's no-preview link
    ],
)  # fmt: skip
def test_links_are_recognised(url: str, site: str, api: str, thread: str, by_slug: bool) -> None:
    link = read_link(url, HN_API)
    assert (link.site, link.api, link.thread, link.by_slug) == (site, api, thread, by_slug)


def test_keys_and_archive_names() -> None:
    assert read_link("https://news.ycombinator.com/item?id=42").key == "hn:42"
    assert read_link("https://meta.discourse.org/t/x/57").key == "discourse:meta.discourse.org:57"
    assert read_link("https://redd.it/1cebxh").archive_name == "reddit-1cebxh"


def test_an_unsupported_link_says_what_works_and_how_else_to_import() -> None:
    with pytest.raises(LinkError) as caught:
        read_link("https://example.com/some/page")
    assert "not a thread link of a site I know" in caught.value.message
    assert caught.value.hint is not None
    assert "Hacker News" in caught.value.hint and "Mastodon" in caught.value.hint
    assert "threadbot import FILE" in caught.value.hint


@pytest.mark.parametrize("url", ["ftp://news.ycombinator.com/item?id=1", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_web_links(url: str) -> None:
    with pytest.raises(LinkError, match="http:// and https:// links only"):
        read_link(url)


def test_what_the_command_line_takes_for_a_link() -> None:
    assert looks_like_link("https://x.example/t/1") and looks_like_link("<https://x.example/t/1>")
    assert not looks_like_link("thread.json") and not looks_like_link("./https-notes.txt")
