"""Generic JSON: a list of comment objects, or an object that holds one under `comments`, `items` or `data`.

Also accepted, because real exports look like this: a list of threads that each hold a `comments` list
(isso's generic export), replies nested under `replies`/`children`, and a Mastodon context
(`ancestors` + `descendants`). Field names follow `generic` (text/body/content/..., author/user/...).
"""

from __future__ import annotations

from typing import Any

from storage.importers.common import finish, listed, load_json, plain_id
from storage.importers.generic import TEXT_KEYS, URL_KEYS, RowMapper
from storage.importers.records import ImportFormatError, ParsedThread

CONTAINER_KEYS = ("comments", "items", "data")
CONTEXT_KEYS = ("ancestors", "descendants")


def comment_list(obj: dict[str, Any]) -> list[Any] | None:
    """The comment objects an object holds, looking one level into `data` ({"data": {"comments": [...]}})."""
    for key in CONTAINER_KEYS:
        value = obj.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            inner = comment_list(value) if key == "data" else None
            if inner is not None:
                return inner
    if all(isinstance(obj.get(key), list) for key in CONTEXT_KEYS):
        return [item for key in CONTEXT_KEYS for item in obj[key]]
    return None


def is_thread(obj: object) -> bool:
    """An object that holds comments rather than being one."""
    if not isinstance(obj, dict) or comment_list(obj) is None:
        return False
    return not any(str(key).casefold() in TEXT_KEYS for key in obj)


def _title(obj: dict[str, Any]) -> str | None:
    title = obj.get("title")
    return (title.strip() or None) if isinstance(title, str) else None


def _url(obj: dict[str, Any]) -> str | None:
    for key in URL_KEYS:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _describe(doc: object) -> str:
    if isinstance(doc, dict):
        return "an object with keys: " + listed(doc)
    return f"a JSON {type(doc).__name__}"


def parse(data: bytes, name: str) -> ParsedThread:
    """Comments of a generic JSON export, in file order (nested replies right after their parent)."""
    doc = load_json(data, name)
    thread = ParsedThread(format="json")
    mapper = RowMapper(thread, name)
    if isinstance(doc, list) and doc and all(is_thread(item) for item in doc):
        headers: dict[str, tuple[str | None, str | None]] = {}
        number = 1
        for index, item in enumerate(doc, 1):
            scope = plain_id(item.get("id")) or f"thread{index}"
            headers.setdefault(scope, (_title(item), _url(item)))
            number = mapper.add_tree(comment_list(item), number, scope)
        busiest = mapper.busiest_scope()
        if busiest is not None:
            thread.title, thread.url = headers[busiest]
    elif isinstance(doc, list):
        mapper.add_tree(doc, 1)
    elif isinstance(doc, dict) and (rows := comment_list(doc)) is not None:
        thread.title, thread.url = _title(doc), _url(doc)
        mapper.add_tree(rows, 1)
    elif isinstance(doc, dict) and any(str(key).casefold() in TEXT_KEYS for key in doc):
        mapper.add_tree([doc], 1)  # a single comment object
    else:
        raise ImportFormatError(
            f"{name}: no comment text found: expected a list of comment objects, or an object with a "
            f"{', '.join(CONTAINER_KEYS)} list; found {_describe(doc)}"
        )
    return finish(mapper.done(), name)
