"""Disqus and WordPress (WXR) importers: moderation states, parents, and refused DTDs."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.importers import disqus, wxr
from storage.importers.records import ImportFormatError

FIXTURES = Path(__file__).parent / "fixtures"
SPEED = "https://town.example.org/2022/speed-limits/"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_disqus_posts_threads_and_skips() -> None:
    """Deleted, spam and empty posts are counted; links come from each post's thread."""
    thread = disqus.parse(_read("disqus_export.xml"), "disqus_export.xml")
    assert thread.title == "Lower speed limits in the centre?"
    assert thread.url == SPEED
    assert [(r.source_id, r.parent_id, r.author) for r in thread.records] == [
        ("101", None, "Lena"),
        ("102", "101", "marco"),  # no <name>: the username
        ("105", "103", "Omar"),  # its parent was deleted; the link is kept
        ("107", None, "Pia"),
    ]
    assert thread.records[0].text == "30 km/h saves lives & noise.\n\nParis did it."
    assert thread.records[0].url == SPEED + "#comment-101"
    assert thread.records[0].created_at == "2022-04-01T09:00:00+00:00"
    assert thread.records[3].url == "https://town.example.org/2022/market/#comment-107"
    assert thread.records[3].created_at is None
    assert thread.skipped == {"deleted": 1, "spam": 1, "empty": 1, "unreadable_date": 1}


def test_disqus_doctype_is_refused() -> None:
    """Entity expansion never runs: the DOCTYPE is refused with a clear reason."""
    with pytest.raises(ImportFormatError, match="DOCTYPE or ENTITY declaration"):
        disqus.parse(_read("disqus_doctype.xml"), "disqus_doctype.xml")


def test_broken_xml_gives_line_and_column() -> None:
    """Unclosed tags are located."""
    with pytest.raises(ImportFormatError, match=r"broken XML at line 2, column \d+"):
        disqus.parse(b'<disqus xmlns="http://disqus.com">\n<post></disqus>', "cut.xml")


def test_disqus_parser_on_wxr_says_what_it_expected() -> None:
    """The wrong XML root is named."""
    with pytest.raises(ImportFormatError, match="not a Disqus export"):
        disqus.parse(_read("wxr_export.xml"), "wxr_export.xml")


def test_wxr_approved_comments_only() -> None:
    """Pending, spam, trash and pingbacks are counted; multi-line text and parents survive."""
    thread = wxr.parse(_read("wxr_export.xml"), "wxr_export.xml")
    assert thread.title == "Peat-free compost: worth it?"
    assert thread.url == "https://garden.example.net/peat-free/"
    assert [(r.source_id, r.parent_id, r.author) for r in thread.records] == [
        ("501", None, "Hazel"),
        ("502", "501", "Rowan"),
        ("507", "503", "Hazel"),  # parent awaits moderation; the link is kept
        ("56:501", None, "Ivy"),  # same id on another post: qualified, not lost
    ]
    hazel, rowan, _, ivy = thread.records
    assert hazel.text == "Peat bogs store more carbon than forests.\nSwitching was easy for my tomatoes."
    assert rowan.text == "My seedlings struggled in it & I went back."
    assert hazel.created_at == "2021-05-01T09:00:00+00:00"  # the GMT date
    assert rowan.created_at == "2021-05-02T08:30:00"  # GMT unknown: local time, no zone invented
    assert hazel.url == "https://garden.example.net/peat-free/#comment-501"
    assert ivy.url == "https://garden.example.net/?p=56#comment-501"
    assert thread.skipped == {"unapproved": 1, "spam": 1, "trash": 1, "pingback": 1}


def test_wxr_parser_on_other_xml_says_what_it_expected() -> None:
    """A Disqus file read as WXR names the expected shape."""
    with pytest.raises(ImportFormatError, match="not a WordPress export"):
        wxr.parse(_read("disqus_export.xml"), "disqus_export.xml")


def test_absurdly_deep_xml_is_refused() -> None:
    """Thousands of nested elements are refused up front, not left to exhaust the stack."""
    deep = b'<disqus xmlns="http://disqus.com">' + b"<a>" * 5000 + b"</a>" * 5000 + b"</disqus>"
    with pytest.raises(ImportFormatError, match="nested more than 100 levels"):
        disqus.parse(deep, "deep.xml")
