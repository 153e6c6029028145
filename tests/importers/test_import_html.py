"""HTML to plain text, the conversion HN, Discourse, Disqus and WordPress bodies go through."""

from __future__ import annotations

import pytest

from storage.importers.html_text import html_to_text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("first<p>second", "first\n\nsecond"),  # HN's old unclosed paragraphs
        ("a<br>b<br/><br>c", "a\nb\n\nc"),
        ("&lt;tag&gt; &amp; &quot;q&quot; &#x27;s&#39; &euro;", "<tag> & \"q\" 's' €"),
        ('<a href="https://x.org/a">https://x.org/a</a>', "https://x.org/a"),
        ('see <a href="https://x.org/a">this page</a>.', "see this page."),
        ('<a href="https://x.org/a"></a>', "https://x.org/a"),
        (
            '<a href="https://example.com/very/long/path">https://example.com/very/...</a>',
            "https://example.com/very/long/path",
        ),
        ("<blockquote><p>q1</p><p>q2</p></blockquote><p>reply</p>", "> q1\n>\n> q2\n\nreply"),
        ("<blockquote>outer<blockquote>inner</blockquote></blockquote>", "> outer\n>\n> > inner"),
        ("<ul><li>a</li><li>b<ol><li>c</li></ol></li></ul>", "- a\n- b\n  1. c"),
        ("<pre><code>x = 1\n    y = 2\n</code></pre>", "x = 1\n    y = 2"),
        ("use <code>git  log</code> here", "use git log here"),
        ('<img src="a.png" alt="a cat">', "[image: a cat]"),
        ('<img src="a.png">', "[image]"),
        ('hi <img class="emoji" alt=":wave:" src="w.png">', "hi :wave:"),
        ("<script>alert(1)</script><style>p{}</style>kept", "kept"),
        ("a < b and c > d", "a < b and c > d"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, expected: str) -> None:
    """Each construct reads the way a person would have typed it."""
    assert html_to_text(markup) == expected


def test_keep_newlines_for_wordpress() -> None:
    """Bare line breaks are paragraphs in WordPress comments; indentation from the XML is not."""
    assert (
        html_to_text("\n    first line\nsecond\n\nthird  ", keep_newlines=True)
        == "first line\nsecond\n\nthird"
    )
