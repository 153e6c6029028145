"""Property tests: no input crashes an importer, and dropping duplicates is idempotent."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.importers import text
from storage.importers.detect import FORMATS, detect_format
from storage.importers.records import ImportFormatError, ParsedThread, content_hash

SETTINGS = settings(
    database=None, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
LINE = st.text(min_size=1, max_size=40).filter(lambda s: "\n" not in s and "\r" not in s and bool(s.strip()))
KEYS = (
    "id text body author parent_id children replies comments kind data post_stream posts cooked created_at "
    "story_id type hits objectID comment_text json things latest_posts _tags post_type post_number "
    "reply_to_post_number topic_id permalink created_utc name story_title title url"
).split()  # the keys the importers look for, so the shapes come close to real ones
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=20,
)


def _parse_text(data: bytes) -> ParsedThread | None:
    try:
        return text.parse(data, "prop.txt")
    except ImportFormatError:
        return None


def _texts(thread: ParsedThread | None) -> list[str]:
    return [record.text for record in thread.records] if thread else []


@SETTINGS
@given(st.text())
def test_text_parser_only_raises_import_errors(body: str) -> None:
    """Any unicode text parses or is refused with ImportFormatError; records are distinct and fingerprinted."""
    thread = _parse_text(body.encode("utf-8"))
    if thread is None:
        return
    hashes = [content_hash(record.text) for record in thread.records]
    assert len(hashes) == len(set(hashes))
    assert all(record.source_id == digest[:16] for record, digest in zip(thread.records, hashes, strict=True))


@SETTINGS
@given(st.lists(LINE, min_size=1, max_size=20))
def test_dropping_duplicates_is_idempotent(lines: list[str]) -> None:
    """Importing what was imported gives it back unchanged, and a file pasted twice equals the file once."""
    once = "\n".join(lines)
    first = _parse_text(once.encode())
    again = _parse_text("\n".join(_texts(first)).encode()) if first else None
    assert _texts(again) == _texts(first)
    assert _texts(_parse_text(f"{once}\n{once}".encode())) == _texts(first)


@SETTINGS
@given(st.lists(st.lists(LINE, min_size=1, max_size=4), min_size=2, max_size=8))
def test_paragraph_file_pasted_twice_equals_once(paragraphs: list[list[str]]) -> None:
    """The same holds in paragraph mode."""
    once = "\n\n".join("\n".join(paragraph) for paragraph in paragraphs)
    assert _texts(_parse_text(f"{once}\n\n{once}".encode())) == _texts(_parse_text(once.encode()))


@SETTINGS
@given(st.binary(max_size=200))
def test_every_importer_refuses_arbitrary_bytes_cleanly(data: bytes) -> None:
    """Garbage in: an ImportFormatError out of detection and every parser, never another exception."""
    for name, parse in FORMATS.items():
        with contextlib.suppress(ImportFormatError):
            parse(data, f"prop.{name}")
    with contextlib.suppress(ImportFormatError):
        detect_format(data, "prop.bin")


@SETTINGS
@given(JSON_VALUES)
def test_json_importers_survive_any_json(value: object) -> None:
    """Well-formed JSON of the wrong shape is skipped or refused, whatever the nesting."""
    data = json.dumps(value).encode()
    for name in ("json", "jsonl", "hn", "reddit", "discourse"):
        with contextlib.suppress(ImportFormatError):
            FORMATS[name](data, f"prop.{name}")
    assert detect_format(data, "prop.json") in FORMATS
