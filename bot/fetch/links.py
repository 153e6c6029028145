"""Which site a pasted link is, and where its API lives: `read_link(text)` turns a thread's address into a `Link`.

Sites are recognised by their address forms, not by trying requests against an unknown host: Hacker News and
Reddit by host, and the software anyone can host (Discourse, Substack custom domains, WordPress, Mastodon) by
the paths it gives its threads. Anything else is refused with the forms that work and the file-import way out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from bot.errors import UserFacingError
from storage.naming import archive_name_from

SUPPORTED = (
    "Hacker News (news.ycombinator.com/item?id=…), Reddit (reddit.com/r/…/comments/…), "
    "Discourse (…/t/<topic>/<id>), Substack (…/p/<post>), WordPress (…/?p=<id>, "
    "…/<year>/<month>/<post>/ or …/wp-json/wp/v2/comments?post=<id>) and Mastodon (…/@<user>/<id>)"
)
EXPORT_HINT = (
    "For other sites, export the comments to a file (JSON, CSV, Disqus or WordPress export) and import it "
    "with `threadbot import FILE`."
)
_REDDIT_HOSTS = ("reddit.com", "redd.it")
_REDDIT_THREAD = re.compile(r"^/r/[^/]+/comments/([a-z0-9]+)(?:/|$)", re.IGNORECASE)
_REDDIT_SHORT = re.compile(r"^/comments/([a-z0-9]+)(?:/|$)", re.IGNORECASE)
_HN_ITEMS = re.compile(r"^(.*/api/v1)/items/(\d+)/?$")
_DISCOURSE = re.compile(r"^/t/(?:([^/]+)/)?(\d+)(?:/\d+)?(?:\.json)?/?$")
_SUBSTACK_PAGE = re.compile(r"^/p/([\w-]+)/?")
_SUBSTACK_API_POST = re.compile(r"^/api/v1/posts/([\w-]+)/?$")
_SUBSTACK_API_COMMENTS = re.compile(r"^/api/v1/post/(\d+)/comments/?$")
_MASTODON = re.compile(r"^/(?:@[^/]+|users/[^/]+/statuses|api/v1/statuses)/(\d+)(?:/context)?/?$")
_WP_COMMENTS = re.compile(r"^/wp-json/wp/v2/comments/?$")
_WP_POST = re.compile(r"^/wp-json/wp/v2/posts/(\d+)/?$")
_WP_DATED = re.compile(r"^/\d{4}/\d{2}/(?:\d{2}/)?([\w%-]+)/?$")
_WRAPPED = re.compile(r"^<([^>|]+)(?:\|[^>]*)?>$")  # Slack's <url|label>, Discord's <url> (no preview)


class LinkError(UserFacingError):
    """A link threadbot cannot import (not http(s), no supported site, a private address)."""


@dataclass(frozen=True, slots=True)
class Link:
    """A thread's address and how to reach it: the site, its API's base address and the thread's id there."""

    site: str
    """hn, reddit, discourse, substack, wordpress or mastodon."""
    url: str
    """The link as given (cleaned of chat markup)."""
    api: str
    """Base address of the API calls: `https://host[:port]` (for HN, the Algolia API base)."""
    thread: str
    """The site's id of the thread (or a post's slug, when the link gives no id)."""
    by_slug: bool = False

    @property
    def host(self) -> str:
        """The API's host and port, as the thread's key names it."""
        return urlsplit(self.api).netloc.lower()

    @property
    def hostname(self) -> str:
        """The API's host name or address alone (no port, no brackets)."""
        return urlsplit(self.api).hostname or ""

    @property
    def key(self) -> str:
        """The thread's name across runs (a follow, a running import): the site, its host and the thread."""
        if self.site in ("hn", "reddit"):
            return f"{self.site}:{self.thread}"
        return f"{self.site}:{self.host}:{self.thread}"

    @property
    def archive_name(self) -> str:
        """The archive a link imports into when none is named: `hn-17`, `reddit-1cebxh`, ..."""
        return archive_name_from(f"{self.site}-{self.thread}")


def clean(text: str) -> str:
    """The link itself from what a chat sends: angle brackets and a Slack label removed."""
    text = text.strip()
    wrapped = _WRAPPED.match(text)
    return wrapped.group(1).strip() if wrapped else text


def looks_like_link(text: str) -> bool:
    """Whether a command-line argument is meant as a link rather than a file."""
    return bool(re.match(r"^<?[a-z][a-z0-9+.-]*://", text.strip(), re.IGNORECASE))


def read_link(text: str, hn_api: str = "https://hn.algolia.com/api/v1") -> Link:
    """The `Link` a pasted address stands for, or LinkError saying what is supported."""
    url = clean(text)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise LinkError(
            f"`{url[:200]}` is not a web link: threadbot imports http:// and https:// links only.",
            hint=f"Paste the thread's address as your browser shows it. {EXPORT_HINT}",
        )
    host = parts.hostname.lower()
    base = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    path = parts.path or "/"
    query = parse_qs(parts.query)
    bare = host.removeprefix("www.")
    site = _hacker_news(bare, path, query, base, hn_api) or _reddit(bare, path, base)
    site = site or _hosted(path, query, base)
    if site is None:
        raise LinkError(
            f"I can't import `{url[:200]}`: it is not a thread link of a site I know.",
            hint=f"Supported: {SUPPORTED}. {EXPORT_HINT}",
        )
    return Link(site=site[0], url=url, api=site[1], thread=site[2], by_slug=site[3])


Found = tuple[str, str, str, bool]


def _hacker_news(host: str, path: str, query: dict[str, list[str]], base: str, hn_api: str) -> Found | None:
    if host == "news.ycombinator.com" and path.rstrip("/") == "/item":
        item = query.get("id", [""])[0]
        if item.isdigit():
            return "hn", hn_api.rstrip("/"), item, False
    items = _HN_ITEMS.match(path)
    if items:
        return "hn", base + items.group(1), items.group(2), False
    return None


def _reddit(host: str, path: str, base: str) -> Found | None:
    on_reddit = host in _REDDIT_HOSTS or host.endswith(".reddit.com")
    found = _REDDIT_THREAD.match(path) or (_REDDIT_SHORT.match(path) if on_reddit else None)
    if host == "redd.it":
        found = re.match(r"^/([a-z0-9]+)/?$", path, re.IGNORECASE)
    if not found:
        return None
    api = "https://www.reddit.com" if on_reddit else base  # old., np., m.: the same JSON on www
    return "reddit", api, found.group(1).lower(), False


def _hosted(path: str, query: dict[str, list[str]], base: str) -> Found | None:
    """Sites anyone can host, recognised by their paths."""
    if found := _MASTODON.match(path):
        return "mastodon", base, found.group(1), False
    if found := _DISCOURSE.match(path):
        return "discourse", base, found.group(2), False
    if found := _SUBSTACK_API_COMMENTS.match(path):
        return "substack", base, found.group(1), False
    if found := _SUBSTACK_API_POST.match(path) or _SUBSTACK_PAGE.match(path):
        return "substack", base, found.group(1), True
    post = query.get("post", [""])[0] if _WP_COMMENTS.match(path) else query.get("p", [""])[0]
    if post.isdigit():
        return "wordpress", base, post, False
    if found := _WP_POST.match(path):
        return "wordpress", base, found.group(1), False
    if found := _WP_DATED.match(path):
        return "wordpress", base, unquote(found.group(1)), True  # the API is asked with the slug itself
    return None
