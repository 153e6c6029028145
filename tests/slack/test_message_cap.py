"""A reply reaches Slack as a few messages at most: huge quotes clipped with a note, a long list cut short with
"…and N more", on every path that posts (slash command, mention, in-place update, the poster), pinging
nobody; small replies are as they were."""

from __future__ import annotations

import json
import re
from typing import Any

from adapters.slack import SlackRuntime
from adapters.slack.limits import MAX_MESSAGES_PER_REPLY
from adapters.slack.render import blocks_and_text, render, render_messages
from bot.context import Context
from bot.core import Bot
from bot.models import Command, Place, Quote, QuotesReply, Reply, StanceCounts, StanceItem, StanceReply
from bot.registry import CommandSpec
from tests.discord.test_completion import add_changing
from tests.slack.conftest import Sender, http_config
from tests.slack.fake_slack import FakeSlack, block_problem
from tests.slack.slack_requests import mention

MEGABYTE = 1_000_000
EVIL = "<!everyone> <!here> <!channel> <@UADMIN> <!subteam^S0MODS> "
PINGS = re.compile(r"<[!@#]")


def quote(index: int, chars: int, author: str | None = None) -> Quote:
    """A quote of about `chars` characters that tries to ping everyone, by `a<index>` unless named."""
    words = (EVIL + "words and more words " * (chars // 21 + 1))[:chars]
    return Quote(comment_id=index, source_id=f"c{index}", text=words, author=author or f"a{index}",
                 url=f"https://forum.example/c/{index}", archive="hn")  # fmt: skip


def many_quotes(count: int = 300) -> QuotesReply:
    return QuotesReply(query="words", quotes=[quote(i, 200) for i in range(count)])


def long_list(count: int) -> StanceReply:
    items = [StanceItem(comment_id=i, text=f"{EVIL}comment {i} " + "words " * 40, label="agree", score=0.5)
             for i in range(count)]  # fmt: skip
    return StanceReply(claim="Remote work", archive="hn", counts=StanceCounts(agree=count), items=items)


def add_reply(bot: Bot, name: str, reply: Reply) -> None:
    """`name`: a command that answers with `reply`."""

    async def handler(ctx: Context, command: Command) -> Reply:
        return reply.model_copy(deep=True)

    bot.registry.add(CommandSpec(name=name, handler=handler, help="A big reply."))


def blocks_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = message.get("blocks") or []
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def shown(messages: list[dict[str, Any]]) -> str:
    return " ".join(str(m.get("text")) + json.dumps(blocks_of(m), ensure_ascii=False) for m in messages)


def last_line(message: dict[str, Any]) -> str:
    """The text of the message's last block (a context)."""
    return str(blocks_of(message)[-1]["elements"][0]["text"])


def assert_capped(fake: FakeSlack, messages: list[dict[str, Any]]) -> None:
    """At most the cap, every message one Slack accepts, and nothing in them that could ping."""
    assert 1 <= len(messages) <= MAX_MESSAGES_PER_REPLY, len(messages)
    assert not fake.refused and all(block_problem(blocks_of(m)) is None for m in messages)
    assert not PINGS.search(shown(messages))


async def ask(send: Sender, runtime: SlackRuntime, text: str) -> None:
    await send.command(text, user="UADMIN", user_name="ada")
    await runtime.work.drain(20)


async def test_three_quotes_of_a_megabyte_are_one_message_each_quote_clipped_with_a_note(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """Before the cap these were ten messages, the last cut off: now each quote ends with how long it was."""
    add_reply(
        bot, "huge", QuotesReply(quotes=[quote(0, MEGABYTE), quote(1, MEGABYTE), quote(2, MEGABYTE, "last")])
    )
    await ask(send, http_slack, "huge")
    posts = fake.posts()
    assert_capped(fake, posts)
    text = shown(posts)
    assert text.count(f"[cut: {MEGABYTE:,} characters in all; the whole comment is at its link]") == 3
    assert "*last*" in text and len(posts) == 1


async def test_very_many_quotes_end_with_how_many_were_left_out(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    add_reply(bot, "many", many_quotes(300))
    await ask(send, http_slack, "many")
    posts = fake.posts()
    assert_capped(fake, posts)
    authors = re.findall(r"\*a(\d+)\*", shown(posts))
    assert authors == [str(i) for i in range(len(authors))] and 0 < len(authors) < 300
    assert last_line(posts[-1]) == (
        f"\u2026and {300 - len(authors)} more quotes left out: a reply here is at most {MAX_MESSAGES_PER_REPLY} "
        "messages."
    )


async def test_a_long_list_by_mention_names_how_many_comments_are_not_listed_and_how_to_see_them(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    add_reply(bot, "biglist", long_list(5000))
    await send.event(mention("biglist"))
    await http_slack.work.drain(20)
    posts = fake.posts()
    assert_capped(fake, posts)
    listed = {int(n) for n in re.findall(r"#(\d+) \u201c", shown(posts))}
    assert listed == set(range(len(listed))) and 0 < len(listed) < 5000
    assert last_line(posts[-1]).startswith(
        f"\u2026and {5000 - len(listed):,} more of the 5,000 counted comments are not listed"
    )
    assert 'threadbot ask --space slack:TEAM_ID --archive hn "stance Remote work --all"' in last_line(
        posts[-1]
    )


async def test_a_completed_answer_updated_in_place_is_capped_too(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """A partial answer of one message completed into 5,000 comments: the message is updated, a few more
    posted, and the last says how many comments it could not list."""
    add_changing(bot, "changing", 0, 5000)
    await ask(send, http_slack, "changing")
    await bot.finish()
    [update] = fake.updates()
    assert update["ts"] == fake.messages[0]["ts"]
    assert_capped(fake, fake.messages)
    listed = {int(n) for n in re.findall(r"#(\d+) \u201c", shown(fake.messages))}
    assert last_line(fake.messages[-1]).startswith(f"\u2026and {5000 - len(listed):,} more of the 5,000")


async def test_a_post_on_the_bots_own_initiative_is_one_message_saying_what_it_left_out(
    bot: Bot, fake: FakeSlack
) -> None:
    async with SlackRuntime(bot, http_config(fake)) as runtime:
        assert runtime.poster is not None
        await runtime.poster.post(Place(platform="slack", space="T123", channel="C1"), many_quotes(300))
    [post] = fake.posts()
    assert_capped(fake, [post])
    authors = re.findall(r"\*a(\d+)\*", shown([post]))
    assert (
        last_line(post)
        == f"\u2026and {300 - len(authors)} more quotes left out: a reply here is at most 1 message."
    )


def test_small_replies_are_drawn_as_before() -> None:
    """Replies that fit are exactly their blocks, as before the cap: no note, nothing left out."""
    small: list[Reply] = [QuotesReply(query="words", quotes=[quote(i, 300) for i in range(3)]), long_list(40)]
    for reply in small:
        [message] = render_messages(reply)
        blocks, text = blocks_and_text(reply, None)
        assert (message.blocks, message.text) == (blocks, text) == (render(reply).blocks, render(reply).text)
