"""WordPress export (WXR): RSS whose <item>s (posts) hold <wp:comment>s.

Only approved comments are imported; pending, spam and trashed ones, and pingbacks/trackbacks (which are
links from other sites, not words from people) are skipped and counted. WordPress stores comments as text
with bare line breaks and a few tags, so line breaks are kept.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from storage.importers.common import IdRegistry, busiest, finish, text_id, to_iso
from storage.importers.html_text import html_to_text
from storage.importers.records import CommentRecord, ImportFormatError, ParsedThread
from storage.importers.xml_safe import child_text, local_name, namespace, parse_xml

WP_NAMESPACE = "http://wordpress.org/export/"  # followed by the version: 1.0/, 1.1/, 1.2/
_NOT_APPROVED = {"0": "unapproved", "spam": "spam", "trash": "trash", "post-trashed": "trash"}
_NOT_COMMENTS = frozenset({"pingback", "trackback"})
_ZERO_DATE = "0000-00-00 00:00:00"


def _wp_children(element: ET.Element, local: str) -> list[ET.Element]:
    return [
        child
        for child in element
        if local_name(child.tag) == local and namespace(child.tag).startswith(WP_NAMESPACE)
    ]


def _wp(element: ET.Element, local: str) -> str:
    """Text of a wp: child whatever the export version, stripped; "" when absent."""
    found = _wp_children(element, local)
    return "".join(found[0].itertext()).strip() if found else ""


def _date(comment: ET.Element, thread: ParsedThread) -> str | None:
    """GMT date when WordPress recorded one; otherwise the site's local time, which has no zone."""
    gmt = _wp(comment, "comment_date_gmt")
    if gmt and gmt != _ZERO_DATE:
        return to_iso(gmt.replace(" ", "T") + "+00:00", thread)
    local = _wp(comment, "comment_date")
    return to_iso(local, thread) if local and local != _ZERO_DATE else None


def parse(data: bytes, name: str) -> ParsedThread:
    """Approved comments of every post in a WXR file; the post with most comments names the import."""
    root = parse_xml(data, name)
    channel = root.find("channel")
    if local_name(root.tag) != "rss" or channel is None:
        raise ImportFormatError(f"{name}: not a WordPress export: expected <rss> with a <channel> of <item>s")
    thread = ParsedThread(format="wxr")
    ids = IdRegistry()
    headers: dict[str, tuple[str | None, str | None]] = {}
    per_item: dict[str, int] = {}
    for index, item in enumerate(channel.findall("item"), 1):
        scope = _wp(item, "post_id") or f"item{index}"
        link = child_text(item, "link").strip() or None
        headers[scope] = (child_text(item, "title").strip() or None, link)
        local_ids: dict[str, str] = {}
        pending: list[tuple[CommentRecord, str]] = []
        for comment in _wp_children(item, "comment"):
            approved = _wp(comment, "comment_approved")
            kind = _wp(comment, "comment_type")
            if approved != "1":
                thread.skip(_NOT_APPROVED.get(approved, "unapproved"))
                continue
            if kind in _NOT_COMMENTS:
                thread.skip(kind)
                continue
            text = html_to_text(_wp(comment, "comment_content"), keep_newlines=True)
            if not text:
                thread.skip("empty")
                continue
            comment_id = _wp(comment, "comment_id") or text_id(text)
            given = ids.claim(comment_id, scope)
            local_ids.setdefault(comment_id, given)
            author = _wp(comment, "comment_author")
            record = CommentRecord(
                source_id=given,
                text=text,
                author=author or None,
                created_at=_date(comment, thread),
                url=f"{link}#comment-{comment_id}" if link else None,
            )
            pending.append((record, _wp(comment, "comment_parent")))
        for record, parent in pending:
            parent_id = local_ids.get(parent, parent) if parent not in ("", "0") else None
            thread.records.append(replace(record, parent_id=parent_id))
        if pending:
            per_item[scope] = len(pending)
    main = busiest(per_item)
    if main is not None:
        thread.title, thread.url = headers[main]
    return finish(thread, name)
