"""Hacker News, as the Algolia API returns it: `items/<id>` (a nested tree) or a `search` response (hits).

HN keeps deleted comments in the tree with a null text so their replies stay attached; they are skipped and
counted, and their replies still point at them. A story is a comment only when it has text (Ask HN).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from storage.importers.common import IdRegistry, finish, load_json, plain_id, to_iso
from storage.importers.html_text import html_to_text
from storage.importers.records import CommentRecord, ImportFormatError, ParsedThread

ITEM_URL = "https://news.ycombinator.com/item?id={}"


def _record(
    item: dict[str, Any],
    text_key: str,
    id_key: str,
    story_id: str | None,
    thread: ParsedThread,
    ids: IdRegistry,
) -> CommentRecord | None:
    """One item as a record, or None after counting why it was skipped."""
    item_id = plain_id(item.get(id_key))
    kind = item.get("type")
    markup = item.get(text_key)
    if item_id is None:
        thread.skip("malformed")
        return None
    if item_id == story_id and not markup:
        thread.skip("story_without_text")
        return None
    if kind == "pollopt":
        thread.skip("poll_option")
        return None
    if markup is None or not isinstance(markup, str):
        thread.skip("deleted", item_id)
        return None
    text = html_to_text(markup)
    if not text:
        thread.skip("empty")
        return None
    parent = plain_id(item.get("parent_id"))
    author = item.get("author")
    return CommentRecord(
        source_id=ids.claim(item_id),
        text=text,
        parent_id=parent,
        author=author if isinstance(author, str) and author else None,
        created_at=to_iso(item.get("created_at_i") or item.get("created_at"), thread),
        url=ITEM_URL.format(item_id),
    )


def _tree(root: dict[str, Any], thread: ParsedThread) -> None:
    """An `items/<id>` tree, depth first, so every reply follows the comment it answers."""
    root_id = plain_id(root.get("id"))
    story_id = root_id if root.get("type") == "story" else plain_id(root.get("story_id"))
    if root.get("type") == "story" and isinstance(root.get("title"), str):
        thread.title = root["title"]
    thread.url = ITEM_URL.format(root_id)
    ids = IdRegistry()
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            thread.skip("malformed")
            continue
        record = _record(item, "text", "id", story_id, thread, ids)
        if record is not None:
            thread.records.append(record)
        children = item.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))


def _hits(hits: list[Any], thread: ParsedThread) -> None:
    """A flat search response, e.g. `search?tags=comment,story_<id>`."""
    ids = IdRegistry()
    for hit in hits:
        if not isinstance(hit, dict):
            thread.skip("malformed")
            continue
        tags = hit.get("_tags")
        is_story = isinstance(tags, list) and "story" in tags
        story_id = plain_id(hit.get("story_id"))
        if thread.title is None and isinstance(hit.get("story_title") or hit.get("title"), str):
            thread.title = hit.get("story_title") or hit.get("title")
            thread.url = ITEM_URL.format(story_id) if story_id else None
        if is_story:
            record = _record(hit, "story_text", "objectID", plain_id(hit.get("objectID")), thread, ids)
        else:
            record = _record(hit, "comment_text", "objectID", story_id, thread, ids)
        if record is not None:
            thread.records.append(record)


def _detach_from_missing_story(thread: ParsedThread, story_id: str | None) -> None:
    """Top-level comments answer the story; when the story is not a record they answer the thread itself."""
    present = {record.source_id for record in thread.records}
    if story_id is None or story_id in present:
        return
    thread.records = [
        replace(record, parent_id=None) if record.parent_id == story_id else record
        for record in thread.records
    ]


def parse(data: bytes, name: str) -> ParsedThread:
    """Comments of an HN Algolia item tree or search response; HTML bodies become plain text."""
    doc = load_json(data, name, "HN JSON")
    thread = ParsedThread(format="hn")
    if isinstance(doc, dict) and isinstance(doc.get("hits"), list):
        _hits(doc["hits"], thread)
        story_ids = {plain_id(hit.get("story_id")) for hit in doc["hits"] if isinstance(hit, dict)}
        for story_id in story_ids:
            _detach_from_missing_story(thread, story_id)
    elif isinstance(doc, dict) and plain_id(doc.get("id")) is not None:
        _tree(doc, thread)
        story_id = plain_id(doc.get("id")) if doc.get("type") == "story" else plain_id(doc.get("story_id"))
        _detach_from_missing_story(thread, story_id)
    else:
        raise ImportFormatError(
            f"{name}: not a Hacker News item: expected an Algolia items/<id> object (id, text, children) "
            "or a search response with hits"
        )
    return finish(thread, name)
