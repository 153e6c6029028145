"""Disqus XML export: <thread> elements (title, link) and <post> elements that point at them.

One export holds a whole site; every post is imported and the thread with most posts names the import.
Deleted and spam posts are skipped and counted; a reply to a deleted post keeps its parent's id.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from storage.importers.common import IdRegistry, busiest, finish, text_id, to_iso
from storage.importers.html_text import html_to_text
from storage.importers.records import CommentRecord, ImportFormatError, ParsedThread
from storage.importers.xml_safe import child_text, parse_xml

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def _ref(element: ET.Element, tag: str) -> str | None:
    """The dsq:id a child element points to (<thread dsq:id="2"/>, <parent dsq:id="4"/>)."""
    child = element.find(NS + tag)
    value = child.get(DSQ_ID, "").strip() if child is not None else ""
    return value or None


def _is_true(element: ET.Element, tag: str) -> bool:
    return child_text(element, NS + tag).strip().lower() == "true"


def parse(data: bytes, name: str) -> ParsedThread:
    """Posts of a Disqus export, in file order; message HTML becomes plain text."""
    root = parse_xml(data, name)
    if root.tag != NS + "disqus":
        raise ImportFormatError(
            f'{name}: not a Disqus export: the root element should be <disqus xmlns="http://disqus.com">'
        )
    threads: dict[str, tuple[str | None, str | None]] = {}
    for element in root.findall(NS + "thread"):
        thread_id = element.get(DSQ_ID)
        if thread_id:
            title = child_text(element, NS + "title").strip() or None
            link = child_text(element, NS + "link").strip() or None
            threads[thread_id] = (title, link)
    thread = ParsedThread(format="disqus")
    ids = IdRegistry()
    per_thread: dict[str, int] = {}
    for post in root.findall(NS + "post"):
        if _is_true(post, "isDeleted"):
            thread.skip("deleted")
            continue
        if _is_true(post, "isSpam"):
            thread.skip("spam")
            continue
        text = html_to_text(child_text(post, NS + "message"))
        if not text:
            thread.skip("empty")
            continue
        post_id = (post.get(DSQ_ID) or "").strip() or child_text(post, NS + "id").strip() or text_id(text)
        thread_ref = _ref(post, "thread")
        link = threads.get(thread_ref or "", (None, None))[1]
        author = post.find(NS + "author")
        name_text = child_text(author, NS + "name").strip() or child_text(author, NS + "username").strip()
        if thread_ref in threads:
            per_thread[thread_ref] = per_thread.get(thread_ref, 0) + 1
        thread.records.append(
            CommentRecord(
                source_id=ids.claim(post_id),
                text=text,
                parent_id=_ref(post, "parent"),
                author=name_text or None,
                created_at=to_iso(child_text(post, NS + "createdAt").strip(), thread),
                url=f"{link}#comment-{post_id}" if link else None,
            )
        )
    main = busiest(per_thread)
    if main is not None:
        thread.title, thread.url = threads[main]
    return finish(thread, name)
