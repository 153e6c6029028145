"""CSV whose structure is broken is refused naming the line, not imported short: an unterminated quote, and a
header of millions of columns (the message stays short)."""

from __future__ import annotations

import pytest

from storage.importers import csv_format
from storage.importers.records import ImportFormatError


def test_an_unterminated_quote_is_refused_naming_its_line() -> None:
    """Line 3 opens a quote that never closes: it would swallow lines 4-6 into one comment with exit 0."""
    data = b'id,text\n1,first comment\n2,"second starts here\n3,third\n4,fourth\n5,fifth\n'
    with pytest.raises(ImportFormatError, match=r"bad\.csv: line 3 opens a quoted field that is never closed"):
        csv_format.parse(data, "bad.csv")


def test_a_quoted_multi_line_last_row_is_still_fine() -> None:
    """A closed quoted field may span lines, also in the last row."""
    thread = csv_format.parse(b'id,text\n1,one\n2,"two\nlines"\n', "ok.csv")
    assert [r.text for r in thread.records] == ["one", "two\nlines"]


def test_a_header_of_millions_of_columns_gives_a_short_message() -> None:
    """No text column among 2 million: the error lists a few and says how many there are."""
    header = ",".join(f"col{n}" for n in range(2_000_000))
    with pytest.raises(ImportFormatError) as caught:
        csv_format.parse((header + "\n1,2\n").encode(), "wide.csv")
    assert len(str(caught.value)) < 1000 and "2,000,000 in all" in str(caught.value)


def test_millions_of_columns_with_a_text_column_import_quickly_and_briefly() -> None:
    """A text column among 200k others: its rows import; a row's extra cells do not build a long message."""
    header = "text," + ",".join(f"c{n}" for n in range(200_000))
    thread = csv_format.parse((header + "\nhello there\nsecond row\n").encode(), "wide.csv")
    assert [r.text for r in thread.records] == ["hello there", "second row"]
