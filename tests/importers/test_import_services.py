"""HN, Reddit and Discourse importers on hand-written responses with their edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.importers import discourse, hn, reddit
from storage.importers.records import ImportFormatError

FIXTURES = Path(__file__).parent / "fixtures"
HN = "https://news.ycombinator.com/item?id="
POST = "https://www.reddit.com/r/changemyview/comments/abc123/cmv_tipping_should_be_abolished/"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_hn_tree_html_deleted_and_story() -> None:
    """HTML becomes text, a shortened link shows its full address, deleted items are skipped but keep replies."""
    thread = hn.parse(_read("hn_story.json"), "hn_story.json")
    assert thread.title == "Show HN: A tiny static site generator"
    assert thread.url == HN + "4100"
    assert [(r.source_id, r.parent_id, r.author) for r in thread.records] == [
        ("4101", None, "alice"),  # answers the story, which is not a comment
        ("4103", "4101", "founder"),
        ("4104", "4102", "bob"),  # its parent was deleted; the link is kept
    ]
    first, code, _ = thread.records
    assert first.text == (
        "Nice work. Why not Markdown front matter?\n\n"
        "Hugo does it & it's handy: https://gohugo.io/content-management/front-matter/"
    )
    assert code.text == "It does, e.g.:\n\n  title: Hello\n  date: 2020-06-01\n\nSee the docs."
    assert first.url == HN + "4101"
    assert first.created_at == "2020-06-01T12:05:00+00:00"
    assert thread.skipped == {"story_without_text": 1, "deleted": 1, "empty": 1}


def test_hn_search_hits() -> None:
    """The flat search response is read too; the story title comes from the hits."""
    thread = hn.parse(_read("hn_search.json"), "hn_search.json")
    assert thread.title == "Ask HN: Is Rust worth learning in 2021?"
    assert [(r.source_id, r.parent_id, r.text) for r in thread.records] == [
        ("9001", None, "Rust's borrow checker pays for itself in month two."),
        ("9002", "9001", "Month two is when I quit."),
    ]


def test_hn_wrong_shape_is_explained() -> None:
    """A list is not an HN item."""
    with pytest.raises(ImportFormatError, match="not a Hacker News item"):
        hn.parse(b"[1, 2]", "list.json")


def test_reddit_tree_stubs_deleted_removed() -> None:
    """Depth-first comments; stubs, [deleted] and [removed] counted; entities unescaped."""
    thread = reddit.parse(_read("reddit_thread.json"), "reddit_thread.json")
    assert thread.title == "CMV: Tipping should be abolished"
    assert thread.url == POST
    assert [(r.source_id, r.parent_id, r.author) for r in thread.records] == [
        ("c1", None, "server_sam"),  # t3_ parent: answers the post itself
        ("c2", "c1", None),  # account deleted, words kept
        ("c5", "c4", "calm_kim"),  # parent removed, link kept
    ]
    assert thread.records[0].text == "Tips & wages aren't the same <thing>: tips reward effort."
    assert thread.records[0].url == POST + "c1/"
    assert thread.records[2].url == POST + "c5/"  # no permalink in the source: built from the post's
    assert thread.records[0].created_at == "2022-04-15T05:21:40+00:00"
    assert thread.skipped == {"more_stub": 2, "deleted": 1, "removed": 1}


def test_reddit_parser_on_csv_says_what_it_expected() -> None:
    """The wrong format gives a located JSON error, not a crash."""
    with pytest.raises(ImportFormatError, match=r"broken Reddit JSON at line 1, column 1"):
        reddit.parse(_read("comments.csv"), "comments.csv")
    with pytest.raises(ImportFormatError, match="not a Reddit comments response"):
        reddit.parse(b'{"comments": []}', "other.json")


def test_reddit_post_without_comments_is_an_error() -> None:
    """Only the post listing: nothing to import, and the user is told."""
    post_only = b'[{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"title": "T"}}]}}]'
    with pytest.raises(ImportFormatError, match="no comment text found"):
        reddit.parse(post_only, "post.json")


def test_discourse_cooked_html_and_reply_numbers() -> None:
    """Quotes keep "> ", lists keep bullets, emoji keep codes; reply numbers become post ids."""
    thread = discourse.parse(_read("discourse_topic.json"), "discourse_topic.json")
    assert thread.title == "Should we switch the club newsletter to email only?"
    assert thread.url == "/t/newsletter-email-only/321"
    assert [(r.source_id, r.parent_id, r.author) for r in thread.records] == [
        ("1001", None, "chair"),
        ("1004", "1001", "treasurer"),
        ("1005", "1003", "member_ann"),  # replied to a deleted post: its id is still known
    ]
    chair, treasurer, ann = thread.records
    assert chair.text == (
        "Printing costs €400 a year.\nOptions:\n\n- email only\n- print on request\n\nVote below :ballot_box:"
    )
    assert treasurer.text == (
        "chair:\n\n> Printing costs €400 a year.\n\n"
        "That is 8% of our budget. Run SELECT sum(cost) on the ledger & see.\n\n"
        "[image: cost chart 2019-2023]"
    )
    assert ann.text.endswith("1. ask at the desk\n2. pick it up monthly")
    assert treasurer.created_at == "2023-09-11T00:15:00+00:00"
    assert treasurer.url == "/t/newsletter-email-only/321/4"
    assert thread.skipped == {"moderator_action": 1, "deleted": 1}


def test_discourse_base_url_makes_links_absolute() -> None:
    """When the forum is known, links point at it."""
    thread = discourse.parse(_read("discourse_topic.json"), "t.json", base_url="https://club.example.org/")
    assert thread.records[0].url == "https://club.example.org/t/newsletter-email-only/321/1"
    assert thread.url == "https://club.example.org/t/newsletter-email-only/321"


def test_discourse_wrong_shape_is_explained() -> None:
    """A JSON object without posts names what was expected."""
    with pytest.raises(ImportFormatError, match=r"post_stream\.posts"):
        discourse.parse(b'{"topic": 1}', "t.json")
