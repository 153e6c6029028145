"""Block Kit rendering of every reply type, within Slack's limits, and never a ping."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from adapters.slack.limits import MAX_BLOCKS, MAX_SECTION_CHARS
from adapters.slack.render import render
from bot.models import ErrorReply, Quote, QuotesReply, Span, TextReply

PINGS = re.compile(r"<[!@#]")


def quote(text: str = "tokens are not outcomes", **changes: object) -> Quote:
    values: dict[str, object] = {
        "comment_id": 1,
        "source_id": "c1",
        "text": text,
        "author": "alice",
        "url": "https://news.example/item?id=1",
        "archive": "hn",
        "created_at": "2024-05-01T10:00:00",
    }
    values.update(changes)
    return Quote.model_validate(values)


def texts(message_blocks: list[dict[str, object]]) -> str:
    return json.dumps(message_blocks, ensure_ascii=False)


def test_quotes_render_quote_author_link_and_archive() -> None:
    """A quote is a section with the words, author and source link; the archive is in a context."""
    reply = QuotesReply(query="tokens", quotes=[quote(highlights=[Span(start=0, end=6)])])
    message = render(reply)
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["context", "section", "context"]
    section = message.blocks[1]["text"]["text"]
    assert section.startswith("> *tokens* are not outcomes")
    assert "*alice*" in section and "<https://news.example/item?id=1|2024-05-01>" in section
    assert message.blocks[2]["elements"][0]["text"] == "archive `hn`"
    assert message.text == "\u201ctokens are not outcomes\u201d \u2014 alice"
    assert not message.ephemeral


def test_every_text_object_is_verbatim() -> None:
    """verbatim: Slack does no mention or link parsing of its own on our text."""
    message = render(QuotesReply(quotes=[quote()], note="n"))
    for block in message.blocks:
        for obj in [block.get("text"), *block.get("elements", [])]:
            if obj and obj["type"] == "mrkdwn":
                assert obj["verbatim"] is True


def test_quoted_broadcasts_and_mentions_stay_inert() -> None:
    """`<!everyone>`, `<!here>`, `<!channel>`, `<!subteam^..>` and `<@U..>` in a quote are escaped everywhere."""
    evil = "hey <!everyone> <!here> <!channel> <!subteam^S1|@mods> <@UADMIN> & <#C1>"
    reply = QuotesReply(query="<!here>", quotes=[quote(evil, author="<@UALICE>")], note="<!channel>")
    message = render(reply, asked="<@UBOB> asked")
    everything = message.text + texts(message.blocks)
    assert not PINGS.search(everything)
    assert "&lt;!everyone&gt;" in everything and "&amp;" in everything


def test_long_quote_is_split_into_sections_of_at_most_3000_characters() -> None:
    """A long comment stays verbatim over several sections; the citation follows the last one."""
    long_text = ("word & " * 2000).strip()
    message = render(QuotesReply(quotes=[quote(long_text)]))
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert len(sections) >= 5
    assert all(len(s) <= MAX_SECTION_CHARS for s in sections)
    assert "*alice*" in sections[-1]
    body = " ".join(
        line.removeprefix("> ") for s in sections for line in s.split("\n") if line.startswith(">")
    )
    assert body.replace("&amp;", "&").split() == long_text.split()


def test_many_blocks_are_fitted_to_fifty_with_fewer_quotes() -> None:
    """Never more than 50 blocks in one message: the quotes that do not fit are left out, and the last block
    says how many."""
    many = [quote(("x" * 2500 + " ") * 6, comment_id=i) for i in range(10)]
    message = render(QuotesReply(quotes=many))
    assert len(message.blocks) <= MAX_BLOCKS
    assert texts(message.blocks).count("*alice*") == 6
    assert message.blocks[-1]["elements"][0]["text"].startswith("\u2026and 4 more quotes left out")


def test_text_reply_has_header_text_and_bullets() -> None:
    """Help and lists: a header, the text, and the lines as bullets."""
    reply = TextReply(
        title="threadbot commands", text="I answer with quotes.", lines=["`quote [query]`: quote"]
    )
    message = render(reply)
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "threadbot commands", "emoji": False},
    }
    assert message.blocks[2]["text"]["text"] == "\u2022 `quote [query]`: quote"


def test_many_lines_are_packed_into_sections_within_the_limit() -> None:
    reply = TextReply(lines=[f"line {i} " + "y" * 90 for i in range(200)])
    sections = [b["text"]["text"] for b in render(reply).blocks]
    assert len(sections) > 1 and all(len(s) <= MAX_SECTION_CHARS for s in sections)


def test_error_reply_is_ephemeral_with_hint() -> None:
    """Errors are shown only to the one who asked, with how to fix it."""
    message = render(ErrorReply(message="No <archive>.", hint="Try `archives`."))
    assert message.ephemeral
    assert message.blocks[0]["text"]["text"] == ":warning: No &lt;archive&gt;."
    assert message.blocks[1]["elements"][0]["text"] == "Try `archives`."


class FutureReply(BaseModel):
    """A reply type added after the Slack adapter (e.g. a stance count)."""

    type: str = "future"
    summary: str = "3 for <!here>, 2 against"
    ephemeral: bool = False


def test_unknown_reply_types_fall_back_to_plain_text() -> None:
    """A reply type the adapter does not know yet is still shown, escaped."""
    message = render(FutureReply())  # type: ignore[arg-type]
    assert message.blocks and not PINGS.search(message.text + texts(message.blocks))


def test_a_hostile_title_is_an_inert_header_within_the_limit() -> None:
    """Members set session topics, claims, names and reading titles: in the header no mention, link or
    entity survives, the text is one line and at most 150 characters."""
    hostile = (
        "<!everyone> <@U123> <!subteam^S0MODS|mods> <!here> &lt;!channel&gt; <https://x.example|click>\n"
        + "@channel "
        + "long " * 60
    )
    header = render(TextReply(title=f"Reading session: {hostile}", text="Started.")).blocks[0]
    text = header["text"]["text"]
    assert header["type"] == "header" and header["text"]["type"] == "plain_text"
    assert len(text) <= 150 and "\n" not in text
    assert not re.search(r"[<>]|&\w+;", text), text
    assert "everyone" in text and "U123" in text  # what they wrote is still readable
    message = render(TextReply(title="Q&A: a > b", text="x")).blocks[0]["text"]["text"]
    assert message.startswith("Q&A")
