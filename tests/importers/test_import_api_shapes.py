"""Mastodon contexts and WordPress REST comments (the shapes a link import fetches) as importable files too,
and the tombstones the HN, Reddit and Discourse parsers record for a re-import to delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.importers import mastodon, wp_json
from storage.importers.detect import detect_format, parse_file
from storage.importers.records import ImportFormatError

THREADS = Path(__file__).resolve().parents[1] / "fixtures" / "threads"


def test_a_mastodon_context_is_detected_and_its_html_becomes_text() -> None:
    path = THREADS / "mastodon_context.json"
    assert detect_format(path.read_bytes(), path.name) == "mastodon"
    thread = parse_file(path)
    assert [r.author for r in thread.records] == ["ines", "tomas", "ren", "ines"]
    reply = thread.records[1]
    assert reply.text.startswith("@ines Padding is unfair")  # the mention's markup is gone
    assert reply.parent_id == "103188938570975982"
    assert reply.url == "https://social.example/@tomas/103188971072973252"
    assert thread.title == "Mastodon thread by ines"


def test_a_status_keeps_its_content_warning_and_a_boost_is_skipped() -> None:
    status = json.loads((THREADS / "mastodon_status.json").read_text(encoding="utf-8"))
    boost = dict(status, id="9", reblog={"id": "1"})
    thread = mastodon.parse(json.dumps([status, boost]).encode(), "statuses.json")
    assert [r.source_id for r in thread.records] == ["103189005915505698"]
    assert thread.records[0].text.startswith("CW: benchmarks\n\nThe essay's numbers")
    assert thread.skipped == {"boost": 1}


def test_the_bigbone_skeleton_without_content_is_still_refused() -> None:
    skeleton = b'{"ancestors": [{"id": "1", "in_reply_to_id": null}], "descendants": []}'
    assert detect_format(skeleton, "context.json") == "json"
    with pytest.raises(ImportFormatError, match="no comments to import"):
        mastodon.parse(skeleton, "context.json")


def test_wordpress_rest_comments_are_detected_parented_and_dated_in_utc() -> None:
    path = THREADS / "wordpress_comments.json"
    assert detect_format(path.read_bytes(), path.name) == "wp-json"
    thread = parse_file(path)
    assert thread.skipped == {"pingback": 1}
    by_id = {r.source_id: r for r in thread.records}
    assert by_id["1401"].parent_id is None and by_id["1402"].parent_id == "1401"
    assert by_id["1401"].created_at == "2025-01-20T10:12:44+00:00"  # date_gmt, not the site's local date
    assert by_id["1406"].text == "> repeats the first\n\nThat is what a summary is for, some readers skip to it."
    assert by_id["1401"].url is not None and by_id["1401"].url.endswith("#comment-1401")


def test_wordpress_refuses_what_is_not_its_comments() -> None:
    with pytest.raises(ImportFormatError, match="not WordPress comments"):
        wp_json.parse(b'[{"id": 1, "content": "plain"}]', "x.json")


def test_deleted_comments_are_recorded_as_tombstones() -> None:
    thread = parse_file(THREADS / "reddit_graw_thread.json")
    assert len(thread.gone) == thread.skipped["deleted"] + thread.skipped["removed"] == 5
    assert not thread.gone & {r.source_id for r in thread.records}
