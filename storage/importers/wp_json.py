"""WordPress comments as its REST API returns them: `/wp-json/wp/v2/comments?post=<id>`, a list per page.

A link import (bot/fetch) joins the pages into one list. `content.rendered` is HTML, converted to text;
`parent` 0 is a comment on the post itself; pingbacks and trackbacks are links, not people's words, and are
skipped, as is anything not approved (the API shows the public only approved comments anyway).
"""

from __future__ import annotations

from typing import Any

from storage.importers.common import IdRegistry, finish, load_json, plain_id, to_iso
from storage.importers.html_text import html_to_text
from storage.importers.records import CommentRecord, ImportFormatError, ParsedThread


def is_comment(item: object) -> bool:
    """A comment as the REST API serialises one: a post id and `content.rendered`."""
    return (
        isinstance(item, dict)
        and "post" in item
        and isinstance(item.get("content"), dict)
        and "rendered" in item["content"]
    )


def _date(comment: dict[str, Any]) -> object:
    """`date_gmt` is UTC written without an offset; `date` is the site's local time."""
    gmt = comment.get("date_gmt")
    if isinstance(gmt, str) and gmt and "+" not in gmt and not gmt.endswith("Z"):
        return gmt + "+00:00"
    return gmt or comment.get("date")


def _record(comment: dict[str, Any], thread: ParsedThread, ids: IdRegistry) -> CommentRecord | None:
    comment_id = plain_id(comment.get("id"))
    if comment_id is None:
        thread.skip("malformed")
        return None
    kind = comment.get("type")
    if isinstance(kind, str) and kind not in ("comment", ""):
        thread.skip(kind)  # pingback, trackback
        return None
    if comment.get("status", "approved") != "approved":
        thread.skip("unapproved")
        return None
    rendered = comment["content"].get("rendered")
    text = html_to_text(rendered) if isinstance(rendered, str) else ""
    if not text:
        thread.skip("empty")
        return None
    parent = plain_id(comment.get("parent"))
    author = comment.get("author_name")
    link = comment.get("link")
    return CommentRecord(
        source_id=ids.claim(comment_id),
        text=text,
        parent_id=None if parent in (None, "0") else parent,
        author=author.strip() if isinstance(author, str) and author.strip() else None,
        created_at=to_iso(_date(comment), thread),
        url=link if isinstance(link, str) and link else None,
    )


def parse(data: bytes, name: str) -> ParsedThread:
    """Comments of a WordPress REST API response (one page or several joined), in the order given."""
    doc = load_json(data, name, "WordPress JSON")
    if not isinstance(doc, list) or not all(is_comment(item) for item in doc):
        raise ImportFormatError(
            f"{name}: not WordPress comments: expected the list /wp-json/wp/v2/comments returns "
            "(objects with id, post, parent and content.rendered)"
        )
    thread = ParsedThread(format="wp-json")
    ids = IdRegistry()
    for comment in doc:
        record = _record(comment, thread, ids)
        if record is not None:
            thread.records.append(record)
    return finish(thread, name)
