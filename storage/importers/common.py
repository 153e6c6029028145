"""Rules every importer shares: decoding, dates, JSON loading, unique ids and the final "anything found?" check.

Each format module stays a thin mapping from its source shape to `CommentRecord`s; what must behave the same
everywhere (how a date is written, what an error says, when a file holds nothing) lives here once.

Contract for `CommentRecord.parent_id` across formats: None means a reply to the thread itself (or unknown);
otherwise it is the source id of the comment replied to, which may be absent from the file (deleted, or outside
a partial export) so that a later import can still link it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from storage.importers.records import EmptyThreadError, ImportFormatError, ParsedThread, content_hash

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
QUOTED_CHARS = 300
"""How much of the input an error message repeats (a header of 5 million columns must not become the message)."""
_EPOCH_MS_THRESHOLD = 100_000_000_000  # seconds this large are year 5138: the value must be milliseconds


def listed(items: Collection[object], limit: int = QUOTED_CHARS, *, empty: str = "none") -> str:
    """Names from the input (columns, keys) for an error message: comma-separated, about `limit` characters at
    most, and how many there are when not all of them fit."""
    shown: list[str] = []
    size = 0
    for item in items:
        text = str(item)
        if size + len(text) > limit:
            if not shown:
                shown.append(text[:limit] + "\u2026")
            break
        shown.append(text)
        size += len(text) + 2
    if len(shown) < len(items):
        shown.append(f"\u2026 ({len(items):,} in all)")
    return ", ".join(shown) or empty


def decode_utf8(data: bytes, name: str) -> str:
    """UTF-8 text without its BOM; binary input is refused with the byte offset so the user can find it."""
    nul = data.find(b"\x00")
    if nul != -1:
        hint = ""
        if data[:2] in _UTF16_BOMS or data[1:2] == b"\x00":
            hint = " (it looks like UTF-16: save it as UTF-8)"
        raise ImportFormatError(
            f"{name}: binary data, NUL byte at byte offset {nul}{hint}; a comment export must be UTF-8 text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"{name}: not valid UTF-8 at byte offset {exc.start}; re-save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def load_json(data: bytes, name: str, what: str = "JSON") -> Any:
    """Parsed JSON, or an error giving the line and column where it breaks."""
    text = decode_utf8(data, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{name}: broken {what} at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise ImportFormatError(f"{name}: {what} is nested too deeply to import") from None


def _parse_datetime(value: object) -> datetime:
    """A datetime from epoch seconds (or milliseconds), ISO 8601 or RFC 2822; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a date")
    if isinstance(value, str):
        value = value.strip()
        with contextlib.suppress(ValueError):
            value = float(value)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= _EPOCH_MS_THRESHOLD else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError) as exc:
            raise ValueError(str(exc)) from None
    if not isinstance(value, str):
        raise ValueError(f"a {type(value).__name__} is not a date")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return parsedate_to_datetime(value)


def to_iso(value: object, thread: ParsedThread) -> str | None:
    """ISO 8601 (converted to UTC when the source gives a zone); an unreadable date is counted, not fatal.

    Losing one comment's date is better than refusing a whole thread, but the count tells the user it happened.
    """
    if value is None or value == "":
        return None
    try:
        moment = _parse_datetime(value)
    except (ValueError, TypeError, IndexError):
        thread.skip("unreadable_date")
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat()


def text_id(text: str) -> str:
    """The id of a comment whose source gives none: stable, so re-importing the file adds nothing."""
    return content_hash(text)[:16]


def plain_id(value: object) -> str | None:
    """A source id as text; ids are strings or integers in every format we read."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        text = str(value).strip()
        return text or None
    return None


class IdRegistry:
    """Hands out source ids that are unique within one thread.

    Exports that bundle several threads (WXR items, Disqus threads, generic JSON) may reuse an id; the store
    keeps one comment per id, so a repeat is qualified with its thread rather than silently dropped.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, wanted: str, scope: str | None = None) -> str:
        if wanted not in self._used:
            self._used.add(wanted)
            return wanted
        base = f"{scope}:{wanted}" if scope else wanted
        candidate, n = base, 2
        while candidate in self._used:
            candidate = f"{base}#{n}"
            n += 1
        self._used.add(candidate)
        return candidate


def busiest(counts: dict[str, int]) -> str | None:
    """The key with the most comments (first on ties): which of several bundled threads names the import."""
    best: str | None = None
    for key, count in counts.items():
        if best is None or count > counts[best]:
            best = key
    return best


def finish(thread: ParsedThread, name: str) -> ParsedThread:
    """Refuses an import that would add nothing, saying why, instead of succeeding silently."""
    if thread.records:
        return thread
    dropped = {k: v for k, v in thread.skipped.items() if k != "unreadable_date"}
    if dropped:
        reasons = ", ".join(f"{reason}: {count}" for reason, count in sorted(dropped.items()))
        raise EmptyThreadError(f"{name}: no comments to import, every one was skipped ({reasons})", thread)
    raise EmptyThreadError(f"{name}: no comment text found in this {thread.format} file", thread)
