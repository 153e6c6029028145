"""Mastodon, as `/api/v1/statuses/<id>/context` returns it (`ancestors` and `descendants`), or a list of statuses.

The context leaves out the status it was asked for; a link import (bot/fetch) puts that one between its
ancestors and descendants and hands the list here. Content is HTML, converted to text; a content warning stays
in front of the words it hides; a boost is not anyone's words in the thread and is skipped.
"""

from __future__ import annotations

from typing import Any

from storage.importers.common import IdRegistry, finish, load_json, plain_id, to_iso
from storage.importers.html_text import html_to_text
from storage.importers.records import CommentRecord, ImportFormatError, ParsedThread

CONTEXT_KEYS = ("ancestors", "descendants")


def is_status(item: object) -> bool:
    """A Mastodon Status entity: an id, HTML `content` and the `account` that wrote it."""
    return isinstance(item, dict) and "id" in item and isinstance(item.get("content"), str) and (
        isinstance(item.get("account"), dict)
    )


def statuses_of(doc: object) -> list[Any] | None:
    """The statuses of a context object (ancestors first) or of a plain list; None for anything else."""
    if isinstance(doc, dict) and all(isinstance(doc.get(key), list) for key in CONTEXT_KEYS):
        return [item for key in CONTEXT_KEYS for item in doc[key]]
    if isinstance(doc, list):
        return doc
    return None


def _author(account: object) -> str | None:
    if not isinstance(account, dict):
        return None
    for key in ("acct", "username", "display_name"):
        value = account.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _record(status: dict[str, Any], thread: ParsedThread, ids: IdRegistry) -> CommentRecord | None:
    status_id = plain_id(status.get("id"))
    if status_id is None or not isinstance(status.get("content"), str):
        thread.skip("malformed")
        return None
    if status.get("reblog"):
        thread.skip("boost")
        return None
    text = html_to_text(status["content"])
    warning = status.get("spoiler_text")
    if isinstance(warning, str) and warning.strip() and text:
        text = f"CW: {warning.strip()}\n\n{text}"
    if not text:
        thread.skip("empty")
        return None
    url = status.get("url") or status.get("uri")
    return CommentRecord(
        source_id=ids.claim(status_id),
        text=text,
        parent_id=plain_id(status.get("in_reply_to_id")),
        author=_author(status.get("account")),
        created_at=to_iso(status.get("created_at"), thread),
        url=url if isinstance(url, str) and url else None,
    )


def parse(data: bytes, name: str) -> ParsedThread:
    """Statuses of a Mastodon thread in reading order; the first one with a link names the thread."""
    statuses = statuses_of(load_json(data, name, "Mastodon JSON"))
    if statuses is None:
        raise ImportFormatError(
            f"{name}: not a Mastodon thread: expected the context object /api/v1/statuses/<id>/context returns "
            "(ancestors and descendants) or a list of statuses"
        )
    thread = ParsedThread(format="mastodon")
    ids = IdRegistry()
    for status in statuses:
        if not isinstance(status, dict):
            thread.skip("malformed")
            continue
        record = _record(status, thread, ids)
        if record is None:
            continue
        if not thread.records:
            thread.url = record.url
            thread.title = f"Mastodon thread by {record.author}" if record.author else "Mastodon thread"
        thread.records.append(record)
    return finish(thread, name)
