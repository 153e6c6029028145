"""`parse_file` and `detect_format`: the checks every file goes through, and picking the importer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.importers.detect import FORMATS, detect_format, parse_file
from storage.importers.records import ImportFormatError
from storage.naming import check_archive_name

FIXTURES = Path(__file__).parent / "fixtures"


def test_formats_registry_names() -> None:
    """The CLI offers exactly these names."""
    assert set(FORMATS) == {"text", "json", "jsonl", "csv", "hn", "reddit", "discourse", "disqus", "wxr",
                            "mastodon", "wp-json"}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("text_lines.txt", "text"),
        ("text_paragraphs.txt", "text"),
        ("comments.json", "json"),
        ("threads.json", "json"),
        ("comments.jsonl", "jsonl"),
        ("comments.csv", "csv"),
        ("comments.tsv", "csv"),
        ("hn_story.json", "hn"),
        ("hn_search.json", "hn"),
        ("reddit_thread.json", "reddit"),
        ("discourse_topic.json", "discourse"),
        ("disqus_export.xml", "disqus"),
        ("wxr_export.xml", "wxr"),
        ("broken.json", "json"),
        ("broken.jsonl", "jsonl"),
    ],
)
def test_detect_fixtures(fixture: str, expected: str) -> None:
    """Each fixture is recognised."""
    assert detect_format((FIXTURES / fixture).read_bytes(), fixture) == expected


@pytest.mark.parametrize(
    ("fixture", "disguise"),
    [("reddit_thread.json", "saved.txt"), ("comments.csv", "export.dat"), ("disqus_export.xml", "backup")],
)
def test_detect_trusts_content_over_name(fixture: str, disguise: str) -> None:
    """A misleading file name does not change the answer."""
    data = (FIXTURES / fixture).read_bytes()
    assert detect_format(data, disguise) == detect_format(data, fixture)


@pytest.mark.parametrize(
    "data",
    [
        b"text, body, and soul: a sentence that is not a header",
        b"[deleted] was the only reply\nand this line",
        b"<3 this thread",
    ],
)
def test_prose_that_resembles_other_formats_is_text(data: bytes) -> None:
    """Commas, brackets and < in ordinary sentences do not trigger CSV, JSON or XML."""
    assert detect_format(data, "notes.txt") == "text"


def test_unsupported_xml_is_refused() -> None:
    """An RSS feed that is not a WordPress export is named, not imported as text."""
    feed = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>x</title></item></channel></rss>'
    with pytest.raises(ImportFormatError, match="neither a Disqus export"):
        detect_format(feed, "feed.xml")


def test_parse_file_detects_and_parses() -> None:
    """The usual path: no format given."""
    thread = parse_file(FIXTURES / "reddit_thread.json")
    assert thread.format == "reddit"
    assert len(thread.records) == 3


def test_missing_file(tmp_path: Path) -> None:
    """No such file: said plainly."""
    with pytest.raises(ImportFormatError, match="no such file"):
        parse_file(tmp_path / "nope.json")


def test_directory(tmp_path: Path) -> None:
    """A folder is not an export."""
    with pytest.raises(ImportFormatError, match="is a directory"):
        parse_file(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    """Zero bytes: nothing to import."""
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ImportFormatError, match=r"empty\.txt is empty"):
        parse_file(path)


def test_over_size_file_names_size_limit_and_setting(tmp_path: Path) -> None:
    """The message gives both numbers and the setting that raises the limit."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 100)
    with pytest.raises(ImportFormatError, match=r"100 bytes.*limit of 10 bytes.*THREADBOT_IMPORT_MAX_BYTES"):
        parse_file(path, max_bytes=10)


def test_binary_file_names_the_offset(tmp_path: Path) -> None:
    """NUL bytes mean binary: the offset helps find them."""
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ImportFormatError, match="NUL byte at byte offset 8"):
        parse_file(path)


def test_utf16_file_gets_a_hint(tmp_path: Path) -> None:
    """UTF-16 (as Windows tools often save) is named so the user knows to convert it."""
    path = tmp_path / "utf16.txt"
    path.write_bytes("hello\n".encode("utf-16"))
    with pytest.raises(ImportFormatError, match="UTF-16"):
        parse_file(path)


def test_invalid_utf8_file(tmp_path: Path) -> None:
    """Not UTF-8: the first bad byte is located."""
    path = tmp_path / "latin1.txt"
    path.write_bytes("naïve".encode("latin-1"))
    with pytest.raises(ImportFormatError, match="not valid UTF-8 at byte offset 2"):
        parse_file(path)


def test_unknown_format_lists_the_valid_ones() -> None:
    """A typo in --format lists what exists."""
    with pytest.raises(
        ImportFormatError, match=r"unknown format 'redit'.*text, json, jsonl, csv, hn, reddit"
    ):
        parse_file(FIXTURES / "reddit_thread.json", fmt="redit")


def test_wrong_format_suggests_the_detected_one() -> None:
    """Reddit parser on a CSV: the JSON error, plus what the file looks like."""
    with pytest.raises(ImportFormatError, match=r"broken Reddit JSON at line 1.*looks like 'csv'"):
        parse_file(FIXTURES / "comments.csv", fmt="reddit")


def test_forced_format_is_honoured() -> None:
    """Asked to read a TSV file as text, the importer does so: one comment per line, header included."""
    thread = parse_file(FIXTURES / "comments.tsv", fmt="text")
    assert thread.format == "text"
    assert len(thread.records) == 3


def test_broken_json_via_parse_file_keeps_location() -> None:
    """Detection does not swallow the parser's line and column."""
    with pytest.raises(ImportFormatError, match="line 3, column"):
        parse_file(FIXTURES / "broken.json")


def test_single_record_jsonl_and_single_json_object(tmp_path: Path) -> None:
    """One comment per file still imports, whether saved as .jsonl or as one JSON object."""
    one = b'{"id": "x1", "text": "Just one comment."}\n'
    for file_name, fmt in (("one.jsonl", "jsonl"), ("one.json", "json")):
        path = tmp_path / file_name
        path.write_bytes(one)
        thread = parse_file(path)
        assert thread.format == fmt
        assert [r.source_id for r in thread.records] == ["x1"]


def test_csv_header_with_a_quoted_multi_line_first_row() -> None:
    """Detection reads whole CSV records, not physical lines."""
    data = b'author,text\nann,"first line\nsecond line"\nbo,short\n'
    assert detect_format(data, "export") == "csv"


@pytest.mark.parametrize("fixture", ["reddit_thread.json", "discourse_topic.json", "hn_story.json", "comments.csv"])
def test_a_utf8_bom_changes_nothing(fixture: str, tmp_path: Path) -> None:
    """Windows editors save a BOM first: the file is detected and parsed as without it."""
    data = (FIXTURES / fixture).read_bytes()
    with_bom = tmp_path / fixture
    with_bom.write_bytes(b"\xef\xbb\xbf" + data)
    assert detect_format(with_bom.read_bytes(), fixture) == detect_format(data, fixture)
    assert parse_file(with_bom) == parse_file(FIXTURES / fixture)


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("reddit_thread.json", "JSON"),
        ("comments.jsonl", "JSON"),
        ("disqus_export.xml", "XML"),
        ("wxr_export.xml", "XML"),
    ],
)
def test_format_text_refuses_json_and_xml_unless_raw(fixture: str, kind: str) -> None:
    """`--format text` on an export would import its markup as comments: refused with the fix, unless raw."""
    with pytest.raises(ImportFormatError, match=rf"{fixture} is {kind}.*--format json.*--raw") as refused:
        parse_file(FIXTURES / fixture, fmt="text")
    assert "leave --format out" in str(refused.value)
    assert parse_file(FIXTURES / fixture, fmt="text", raw=True).format == "text"


@pytest.mark.parametrize(
    "data", [b"[deleted] was the only reply\nand this line", b"<3 this thread", b"{not json}"]
)
def test_format_text_still_takes_prose_that_resembles_json_or_xml(data: bytes, tmp_path: Path) -> None:
    """Brackets and `<` in ordinary text are not refused."""
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    assert parse_file(path, fmt="text").records


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("wide.csv", (",".join(f"column{i}" for i in range(200_000)) + "\n" + "x," * 199_999 + "x\n").encode()),
        ("keys.json", json.dumps({f"key{i}": i for i in range(100_000)}).encode()),
        ("rows.json", json.dumps([{f"key{i}": i for i in range(100_000)}]).encode()),
        ("long.json", json.dumps([{"x" * 1_000_000: 1}]).encode()),
        ("padded.json", json.dumps([{"text" + " " * 1_000_000: ["not", "text"]}]).encode()),
    ],
)
def test_messages_that_quote_the_input_are_capped(name: str, data: bytes, tmp_path: Path) -> None:
    """A header of 200,000 columns or a key of a million characters is summarised, not repeated."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImportFormatError) as refused:
        parse_file(path)
    message = str(refused.value)
    assert message.startswith(name) and len(message) < 1000, message[:2000]


def test_a_long_archive_name_is_not_repeated_in_full() -> None:
    """`--archive` with thousands of characters: the refusal quotes only its start."""
    with pytest.raises(ImportFormatError, match="--archive my-thread") as refused:
        check_archive_name("Bad " * 5000)
    assert len(str(refused.value)) < 1000
