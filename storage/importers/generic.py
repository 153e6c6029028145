"""Rows with loosely named fields (generic JSON, JSON Lines, CSV) mapped onto `CommentRecord`s.

Hand-made exports name their columns every which way; accepting the common aliases here means the three
generic formats agree on what "text" or "author" means, and on what is an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from storage.importers.common import IdRegistry, busiest, listed, plain_id, text_id, to_iso
from storage.importers.records import CommentRecord, ImportFormatError, ParsedThread

TEXT_KEYS = ("text", "body", "content", "message", "comment")
AUTHOR_KEYS = ("author", "user", "username", "name", "by")
DATE_KEYS = ("created_at", "date", "timestamp", "time", "created")
PARENT_KEYS = ("parent_id", "parent", "in_reply_to", "in_reply_to_id")
URL_KEYS = ("url", "link", "permalink")
ID_KEYS = ("id", "comment_id")
REPLY_KEYS = ("replies", "children")  # nested answers inside a comment object
_NAME_KEYS = ("name", "username", "login", "acct", "display_name")  # when the author is an object
_NO_PARENT = frozenset({"0", ""})


@dataclass(frozen=True, slots=True)
class Where:
    """Where a row sits in its file, for error messages: record number, and line when the format has lines."""

    record: int
    line: int | None = None

    def __str__(self) -> str:
        return f"record {self.record}" + (f" (line {self.line})" if self.line is not None else "")


def _lookup(row: Mapping[str, object], keys: tuple[str, ...]) -> tuple[str | None, object]:
    """The first alias present with a value, matched case-insensitively: (field name, value)."""
    folded = {str(key).strip().casefold(): key for key in row}
    for key in keys:
        original = folded.get(key)
        if original is not None and row[original] not in (None, ""):
            return str(original), row[original]
    return None, None


def _has_any(row: Mapping[str, object], keys: tuple[str, ...]) -> bool:
    return any(str(key).strip().casefold() in keys for key in row)


def _author(value: object) -> str | None:
    if isinstance(value, Mapping):
        return _author(_lookup(value, _NAME_KEYS)[1])
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip() or None
    return None


@dataclass(slots=True)
class _Pending:
    record: CommentRecord
    scope: str
    parent: str | None


class RowMapper:
    """Collects rows of one file into a thread; ids and parents are settled in `done`, once all rows are seen.

    A row may name a parent that comes later in the file, and bundled threads may reuse ids, so parents are
    resolved per thread scope at the end rather than row by row.
    """

    def __init__(self, thread: ParsedThread, name: str) -> None:
        self.thread = thread
        self.name = name
        self._ids = IdRegistry()
        self._local: dict[str, dict[str, str]] = {}  # scope -> id in the source -> id given
        self._texts: dict[str, str] = {}  # id given -> text, to recognise a repeated row
        self._pending: list[_Pending] = []
        self._per_scope: dict[str, int] = {}

    def add(
        self, row: Mapping[str, object], where: Where, scope: str = "", parent: str | None = None
    ) -> None:
        """Maps one row; `parent` is the id of the enclosing comment when replies are nested."""
        key, value = _lookup(row, TEXT_KEYS)
        if key is None:
            if not _has_any(row, TEXT_KEYS):
                found = listed(row, empty="no fields")
                raise ImportFormatError(
                    f"{self.name}: no comment text found in {where}: expected a field named "
                    f"{', '.join(TEXT_KEYS)}; found: {found}"
                )
            self.thread.skip("empty")
            return
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ImportFormatError(
                f"{self.name}: {where}: field {key[:60]!r} should be text, found {type(value).__name__}"
            )
        text = str(value).replace("\r\n", "\n").strip()
        if not text:
            self.thread.skip("empty")
            return
        source_id = plain_id(_lookup(row, ID_KEYS)[1]) or text_id(text)
        local = self._local.setdefault(scope, {})
        if source_id in local and self._texts.get(local[source_id]) == text:
            self.thread.skip("duplicate")
            return
        given = self._ids.claim(source_id, scope)
        local.setdefault(source_id, given)
        self._texts[given] = text
        raw_parent = plain_id(_lookup(row, PARENT_KEYS)[1])
        url = _lookup(row, URL_KEYS)[1]
        record = CommentRecord(
            source_id=given,
            text=text,
            author=_author(_lookup(row, AUTHOR_KEYS)[1]),
            created_at=to_iso(_lookup(row, DATE_KEYS)[1], self.thread),
            url=url.strip() if isinstance(url, str) and url.strip() else None,
        )
        self._pending.append(_Pending(record, scope, raw_parent if raw_parent is not None else parent))
        self._per_scope[scope] = self._per_scope.get(scope, 0) + 1

    def add_tree(self, rows: object, first: int, scope: str = "") -> int:
        """Maps a list of rows and their nested replies, in reading order; returns the next record number."""
        number = first
        for row, parent in _walk(rows):
            if not isinstance(row, Mapping):
                raise ImportFormatError(
                    f"{self.name}: record {number} is a {type(row).__name__}, expected an object with a text field"
                )
            self.add(row, Where(number), scope, parent)
            number += 1
        return number

    def busiest_scope(self) -> str | None:
        return busiest(self._per_scope)

    def done(self) -> ParsedThread:
        for item in self._pending:
            parent = item.parent
            if parent is not None:
                local = self._local.get(item.scope, {})
                if parent in local:
                    parent = local[parent]
                elif parent in _NO_PARENT:
                    parent = None  # WordPress-style "0": a top-level comment
            if parent == item.record.source_id:
                parent = None
            self.thread.records.append(replace(item.record, parent_id=parent))
        return self.thread


def _walk(rows: object) -> Iterator[tuple[object, str | None]]:
    """Rows depth-first with the source id of the row they are nested in; iterative, so depth cannot crash."""
    if not isinstance(rows, list):
        return
    stack: list[tuple[object, str | None]] = [(row, None) for row in reversed(rows)]
    while stack:
        row, parent = stack.pop()
        yield row, parent
        if isinstance(row, Mapping):
            own_id = plain_id(_lookup(row, ID_KEYS)[1])
            text = _lookup(row, TEXT_KEYS)[1]
            if own_id is None and isinstance(text, str) and text.strip():
                own_id = text_id(text.strip())
            for key in REPLY_KEYS:
                replies = row.get(key)
                if isinstance(replies, list):
                    stack.extend((reply, own_id) for reply in reversed(replies))
