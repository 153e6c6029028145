"""Reddit, as `/comments/<id>.json` returns it: a list of two Listings, the post and its comment tree.

Also reads a single comments Listing and a `/api/morechildren` response (flat `json.data.things`), so a
thread saved in pieces can be imported piece by piece. "Load more" stubs are not comments; they are counted.
"""

from __future__ import annotations

from typing import Any

from storage.importers.common import IdRegistry, finish, load_json, plain_id, to_iso
from storage.importers.records import CommentRecord, ImportFormatError, ParsedThread

SITE = "https://www.reddit.com"
_GONE = {"[deleted]": "deleted", "[removed]": "removed"}


def unescape_body(body: str) -> str:
    """Reddit's JSON escapes exactly &, < and > in markdown bodies; anything else was typed by the user."""
    return body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _parent(value: object) -> str | None:
    """`t1_x` answers comment x; `t3_x` answers the post itself, which is the thread, not a comment."""
    if not isinstance(value, str) or not value:
        return None
    kind, _, rest = value.partition("_")
    if kind == "t3":
        return None
    return rest if kind == "t1" and rest else value


def _permalink(data: dict[str, Any], comment_id: str, post_permalink: str | None) -> str | None:
    """Older responses omit a comment's permalink; the post's permalink plus the id, or the short form, works."""
    permalink = data.get("permalink")
    if isinstance(permalink, str) and permalink.startswith("/"):
        return SITE + permalink
    if post_permalink:
        return f"{SITE}{post_permalink.rstrip('/')}/{comment_id}/"
    subreddit, link = data.get("subreddit"), data.get("link_id")
    if isinstance(subreddit, str) and isinstance(link, str) and link.startswith("t3_"):
        return f"{SITE}/r/{subreddit}/comments/{link[3:]}/comment/{comment_id}/"
    return None


def _record(
    data: dict[str, Any], thread: ParsedThread, ids: IdRegistry, post_permalink: str | None
) -> CommentRecord | None:
    name = data.get("name")
    comment_id = plain_id(data.get("id")) or (name.removeprefix("t1_") if isinstance(name, str) else None)
    body = data.get("body")
    if comment_id is None or not isinstance(body, str):
        thread.skip("malformed")
        return None
    if body.strip() in _GONE:
        thread.skip(_GONE[body.strip()], comment_id)
        return None
    text = unescape_body(body).strip()
    if not text:
        thread.skip("empty")
        return None
    author = data.get("author")
    return CommentRecord(
        source_id=ids.claim(comment_id),
        text=text,
        parent_id=_parent(data.get("parent_id")),
        author=author if isinstance(author, str) and author and author != "[deleted]" else None,
        created_at=to_iso(data.get("created_utc"), thread),
        url=_permalink(data, comment_id, post_permalink),
    )


def _children(listing: object) -> list[Any]:
    if isinstance(listing, dict) and isinstance(listing.get("data"), dict):
        children = listing["data"].get("children")
        if isinstance(children, list):
            return children
    return []


def _walk(things: list[Any], thread: ParsedThread, post_permalink: str | None = None) -> None:
    """Depth first through `replies` (a Listing, or "" when there are none), without recursion."""
    ids = IdRegistry()
    stack = list(reversed(things))
    while stack:
        thing = stack.pop()
        kind = thing.get("kind") if isinstance(thing, dict) else None
        data = thing.get("data") if isinstance(thing, dict) else None
        if kind == "more":
            thread.skip("more_stub")
            continue
        if kind != "t1" or not isinstance(data, dict):
            thread.skip("malformed")
            continue
        record = _record(data, thread, ids, post_permalink)
        if record is not None:
            thread.records.append(record)
        stack.extend(reversed(_children(data.get("replies"))))


def _post(listing: object) -> dict[str, Any] | None:
    """The post (`t3`) a Listing holds, if it is the post listing."""
    for thing in _children(listing):
        if isinstance(thing, dict) and thing.get("kind") == "t3" and isinstance(thing.get("data"), dict):
            post: dict[str, Any] = thing["data"]
            return post
    return None


def things_of(doc: dict[str, Any]) -> object:
    """`things` of a morechildren response: {"json": {"data": {"things": [...]}}}."""
    inner = doc.get("json")
    payload = inner.get("data") if isinstance(inner, dict) else None
    return payload.get("things") if isinstance(payload, dict) else None


def parse(data: bytes, name: str) -> ParsedThread:
    """Comments of a Reddit thread response, depth first; the post gives the title but is not a comment."""
    doc = load_json(data, name, "Reddit JSON")
    thread = ParsedThread(format="reddit")
    if isinstance(doc, dict) and doc.get("kind") == "Listing":
        doc = [doc]
    listings = (
        [i for i in doc if isinstance(i, dict) and i.get("kind") == "Listing"]
        if isinstance(doc, list)
        else []
    )
    if listings:
        post = _post(listings[0])
        if post is None:  # no post listing: the first listing holds the comments
            _walk(_children(listings[0]), thread)
        else:
            title, permalink = post.get("title"), post.get("permalink")
            thread.title = title if isinstance(title, str) else None
            permalink = permalink if isinstance(permalink, str) and permalink.startswith("/") else None
            thread.url = SITE + permalink if permalink else None
            for listing in listings[1:2]:
                _walk(_children(listing), thread, permalink)
    elif isinstance(doc, dict) and isinstance(things := things_of(doc), list):
        _walk(things, thread)
    else:
        raise ImportFormatError(
            f"{name}: not a Reddit comments response: expected the list of two Listings (post and comments) "
            "that /comments/<id>.json returns"
        )
    return finish(thread, name)
