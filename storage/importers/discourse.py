"""Discourse, as `/t/<id>.json` returns it (`post_stream.posts`), or `/posts.json` (`latest_posts`).

Posts carry rendered HTML (`cooked`), converted to plain text. Replies name the post *number* they answer,
so numbers are mapped to post ids within each topic. Moderator notices, small actions ("closed this topic")
and whispers are not people's words in the thread; they are skipped and counted like deleted posts.
"""

from __future__ import annotations

from typing import Any

from storage.importers.common import IdRegistry, busiest, finish, load_json, plain_id, to_iso
from storage.importers.html_text import html_to_text
from storage.importers.records import CommentRecord, ImportFormatError, ParsedThread

_POST_TYPES = {2: "moderator_action", 3: "small_action", 4: "whisper"}
_GONE_REASONS = frozenset({"deleted", "hidden"})  # a post that was people's words and no longer shows


def _posts(doc: object) -> list[Any] | None:
    if isinstance(doc, dict):
        stream = doc.get("post_stream")
        if isinstance(stream, dict) and isinstance(stream.get("posts"), list):
            posts: list[Any] = stream["posts"]
            return posts
        if isinstance(doc.get("latest_posts"), list):
            latest: list[Any] = doc["latest_posts"]
            return latest
    return None


def _skip_reason(post: dict[str, Any]) -> str | None:
    if post.get("deleted_at") or post.get("user_deleted"):
        return "deleted"
    if post.get("hidden"):
        return "hidden"
    post_type = post.get("post_type")
    return _POST_TYPES.get(post_type) if isinstance(post_type, int) else None


def _topic_path(slug: object, topic_id: str | None) -> str | None:
    if topic_id is None:
        return None
    return f"/t/{slug}/{topic_id}" if isinstance(slug, str) and slug else f"/t/{topic_id}"


def parse(data: bytes, name: str, *, base_url: str | None = None) -> ParsedThread:
    """Posts of a Discourse topic; urls are relative (/t/slug/id/number) unless `base_url` names the forum."""
    doc = load_json(data, name, "Discourse JSON")
    posts = _posts(doc)
    if posts is None:
        raise ImportFormatError(
            f"{name}: not a Discourse topic: expected an object with post_stream.posts (/t/<id>.json) "
            "or latest_posts (/posts.json)"
        )
    topic: dict[str, Any] = doc
    site = base_url.rstrip("/") if base_url else ""
    thread = ParsedThread(format="discourse")
    ids = IdRegistry()
    number_to_id: dict[tuple[str | None, int], str] = {}
    titles: dict[str, tuple[str | None, str | None]] = {}
    per_topic: dict[str, int] = {}
    kept: list[tuple[dict[str, Any], str, str | None]] = []
    for post in posts:
        post_id = plain_id(post.get("id")) if isinstance(post, dict) else None
        if not isinstance(post, dict) or post_id is None:
            thread.skip("malformed")
            continue
        topic_id = plain_id(post.get("topic_id")) or plain_id(topic.get("id"))
        number = post.get("post_number")
        if isinstance(number, int):
            number_to_id.setdefault((topic_id, number), post_id)
        reason = _skip_reason(post)
        if reason is None and not isinstance(post.get("cooked"), str):
            reason = "malformed"
        if reason is not None:
            thread.skip(reason, post_id if reason in _GONE_REASONS else None)
            continue
        kept.append((post, post_id, topic_id))
    for post, post_id, topic_id in kept:
        text = html_to_text(post["cooked"])
        if not text:
            thread.skip("empty")
            continue
        slug = post.get("topic_slug") or topic.get("slug")
        path = _topic_path(slug, topic_id)
        key = topic_id or ""
        title = post.get("topic_title") or topic.get("title")
        titles.setdefault(key, (title if isinstance(title, str) else None, site + path if path else None))
        per_topic[key] = per_topic.get(key, 0) + 1
        number, reply_to = post.get("post_number"), post.get("reply_to_post_number")
        author = post.get("username")
        thread.records.append(
            CommentRecord(
                source_id=ids.claim(post_id, key),
                text=text,
                parent_id=number_to_id.get((topic_id, reply_to)) if isinstance(reply_to, int) else None,
                author=author if isinstance(author, str) and author else None,
                created_at=to_iso(post.get("created_at"), thread),
                url=f"{site}{path}/{number}" if path and isinstance(number, int) else None,
            )
        )
    main = busiest(per_topic)
    if main is not None:
        thread.title, thread.url = titles[main]
    return finish(thread, name)
