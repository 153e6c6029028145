"""Slack markup both ways: outgoing text can never ping, incoming text reads as the user typed it."""

from __future__ import annotations

import pytest

from adapters.slack.escape import escape, link, strip_mention, unformat


@pytest.mark.parametrize(
    "text",
    [
        "<!everyone>",
        "<!here>",
        "<!channel>",
        "<!subteam^S0MODS|@mods>",
        "<@UADMIN>",
        "<#C1|general>",
        "<https://x.y|z>",
    ],
)
def test_escape_makes_every_control_sequence_inert(text: str) -> None:
    """No `<` or `>` survives escaping, so Slack sees no mention, broadcast or link."""
    escaped = escape(f"hi {text} & bye")
    assert "<" not in escaped and ">" not in escaped
    assert escaped.endswith("&amp; bye")


def test_escape_escapes_ampersand_first() -> None:
    """`&lt;` typed by a user stays visible as `&lt;`, not as `<`."""
    assert escape("&lt;") == "&amp;lt;"


def test_unformat_turns_markup_back_into_words() -> None:
    """Mentions, broadcasts, channels and links read as the user saw them."""
    text = (
        "see <@U1|alice> <@U2> <!here> <!subteam^S1|@mods> <#C1|general> <https://a.b/c|a.b/c> &lt;3 &amp; co"
    )
    assert unformat(text) == "see @alice @U2 @here @mods #general a.b/c <3 & co"


def test_strip_mention_takes_the_text_after_the_bots_mention() -> None:
    """`@threadbot quote tokens` and `hey @threadbot quote tokens` both mean `quote tokens`."""
    assert strip_mention("<@UBOT> quote tokens", "UBOT") == "quote tokens"
    assert strip_mention("hey <@UBOT|threadbot> quote tokens", "UBOT") == "quote tokens"
    assert strip_mention("quote tokens <@UBOT>", "UBOT") == "quote tokens"
    assert strip_mention("<@UBOT> quote <@UALICE>", "UBOT") == "quote <@UALICE>"


def test_link_only_links_http_urls() -> None:
    """A citation link is `<url|label>` for http(s); other schemes are shown, never linked."""
    assert link("https://ex.com/a?b=1&c=2|x", "src") == "<https://ex.com/a?b=1&amp;c=2%7Cx|src>"
    assert link("javascript:alert(1)", "src") == "src (javascript:alert(1))"
    assert link(None, "a|b<") == "a\u2223b&lt;"
