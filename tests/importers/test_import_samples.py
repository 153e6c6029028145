"""Conformance: the real and schema-faithful samples in ../shared/data/threads, and the bundled seed thread.

The samples are not copied into the project; these tests run when the shared folder sits next to the repo.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.importers.detect import detect_format, parse_file
from storage.importers.records import ImportFormatError, ParsedThread, content_hash

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
THREADS = SHARED / "data" / "threads"
SEED = REPO / "storage" / "seed" / "sample_thread.txt"
SHARED_SEED = SHARED / "seed" / "000_6cd3481857291bb0.txt"

# path -> (format, comments imported, skipped); verified by walking each file by hand
EXPECTED: dict[str, tuple[str, int, dict[str, int]]] = {
    # 199 t1 comments, of which 4 "[deleted]" and 1 "[removed]"; 125 "load more" stubs
    "reddit/graw_thread.json": ("reddit", 194, {"more_stub": 125, "deleted": 4, "removed": 1}),
    "reddit/graw_more.json": ("reddit", 50, {"more_stub": 11}),
    # 4 posts, one of them the "now pinned" moderator notice
    "discourse/discourse_api_topic_57.json": ("discourse", 3, {"moderator_action": 1}),
    "discourse/discourse_api_posts_latest.json": ("discourse", 4, {}),
    # the root is itself a comment (parent 15), with two replies
    "hn/algolia_items_17_from_node-hacker-news-api.json": ("hn", 3, {}),
    # posts 4, 5, 6 (orphan thread), 8, 11 (reply to deleted 9); 9 is deleted
    "disqus/isso_tests_disqus.xml": ("disqus", 5, {"deleted": 1}),
    # 7 comments on the first post, 1 on the second (reusing id 11)
    "disqus/isso_tests_wordpress.xml": ("wxr", 8, {}),
    "disqus/isso_tests_generic.json": ("json", 2, {}),
    # two r/changemyview threads re-serialised as Reddit listings: every t1 has a body, no stubs
    "cmv/cmv_driving_2rk7my.reddit.json": ("reddit", 198, {}),
    "cmv/cmv_paris_guns_2rnr30.reddit.json": ("reddit", 137, {}),
}
NO_TEXT = {
    "mastodon/bigbone_context_skeleton.json": "json",
    # ten CMV conversations as nested trees (conversation_id, op_text, tree): no flat comment records
    "cmv/cmv_10_conversation_trees.json": "json",
}


def _sample(relative: str) -> Path:
    path = THREADS / relative
    if not path.is_file():
        pytest.skip(f"shared sample {relative} not present")
    return path


def _check_records(thread: ParsedThread) -> None:
    ids = [record.source_id for record in thread.records]
    assert len(ids) == len(set(ids)), "source ids must be unique within a thread"
    for record in thread.records:
        assert record.text.strip() == record.text and record.text
        assert record.parent_id != record.source_id


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_shared_sample(relative: str) -> None:
    """Detected as the right format, with the verified number of comments and skip reasons."""
    path = _sample(relative)
    fmt, count, skipped = EXPECTED[relative]
    assert detect_format(path.read_bytes(), path.name) == fmt
    thread = parse_file(path)
    assert thread.format == fmt
    assert len(thread.records) == count
    assert thread.skipped == skipped
    _check_records(thread)


@pytest.mark.parametrize("relative", sorted(NO_TEXT))
def test_shared_skeleton_without_text_fails_clearly(relative: str) -> None:
    """A file without flat comment records (the Mastodon skeleton, the CMV trees): a clear error, not a silent empty import."""
    path = _sample(relative)
    assert detect_format(path.read_bytes(), path.name) == NO_TEXT[relative]
    with pytest.raises(ImportFormatError, match="no comment text found in record 1"):
        parse_file(path)


def test_every_shared_sample_is_covered() -> None:
    """A sample added to the shared folder must get an expectation here."""
    if not THREADS.is_dir():
        pytest.skip("shared samples not present")
    found = {path.relative_to(THREADS).as_posix() for path in THREADS.rglob("*") if path.is_file()}
    assert found <= set(EXPECTED) | set(NO_TEXT)


def test_reddit_sample_details() -> None:
    """Title from the post, depth-first order, parents of replies, full urls."""
    thread = parse_file(_sample("reddit/graw_thread.json"))
    assert thread.title and thread.title.startswith("my wife passed away eight months ago")
    first, second = thread.records[:2]
    assert (first.source_id, first.parent_id, first.author) == ("c9ftsjg", None, "bacon_cake")
    assert (second.parent_id, second.author) == ("c9ftsjg", "hglkgkjd")
    assert (
        first.url
        == "https://www.reddit.com/r/self/comments/1cebxh/my_wife_passed_away_eight_months_ago_yesterday_i/c9ftsjg/"
    )
    assert not any("&amp;" in record.text for record in thread.records)


def test_hn_sample_details() -> None:
    """HTML stripped, parents and urls as HN has them."""
    thread = parse_file(_sample("hn/algolia_items_17_from_node-hacker-news-api.json"))
    assert [(r.source_id, r.parent_id, r.author, r.text) for r in thread.records] == [
        ("17", "15", "pg", "Is there anywhere to eat on Sandhill Road?"),
        ("1079", "17", "dmon", "sure"),
        ("454426", "17", "Arrington", "This is why we can't have nice things."),
    ]
    assert thread.records[0].url == "https://news.ycombinator.com/item?id=17"


def test_seed_imports_as_one_thread_without_duplicates() -> None:
    """The seed holds the thread captured twice: 86 lines give 49 distinct comments."""
    thread = parse_file(SEED)
    assert thread.format == "text"
    assert len(thread.records) == 49
    assert thread.skipped == {"duplicate": 35, "separator": 2}
    hashes = {content_hash(record.text) for record in thread.records}
    assert len(hashes) == len(thread.records)
    assert thread.records[0].text.startswith("So much of this is so worthwhile!")
    _check_records(thread)


def test_shared_seed_matches_the_bundled_one() -> None:
    """The copy in ../shared/seed imports identically."""
    if not SHARED_SEED.is_file():
        pytest.skip("shared seed not present")
    assert parse_file(SHARED_SEED).records == parse_file(SEED).records
