"""A reply reaches Discord as a few messages at most: huge quotes clipped with a note, a long list cut short with
"…and N more", on every path that sends (response, follow-ups, mentions, in-place edits, posts), pinging
nobody; small replies are as they were."""

from __future__ import annotations

import re

from adapters.discord.inbound import PLATFORM
from adapters.discord.limits import MAX_MESSAGES_PER_REPLY
from adapters.discord.packing import Outgoing, pack
from adapters.discord.render import pieces_of, render
from bot.context import Context
from bot.core import Bot
from bot.models import (
    Command,
    Place,
    Quote,
    QuotesReply,
    Reply,
    StanceCounts,
    StanceItem,
    StanceReply,
    TextReply,
)
from bot.registry import CommandSpec
from tests.discord.conftest import Running, StartBot
from tests.discord.fake_discord import FakeDiscord, Sent
from tests.discord.test_completion import add_changing
from tests.discord.test_stance_buttons import assert_no_pings

MEGABYTE = 1_000_000
EVIL = "@everyone @here <@&1234> <@5678> "


def quote(index: int, chars: int, author: str | None = None) -> Quote:
    """A quote of about `chars` characters that tries to ping everyone, by `a<index>` unless named."""
    words = (EVIL + "words and more words " * (chars // 21 + 1))[:chars]
    return Quote(comment_id=index, source_id=f"c{index}", text=words, author=author or f"a{index}",
                 url=f"https://forum.example/c/{index}", archive="hn")  # fmt: skip


def huge_quotes() -> QuotesReply:
    """Three quotes of 1 MB each; the last is by `last`."""
    return QuotesReply(
        query="words", quotes=[quote(0, MEGABYTE), quote(1, MEGABYTE), quote(2, MEGABYTE, "last")]
    )


def many_quotes(count: int = 300) -> QuotesReply:
    return QuotesReply(query="words", quotes=[quote(i, 200) for i in range(count)])


def long_list(count: int = 2000) -> StanceReply:
    items = [StanceItem(comment_id=i, text=f"{EVIL}comment {i} " + "words " * 30, label="agree", score=0.5)
             for i in range(count)]  # fmt: skip
    return StanceReply(claim="Remote work", archive="hn", counts=StanceCounts(agree=count), items=items)


def add_reply(bot: Bot, name: str, reply: Reply) -> None:
    """`name`: a command that answers with `reply`."""

    async def handler(ctx: Context, command: Command) -> Reply:
        return reply.model_copy(deep=True)

    bot.registry.add(CommandSpec(name=name, handler=handler, help="A big reply."))


def messages_of(sent: list[Sent]) -> list[Sent]:
    """The messages as they stand: the latest version of each, in the order they were first sent."""
    latest: dict[str, Sent] = {}
    for one in sent:
        if one.via == "delete":
            latest.pop(str(one.message.get("id")), None)
        elif one.via != "deferred":
            latest[str(one.message["id"])] = one
    return list(latest.values())


def quoted_authors(messages: list[Sent]) -> list[str]:
    return [str(e.get("title")) for m in messages for e in m.embeds if e.get("title")]


def listed_ids(messages: list[Sent]) -> set[int]:
    return {int(n) for m in messages for n in re.findall(r"#(\d+) \u00b7", m.text())}


def assert_capped(messages: list[Sent], more: str | None) -> None:
    """At most the cap (each within Discord's limits: the fake checks), the last ending with `more`."""
    assert 1 <= len(messages) <= MAX_MESSAGES_PER_REPLY, len(messages)
    if more is not None:
        assert (messages[-1].embeds[-1].get("description") or "").startswith(more)


async def test_three_quotes_of_a_megabyte_are_three_messages_each_clipped_with_a_note(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    """Before the cap these were 732 messages: now one embed per quote, each ending with how long it was."""
    add_reply(bot, "huge", huge_quotes())
    running = await start_bot()
    asked = await fake.slash(running.world.general, running.world.alice, "huge")
    await fake.wait_for(lambda: "last" in quoted_authors(messages_of(asked.sent)), timeout=20)
    messages = messages_of(asked.sent)
    assert_capped(messages, None)
    assert quoted_authors(messages) == ["a0", "a1", "last"] and messages[-1].embeds[-1]["title"] == "last"
    for embed in (e for m in messages for e in m.embeds):
        assert embed["description"].endswith(
            f"[cut: {MEGABYTE:,} characters in all; the whole comment is at its link]"
        )
        assert len(embed["description"]) <= 4096
    assert_no_pings(fake)


async def test_very_many_quotes_end_with_how_many_were_left_out(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    add_reply(bot, "many", many_quotes(300))
    running = await start_bot()
    asked = await fake.slash(running.world.general, running.world.alice, "many")
    await fake.wait_for(lambda: "\u2026and" in "".join(m.text() for m in messages_of(asked.sent)), timeout=20)
    messages = messages_of(asked.sent)
    shown = quoted_authors(messages)
    assert shown == [f"a{i}" for i in range(len(shown))] and 0 < len(shown) < 300
    left = 300 - len(shown)
    assert_capped(
        messages, f"\u2026and {left} more quotes left out: a reply here is at most {MAX_MESSAGES_PER_REPLY}"
    )
    assert messages[0].via in {"response", "edit"} and {m.via for m in messages[1:]} == {"followup"}
    assert_no_pings(fake)


async def test_a_long_list_by_mention_names_how_many_comments_are_not_listed_and_how_to_see_them(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    """The first reply to a mention and the messages after it, into the channel: capped the same way."""
    add_reply(bot, "biglist", long_list(2000))
    running = await start_bot()
    await fake.user_message(running.world.general, running.world.alice, f"{fake.me.mention} biglist")
    await fake.wait_for(lambda: "\u2026and" in "".join(m.text() for m in messages_of(fake.sent)), timeout=20)
    messages = messages_of(fake.sent)
    listed = listed_ids(messages)
    assert listed == set(range(len(listed))) and 0 < len(listed) < 2000
    assert_capped(
        messages, f"\u2026and {2000 - len(listed):,} more of the 2,000 counted comments are not listed"
    )
    assert (
        'threadbot ask --space discord:SERVER_ID --archive hn "stance Remote work --all"'
        in messages[-1].text()
    )
    assert "message_reference" in messages[0].payload
    assert_no_pings(fake)


async def test_a_completed_answer_edited_in_place_is_capped_too(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    """A partial answer of one message completed into 3,000 comments: the original response is edited, a few
    follow-ups sent, and the last says how many comments it could not list."""
    add_changing(bot, "changing", 0, 3000)
    running = await start_bot()
    asked = await fake.slash(running.world.general, running.world.alice, "changing")
    await fake.wait_for(lambda: "\u2026and" in "".join(m.text() for m in messages_of(asked.sent)), timeout=20)
    messages = messages_of(asked.sent)
    assert [m.via for m in messages] == ["edit", *["followup"] * (len(messages) - 1)]
    listed = listed_ids(messages)
    assert_capped(messages, f"\u2026and {3000 - len(listed):,} more of the 3,000 counted comments")
    assert_no_pings(fake)


async def test_a_post_on_the_bots_own_initiative_is_capped(running: Running) -> None:
    fake, world = running.fake, running.world
    place = Place(platform=PLATFORM, space=str(world.alpha.id), channel=str(world.general.id))
    await running.bot.context.posters.post(place, many_quotes(300))
    messages = messages_of(fake.sent)
    shown = quoted_authors(messages)
    assert [m.via for m in messages] == ["channel"] * len(messages)
    assert_capped(messages, f"\u2026and {300 - len(shown)} more quotes left out")
    assert_no_pings(fake)


def as_sent(messages: list[Outgoing]) -> list[tuple[str | None, list[dict[str, object]]]]:
    return [(m.content, [dict(e.to_dict()) for e in m.embeds]) for m in messages]


def test_small_replies_are_drawn_as_before() -> None:
    """Replies that fit are exactly their pieces packed, as before the cap: no note, nothing left out."""
    small: list[Reply] = [
        QuotesReply(query="words", quotes=[quote(i, 300) for i in range(3)], note="Starting over."),
        TextReply(title="Archives", lines=[f"archive {i}" for i in range(20)]),
        long_list(40),
    ]
    for reply in small:
        assert as_sent(render(reply)) == as_sent(pack(pieces_of(reply)))
        assert "\u2026and" not in str(as_sent(render(reply)))
    [message] = render(small[0])
    assert [e.title for e in message.embeds] == ["a0", "a1", "a2"] and message.content == "Starting over."
