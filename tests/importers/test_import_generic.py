"""Generic JSON, JSON Lines and CSV: aliases, nesting, ids, dates and located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.importers import csv_format, json_format, jsonl_format
from storage.importers.records import ImportFormatError, content_hash

FIXTURES = Path(__file__).parent / "fixtures"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_json_object_with_comments_list_and_aliases() -> None:
    """body/content/message, user/username/by, date/timestamp/time, parent/in_reply_to, permalink all map."""
    thread = json_format.parse(_read("comments.json"), "comments.json")
    assert thread.title == "Should the library open on Sundays?"
    assert thread.url == "https://forum.example.org/t/library-sundays"
    by_id = {r.source_id: r for r in thread.records}
    assert list(by_id) == [
        "c1",
        "c2",
        "3",
        content_hash("An id-less comment still gets a stable id.")[:16],
        "c6",
    ]
    assert by_id["c1"].created_at == "2024-03-01T08:30:00+00:00"  # +01:00 converted to UTC
    assert by_id["c1"].url == "https://forum.example.org/t/library-sundays#c1"
    assert by_id["c2"].parent_id == "c1"  # nested under "replies"
    assert by_id["c2"].author == "tom"  # author given as an object
    assert by_id["c2"].created_at == "2024-03-01T09:30:00+00:00"  # epoch seconds
    assert by_id["3"].text == "Staff deserve a shared day off."
    assert by_id["3"].parent_id == "c1"
    assert by_id["3"].created_at == "2024-03-01T12:00:00"  # no zone in the source: none invented
    assert by_id["c6"].parent_id == "c404"  # a parent outside the file is kept for later linking
    assert by_id["c6"].created_at is None
    assert thread.skipped == {"empty": 1, "unreadable_date": 1}


def test_json_bundle_of_threads_keeps_reused_ids_apart() -> None:
    """Two threads both using id 1: the second is qualified with its thread, and its reply follows it."""
    thread = json_format.parse(_read("threads.json"), "threads.json")
    assert [(r.source_id, r.parent_id, r.author) for r in thread.records] == [
        ("1", None, "ana"),
        ("/posts/buses/:1", None, "ben"),
        ("2", "/posts/buses/:1", "cho"),
    ]
    assert thread.title == "Bus lanes"  # the thread with most comments names the import
    assert thread.url == "https://blog.example.org/posts/buses/"


def test_json_missing_text_names_record_and_fields() -> None:
    """The user learns which record and what fields it has."""
    with pytest.raises(ImportFormatError, match=r"record 2.*found: id, author, score"):
        json_format.parse(_read("missing_text.json"), "missing_text.json")


def test_broken_json_gives_line_and_column() -> None:
    """A syntax error points at the spot."""
    with pytest.raises(ImportFormatError, match=r"broken\.json: broken JSON at line 3, column \d+"):
        json_format.parse(_read("broken.json"), "broken.json")


def test_json_of_the_wrong_shape_is_explained() -> None:
    """An object without a comment list says which keys it found."""
    with pytest.raises(ImportFormatError, match=r"no comment text found.*keys: ancestors"):
        json_format.parse(b'{"ancestors": 3}', "odd.json")


def test_json_duplicate_rows_are_dropped() -> None:
    """The same comment twice (same id, same words) is counted once."""
    data = b'[{"id": 1, "text": "same"}, {"id": 1, "text": "same"}, {"text": "x"}, {"text": "x"}]'
    thread = json_format.parse(data, "dupes.json")
    assert len(thread.records) == 2
    assert thread.skipped == {"duplicate": 2}


def test_jsonl_lines_and_parents() -> None:
    """One object per line; blank lines ignored."""
    thread = jsonl_format.parse(_read("comments.jsonl"), "comments.jsonl")
    assert thread.format == "jsonl"
    assert [(r.source_id, r.parent_id, r.author) for r in thread.records] == [
        ("a1", None, "lee"),
        ("a2", "a1", "kim"),
        ("a3", "a2", "lee"),
    ]
    assert thread.records[0].created_at == "2023-11-14T22:13:20+00:00"
    assert thread.records[1].created_at == "2023-11-14T22:20:00+00:00"


def test_jsonl_errors_name_the_line() -> None:
    """Broken line and missing text both say where."""
    with pytest.raises(ImportFormatError, match="line 3, column 19"):
        jsonl_format.parse(_read("broken.jsonl"), "broken.jsonl")
    with pytest.raises(ImportFormatError, match=r"record 2 \(line 2\).*found: id, author"):
        jsonl_format.parse(_read("missing_text.jsonl"), "missing_text.jsonl")


def test_jsonl_line_must_be_an_object() -> None:
    """A bare list on a line is not a comment."""
    with pytest.raises(ImportFormatError, match=r"record 1 \(line 1\) is a JSON list"):
        jsonl_format.parse(b"[1, 2]\n", "list.jsonl")


def test_csv_rows_quoted_newlines_and_bad_rows() -> None:
    """Quoted multi-line text survives; blank rows vanish; rows with extra cells are counted, not guessed."""
    thread = csv_format.parse(_read("comments.csv"), "comments.csv")
    assert thread.format == "csv"
    assert [(r.source_id, r.parent_id, r.author) for r in thread.records] == [
        ("r1", None, "alex"),
        ("r2", "r1", "sam"),
        ("r5", "r2", "jo"),
    ]
    assert thread.records[1].text == "The trial firms volunteered; that is selection bias,\nnot evidence."
    assert thread.records[0].url == "https://example.org/r1"
    assert thread.records[1].created_at == "2024-05-01T10:00:00+00:00"
    assert thread.skipped == {"empty": 1, "malformed_row": 1}


def test_tsv_is_read_with_its_delimiter() -> None:
    """Tab-separated files need no quoting for commas."""
    thread = csv_format.parse(_read("comments.tsv"), "comments.tsv")
    assert [r.text for r in thread.records] == [
        "Tabs keep commas in comments safe.",
        "Agreed, commas everywhere, no quoting needed.",
    ]
    assert thread.records[1].author == "omar"


def test_csv_without_text_column_lists_the_columns() -> None:
    """The header is named and its columns listed."""
    with pytest.raises(ImportFormatError, match=r"header \(line 1\).*found columns: id, author, score"):
        csv_format.parse(_read("no_text_column.csv"), "no_text_column.csv")


def test_csv_with_only_empty_text_is_an_error() -> None:
    """Rows whose text cell is empty are skipped; when nothing is left, the import says why."""
    with pytest.raises(ImportFormatError, match="no comments to import"):
        csv_format.parse(b"id,text\n1,\n", "empty_cells.csv")
