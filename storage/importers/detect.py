"""Which importer reads a file, and `parse_file`, the one entry point the CLI and tests use.

Detection trusts content over file names: a Reddit response saved as `thread.txt` is still Reddit. The file
checks (missing, empty, too big, binary) come first, so each importer only ever sees UTF-8 within the limit.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storage.importers import (
    csv_format,
    discourse,
    disqus,
    hn,
    json_format,
    jsonl_format,
    mastodon,
    reddit,
    text,
    wp_json,
    wxr,
)
from storage.importers.common import decode_utf8
from storage.importers.generic import TEXT_KEYS
from storage.importers.records import ImportFormatError, ParsedThread

FORMATS: dict[str, Callable[[bytes, str], ParsedThread]] = {
    "text": text.parse,
    "json": json_format.parse,
    "jsonl": jsonl_format.parse,
    "csv": csv_format.parse,
    "hn": hn.parse,
    "reddit": reddit.parse,
    "discourse": discourse.parse,
    "disqus": disqus.parse,
    "wxr": wxr.parse,
    "mastodon": mastodon.parse,
    "wp-json": wp_json.parse,
}
DEFAULT_MAX_BYTES = 2 * 1024**3
_SNIFF_BYTES = 64 * 1024
_JSON_START = re.compile(r'\{\s*["}]|\[\s*(?:["{\[\]\d-]|true|false|null)')
_XML_ROOT = re.compile(r"<(?:[\w.-]+:)?([A-Za-z_][\w.-]*)[\s>/]")
_MARKUP_START = re.compile(r"<(?:\?xml|!doctype|html[\s>]|rss[\s>]|[\w.:-]+\s[^>]*xmlns)", re.IGNORECASE)
_COLUMN = re.compile(r"[\w .-]{1,40}")
_HN_TYPES = frozenset({"story", "comment", "job", "poll", "pollopt"})
UTF8_BOM = b"\xef\xbb\xbf"


def _root_element(head: str) -> str | None:
    """Local name of the first element, past the XML declaration, comments and processing instructions."""
    position = 0
    while True:
        start = head.find("<", position)
        if start == -1:
            return None
        if head.startswith("<!--", start):
            end = head.find("-->", start)
            position = len(head) if end == -1 else end + 3
        elif head.startswith(("<?", "<!"), start):
            end = head.find(">", start)
            position = len(head) if end == -1 else end + 1
        else:
            match = _XML_ROOT.match(head, start)
            return match.group(1).lower() if match else None


def _markup_format(head: str, name: str) -> str | None:
    """disqus or wxr for their exports; an error for other XML/HTML, None if it is not markup at all."""
    root = _root_element(head)
    if root == "disqus" and "http://disqus.com" in head:
        return "disqus"
    if root == "rss" and "http://wordpress.org/export/" in head:
        return "wxr"
    if _MARKUP_START.match(head):
        raise ImportFormatError(
            f'{name}: XML or HTML that is neither a Disqus export (<disqus xmlns="http://disqus.com">) '
            "nor a WordPress export (RSS with the wp: namespace); export the comments in a supported format"
        )
    return None


def _json_shape(doc: Any) -> str:
    """The JSON importer for a parsed document, from the keys each service's API is known for."""
    if isinstance(doc, dict):
        if "post_stream" in doc or isinstance(doc.get("latest_posts"), list):
            return "discourse"
        if doc.get("kind") == "Listing" or isinstance(reddit.things_of(doc), list):
            return "reddit"
        if isinstance(doc.get("children"), list) and (
            "story_id" in doc or "points" in doc or str(doc.get("type")) in _HN_TYPES
        ):
            return "hn"
        hits = doc.get("hits")
        if isinstance(hits, list) and hits and isinstance(hits[0], dict) and "objectID" in hits[0]:
            return "hn"
    statuses = mastodon.statuses_of(doc)
    if statuses and all(mastodon.is_status(item) for item in statuses):
        return "mastodon"
    if isinstance(doc, list) and doc and all(wp_json.is_comment(item) for item in doc):
        return "wp-json"
    if isinstance(doc, list) and any(
        isinstance(item, dict) and item.get("kind") == "Listing" for item in doc
    ):
        return "reddit"
    return "json"


def _json_lines(body: str) -> bool:
    """True when the first lines are each a JSON object on their own."""
    lines = [line for line in body.split("\n")[:5] if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return all(isinstance(json.loads(line), dict) for line in lines[:-1])
    except (json.JSONDecodeError, RecursionError):
        return False


def _looks_like_csv(head: str) -> bool:
    """A header of short column names, one of them a text column, and a first row of the same width."""
    rows = csv_format.leading_rows(head)
    columns = rows[0] if rows else []
    if len(columns) < 2 or not all(_COLUMN.fullmatch(column) for column in columns):
        return False
    if not any(column.casefold() in TEXT_KEYS for column in columns):
        return False
    return len(rows) == 1 or len(rows[1]) == len(columns)


def _structured(data: bytes) -> str | None:
    """"JSON" or "XML" when the whole file is one (an export, not prose with brackets in it), else None."""
    head = data[:_SNIFF_BYTES].decode("utf-8", errors="replace").lstrip(" \t\r\n")
    markup = head.startswith("<") and (_MARKUP_START.match(head) or _root_element(head))
    if markup and data.rstrip().endswith(b">"):
        return "XML"
    if head[:1] not in ("{", "["):
        return None
    body = data.decode("utf-8", errors="replace")
    try:
        return "JSON" if isinstance(json.loads(body), dict | list) else None
    except (json.JSONDecodeError, RecursionError):
        return "JSON" if _json_lines(body) else None


def _refuse_structured_as_text(data: bytes, name: str) -> None:
    kind = _structured(data)
    if kind is not None:
        raise ImportFormatError(
            f"{name} is {kind}: --format text would import its markup as comments; leave --format out to "
            "detect the export (or give --format json, jsonl, disqus, wxr...), or pass --raw to import it as "
            "text anyway"
        )


def detect_format(data: bytes, name: str) -> str:
    """The name of the importer for `data` (a key of FORMATS), judged from the content first.

    Raises ImportFormatError for XML or HTML of no supported kind, rather than importing markup as text.
    """
    data = data.removeprefix(UTF8_BOM)  # Windows editors write one; json.loads refuses it
    suffix = Path(name).suffix.lower()
    head = data[:_SNIFF_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head.startswith("<") and (markup := _markup_format(head, name)) is not None:
        return markup
    if suffix in (".jsonl", ".ndjson") and head.startswith("{"):
        return "jsonl"
    if _JSON_START.match(head) or suffix == ".json":
        body = data.decode("utf-8", errors="replace")
        try:
            return _json_shape(json.loads(body))
        except (json.JSONDecodeError, RecursionError):
            pass
        return "jsonl" if _json_lines(body) else "json"  # the JSON parser reports where it breaks
    if suffix in (".csv", ".tsv") or _looks_like_csv(head):
        return "csv"
    return "text"


def _read(path: Path, max_bytes: int) -> bytes:
    """The file's bytes without a UTF-8 BOM, after the checks that need no reading; every refusal says how to
    fix it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportFormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImportFormatError(f"{path} is a directory: give the export file itself")
    if info.st_size > max_bytes:
        raise ImportFormatError(_too_big(path, info.st_size, max_bytes))
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # a pipe or a file still growing: its size was not known up front
        raise ImportFormatError(_too_big(path, len(data), max_bytes, at_least=True))
    data = data.removeprefix(UTF8_BOM)  # Windows editors write one; detection and json.loads must not see it
    if not data:
        raise ImportFormatError(f"{path.name} is empty: there is nothing to import")
    return data


def _too_big(path: Path, size: int, limit: int, at_least: bool = False) -> str:
    amount = f"at least {size:,}" if at_least else f"{size:,}"
    return (
        f"{path.name} is {amount} bytes, over the import limit of {limit:,} bytes; "
        "set THREADBOT_IMPORT_MAX_BYTES to a larger number of bytes to import it"
    )


def parse_file(
    path: Path, fmt: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, *, raw: bool = False
) -> ParsedThread:
    """Reads, checks, detects (unless `fmt` is given) and parses one export file.

    `fmt="text"` refuses a file that is JSON or XML unless `raw`. Every refusal is an ImportFormatError whose
    message names the file and what to do about it.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ImportFormatError(
            f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}, or leave it out to detect it"
        )
    data = _read(path, max_bytes)
    name = path.name
    decode_utf8(data, name)  # refuse binary data before any importer sees it
    if fmt is None:
        return FORMATS[detect_format(data, name)](data, name)
    if fmt == "text" and not raw:
        _refuse_structured_as_text(data, name)
    try:
        return FORMATS[fmt](data, name)
    except ImportFormatError as exc:
        try:
            guess = detect_format(data, name)
        except ImportFormatError:
            raise exc from None
        if guess == fmt:
            raise
        raise ImportFormatError(
            f"{exc} (format {fmt!r} was asked for, but the content looks like {guess!r}: "
            "try that format, or leave the format out to detect it)"
        ) from None
