"""Fetching a whole thread from each site's public API and handing it to the importer that reads that shape.

The sites only fetch and assemble: they page, expand "load more" stubs and join the pieces into the document
the file importers already read (storage/importers), so a thread fetched from its link and the same thread
saved to a file become the same records. Each says whether it saw the whole thread (`complete`): only then may
a re-import delete what is no longer there.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from bot.fetch.client import Client, FetchError, Page
from bot.fetch.links import Link
from storage.importers import discourse, hn, json_format, mastodon, reddit, wp_json
from storage.importers.html_text import html_to_text
from storage.importers.records import EmptyThreadError, ImportFormatError, ParsedThread

REDDIT_MORE_BATCH = 100  # ids per morechildren call, the API's maximum
DISCOURSE_BATCH = 20  # post ids per /posts.json call, as Discourse's own client pages
WP_PER_PAGE = 100  # the REST API's maximum page size
MASTODON_PUBLIC_DESCENDANTS = 60  # what a context shows a client that is not logged in


@dataclass(slots=True)
class Fetched:
    """A thread as fetched: its records, its name across imports, whether it is whole, and what to tell."""

    thread: ParsedThread
    origin: str
    complete: bool = True
    notes: list[str] = field(default_factory=list)


def parsed(parser: Callable[[bytes, str], ParsedThread], data: bytes, page: Page) -> ParsedThread:
    """Run a file importer over fetched bytes; its refusal names the request it read. A thread with no comments
    (yet, or any more) is a thread: a live one being followed, or one whose comments were all deleted."""
    try:
        return parser(data, page.url)
    except EmptyThreadError as error:
        return error.thread
    except ImportFormatError as error:
        raise FetchError(f"{page.label}: {error}") from None


def _merge(into: ParsedThread, more: ParsedThread) -> None:
    """Records of a later response, each comment once (the first copy wins)."""
    have = {record.source_id for record in into.records}
    into.records.extend(record for record in more.records if record.source_id not in have)
    for reason, count in more.skipped.items():
        into.skipped[reason] = into.skipped.get(reason, 0) + count
    into.gone |= more.gone


def _dumps(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


async def hacker_news(client: Client, link: Link) -> Fetched:
    """The Algolia items API returns the whole tree in one answer."""
    _, page = await client.get_json(f"{link.api}/items/{link.thread}", "the item and its replies")
    return Fetched(parsed(hn.parse, page.body, page), origin=link.key)


def _reddit_stubs(things: object) -> Iterator[dict[str, Any]]:
    """Every "more" stub in a listing tree or a flat morechildren answer."""
    stack = list(things) if isinstance(things, list) else []
    while stack:
        thing = stack.pop()
        if not isinstance(thing, dict) or not isinstance(thing.get("data"), dict):
            continue
        if thing.get("kind") == "more":
            yield thing["data"]
            continue
        replies = thing["data"].get("replies")
        if isinstance(replies, dict) and isinstance(replies.get("data"), dict):
            stack.extend(replies["data"].get("children") or [])


def _reddit_pending(things: object, pending: list[str], branches: list[str]) -> None:
    """Add the ids behind a listing's "load more" stubs to `pending`, and the comments whose replies sit behind
    a "continue this thread" stub (no ids, only the parent) to `branches`."""
    for stub in _reddit_stubs(things):
        ids = [i for i in stub.get("children") or [] if isinstance(i, str)]
        pending.extend(ids)
        parent = stub.get("parent_id")
        if not ids and isinstance(parent, str) and parent.startswith("t1_"):
            branches.append(parent.removeprefix("t1_"))


async def reddit_thread(client: Client, link: Link) -> Fetched:
    """The post's comments, then "load more" stubs through /api/morechildren and "continue this thread" branches
    through the branch's own permalink (`/comments/<post>/_/<comment>.json`), within a bounded number of calls."""
    doc, page = await client.get_json(f"{link.api}/comments/{link.thread}.json", "the thread", [("limit", "500")])
    thread = parsed(reddit.parse, page.body, page)
    listings = doc if isinstance(doc, list) else []
    pending: list[str] = []
    branches: list[str] = []
    for listing in listings[1:2]:
        children = listing.get("data", {}).get("children") if isinstance(listing, dict) else None
        _reddit_pending(children, pending, branches)
    calls = unseen = 0
    bound = client.settings.fetch_reddit_more_calls
    while (pending or branches) and calls < bound and client.remaining_requests > 0:
        calls += 1
        if pending:
            batch, pending = pending[:REDDIT_MORE_BATCH], pending[REDDIT_MORE_BATCH:]
            params = [("api_type", "json"), ("link_id", f"t3_{link.thread}"), ("children", ",".join(batch)),
                      ("limit_children", "false")]  # fmt: skip
            more, more_page = await client.get_json(f"{link.api}/api/morechildren.json", "more comments", params)
            things = reddit.things_of(more) if isinstance(more, dict) else None
            if not isinstance(things, list):
                raise FetchError(f"{more_page.label}: not a morechildren answer (json.data.things is missing).")
            answered = {t["data"].get("id") for t in things if isinstance(t, dict) and isinstance(t.get("data"), dict)}
            unseen += sum(i not in answered for i in batch)  # asked for and not answered: not seen, not gone
        else:
            branch = branches.pop(0)
            more, more_page = await client.get_json(
                f"{link.api}/comments/{link.thread}/_/{branch}.json", "a nested branch", [("limit", "500")]
            )
            inner = more[1] if isinstance(more, list) and len(more) > 1 and isinstance(more[1], dict) else None
            things = inner.get("data", {}).get("children") if inner is not None else None
            if not isinstance(things, list):
                raise FetchError(f"{more_page.label}: not a Reddit thread answer (no comment listing).")
        _reddit_pending(things, pending, branches)
        if any(isinstance(t, dict) and t.get("kind") == "t1" for t in things):
            _merge(thread, parsed(reddit.parse, more_page.body, more_page))
    thread.skipped.pop("more_stub", None)  # stubs are not skipped comments; what was left is said below
    fetched = Fetched(thread, origin=link.key, complete=not pending and not branches and not unseen)
    if pending or branches:
        left = [f"{len(pending):,} comments behind \u201cload more\u201d links"] if pending else []
        left += [f"{len(branches):,} deeply nested branches (\u201ccontinue this thread\u201d)"] if branches else []
        fetched.notes.append(
            f"{' and '.join(left)} were not fetched: one import makes at most {bound} such calls "
            "(THREADBOT_FETCH_REDDIT_MORE_CALLS)."
        )
    if unseen:
        fetched.notes.append(f"Reddit did not return {unseen:,} comments it listed behind \u201cload more\u201d links.")
    return fetched


async def discourse_topic(client: Client, link: Link) -> Fetched:
    """The topic's first posts and its stream of every post id; the rest through /t/<id>/posts.json."""
    doc, page = await client.get_json(f"{link.api}/t/{link.thread}.json", "the topic")
    stream_box = doc.get("post_stream") if isinstance(doc, dict) else None
    if not isinstance(stream_box, dict) or not isinstance(stream_box.get("posts"), list):
        raise FetchError(f"{page.label}: not a Discourse topic (no post_stream.posts).")
    posts = {post.get("id"): post for post in stream_box["posts"] if isinstance(post, dict)}
    stream = [pid for pid in stream_box.get("stream") or posts if isinstance(pid, int)]
    missing = [pid for pid in stream if pid not in posts]
    for start in range(0, len(missing), DISCOURSE_BATCH):
        batch = missing[start : start + DISCOURSE_BATCH]
        more, more_page = await client.get_json(
            f"{link.api}/t/{link.thread}/posts.json", "more posts", [("post_ids[]", str(pid)) for pid in batch]
        )
        box = more.get("post_stream") if isinstance(more, dict) else None
        if not isinstance(box, dict) or not isinstance(box.get("posts"), list):
            raise FetchError(f"{more_page.label}: not a Discourse posts answer (no post_stream.posts).")
        posts.update((post.get("id"), post) for post in box["posts"] if isinstance(post, dict))
    whole = dict(doc, post_stream=dict(stream_box, posts=[posts[pid] for pid in stream if pid in posts]))
    thread = parsed(lambda data, name: discourse.parse(data, name, base_url=link.api), _dumps(whole), page)
    return Fetched(thread, origin=link.key, complete=all(pid in posts for pid in stream))


async def substack_post(client: Client, link: Link) -> Fetched:
    """The post (for its id, title and address), then its comments, nested, in one answer."""
    post: dict[str, Any] = {}
    post_id = link.thread
    if link.by_slug:
        found, page = await client.get_json(f"{link.api}/api/v1/posts/{link.thread}", "the post")
        if not isinstance(found, dict) or not isinstance(found.get("id"), int):
            raise FetchError(f"{page.label}: not a Substack post (no id).")
        post, post_id = found, str(found["id"])
    params = [("token", ""), ("all_comments", "true"), ("sort", "oldest_first")]
    doc, page = await client.get_json(f"{link.api}/api/v1/post/{post_id}/comments", "the comments", params)
    comments = doc.get("comments") if isinstance(doc, dict) else None
    if not isinstance(comments, list):
        raise FetchError(f"{page.label}: not Substack comments (no comments list).")
    address = post.get("canonical_url") or f"{link.api}/p/{link.thread}"
    whole = {"title": post.get("title"), "url": address, "comments": comments}
    thread = parsed(json_format.parse, _dumps(whole), page)
    thread.records = [replace(r, url=r.url or f"{address}/comment/{r.source_id}") for r in thread.records]
    deleted = {str(c.get("id")) for c in _substack_comments(comments) if c.get("deleted")}
    thread.gone |= deleted
    moved = min(thread.skipped.get("empty", 0), len(deleted))  # a deleted comment stays in the tree, bodiless
    if moved:
        thread.skipped["deleted"] = moved
        thread.skipped["empty"] -= moved
        if not thread.skipped["empty"]:
            del thread.skipped["empty"]
    whole_tree = all(
        not isinstance(c.get("children_count"), int) or c["children_count"] <= len(c.get("children") or [])
        for c in _substack_comments(comments)
    )
    fetched = Fetched(thread, origin=f"substack:{link.host}:{post_id}", complete=whole_tree)
    if not fetched.complete:
        fetched.notes.append("Substack left some replies out of its answer; they were not imported.")
    return fetched


def _substack_comments(comments: list[Any]) -> Iterator[dict[str, Any]]:
    """Every comment of a nested Substack answer (a comment with fewer `children` than its `children_count`
    says was cut short by the site)."""
    stack = list(comments)
    while stack:
        comment = stack.pop()
        if isinstance(comment, dict):
            yield comment
            children = comment.get("children")
            stack.extend(children if isinstance(children, list) else [])


async def wordpress_post(client: Client, link: Link) -> Fetched:
    """The post (found by its slug when the link gives no id), then every page of its comments."""
    if link.by_slug:
        found, lookup = await client.get_json(f"{link.api}/wp-json/wp/v2/posts", "the post", [("slug", link.thread)])
        if not isinstance(found, list) or not found or not isinstance(found[0], dict):
            raise FetchError(f"{lookup.label}: the site has no post with the address `{link.thread}`.")
        post: Any = found[0]
    else:
        post, _ = await client.get_json(f"{link.api}/wp-json/wp/v2/posts/{link.thread}", "the post")
    post_id = str(post.get("id", link.thread)) if isinstance(post, dict) else link.thread
    comments: list[Any] = []
    pages, number = 1, 0
    last: Page | None = None
    while number < pages:
        number += 1
        params = [("post", post_id), ("per_page", str(WP_PER_PAGE)), ("page", str(number)),
                  ("orderby", "id"), ("order", "asc")]  # fmt: skip
        batch, last = await client.get_json(f"{link.api}/wp-json/wp/v2/comments", f"comments page {number}", params)
        if not isinstance(batch, list):
            raise FetchError(f"{last.label}: not a list of WordPress comments.")
        comments.extend(batch)
        total = last.headers.get("X-WP-TotalPages", "1")
        pages = int(total) if total.isdigit() else 1
        if not batch:
            break
    assert last is not None
    thread = parsed(wp_json.parse, _dumps(comments), last)
    title = post.get("title") if isinstance(post, dict) else None
    if isinstance(title, dict) and isinstance(title.get("rendered"), str):
        thread.title = html_to_text(title["rendered"]) or None
    if isinstance(post, dict) and isinstance(post.get("link"), str):
        thread.url = post["link"]
    return Fetched(thread, origin=f"wordpress:{link.host}:{post_id}")


async def mastodon_status(client: Client, link: Link) -> Fetched:
    """The status and its context; the thread is its ancestors, itself and its descendants."""
    status, _ = await client.get_json(f"{link.api}/api/v1/statuses/{link.thread}", "the status")
    context, page = await client.get_json(f"{link.api}/api/v1/statuses/{link.thread}/context", "its context")
    statuses = mastodon.statuses_of(context) if isinstance(context, dict) else None
    if statuses is None:
        raise FetchError(f"{page.label}: not a Mastodon context (no ancestors and descendants).")
    ancestors = context["ancestors"]
    descendants = context["descendants"]
    thread = parsed(mastodon.parse, _dumps([*ancestors, status, *descendants]), page)
    fetched = Fetched(thread, origin=link.key)
    if len(descendants) >= MASTODON_PUBLIC_DESCENDANTS:
        fetched.complete = False
        fetched.notes.append(
            f"Mastodon shows at most {MASTODON_PUBLIC_DESCENDANTS} replies to visitors who are not logged in; "
            "later replies may be missing."
        )
    return fetched


SITES: dict[str, Callable[[Client, Link], Awaitable[Fetched]]] = {
    "hn": hacker_news,
    "reddit": reddit_thread,
    "discourse": discourse_topic,
    "substack": substack_post,
    "wordpress": wordpress_post,
    "mastodon": mastodon_status,
}
