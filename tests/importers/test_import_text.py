"""Plain-text importer: lines or paragraphs, duplicates and dividers dropped and counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.importers import text
from storage.importers.records import ImportFormatError, content_hash

FIXTURES = Path(__file__).parent / "fixtures"


def test_double_spaced_single_lines_are_one_comment_per_line() -> None:
    """Blank lines alone do not make paragraphs; case and spacing repeats collapse."""
    thread = text.parse((FIXTURES / "text_lines.txt").read_bytes(), "text_lines.txt")
    assert thread.format == "text"
    assert [r.text for r in thread.records] == [
        "Cities should price parking by demand, not by habit.",
        "Free parking is a subsidy for drivers paid by everyone else.",
        "Demand pricing just pushes cars into residential streets.",
    ]
    assert thread.skipped == {"separator": 1, "duplicate": 2}


def test_ids_are_text_fingerprints_without_author_or_url() -> None:
    """A re-import of the same words yields the same ids."""
    thread = text.parse((FIXTURES / "text_lines.txt").read_bytes(), "text_lines.txt")
    for record in thread.records:
        assert record.source_id == content_hash(record.text)[:16]
        assert record.author is None and record.url is None and record.parent_id is None


def test_multi_line_paragraphs_are_one_comment_each() -> None:
    """Paragraph mode keeps the line breaks inside a comment and drops the repeated paragraph."""
    thread = text.parse((FIXTURES / "text_paragraphs.txt").read_bytes(), "text_paragraphs.txt")
    assert [r.text for r in thread.records] == [
        "Remote work helps parents: no commute means\ntwo extra hours with the kids every day.",
        "It also hurts juniors, who learn by\noverhearing how seniors solve problems.",
        "Offices are for meetings; deep work happens at home.",
    ]
    assert thread.skipped == {"separator": 1, "duplicate": 1}


def test_windows_line_endings_and_bom_are_read() -> None:
    """A file saved by Notepad imports like any other."""
    thread = text.parse("\ufeffone\r\ntwo\r\n".encode(), "notepad.txt")
    assert [r.text for r in thread.records] == ["one", "two"]


@pytest.mark.parametrize("data", [b"   \n\n  \n", b"--\n***\n"])
def test_nothing_to_import_is_an_error(data: bytes) -> None:
    """Whitespace or dividers only: say so instead of importing nothing."""
    with pytest.raises(ImportFormatError, match=r"blank\.txt"):
        text.parse(data, "blank.txt")


def test_invalid_utf8_names_the_byte_offset() -> None:
    """A Latin-1 file is refused with where the first bad byte is."""
    with pytest.raises(ImportFormatError, match="byte offset 3"):
        text.parse("café au lait".encode("latin-1"), "latin1.txt")
