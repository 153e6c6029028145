"""`stance` and `counter` asked in Slack (real Bolt over loopback): Block Kit answers within limits, no pings."""

from __future__ import annotations

import json
import re

from adapters.slack import SlackRuntime
from bot.core import Bot
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.slack.conftest import TEAM, Sender
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import mention

PINGS = re.compile(r"<[!@#]")
EVIL = "<!everyone> <!here> <!channel> <@UADMIN> <!subteam^S0MODS|@mods>"


def big_thread(count: int) -> list[CommentRecord]:
    """`count` long comments on remote work, half of them disagreeing, some with broadcast mentions."""
    comments = []
    for i in range(count):
        side = "I disagree, remote work is not productive" if i % 2 else "I agree, remote work is productive"
        comments.append(
            CommentRecord(
                source_id=f"c{i}",
                text=f"{side} for team {i}. "
                + "We tried it for a year and measured it carefully. " * 12
                + EVIL,
                author=f"<@U{i:04d}>",
                url=f"https://news.example/item?id={i}",
            )
        )
    return comments


def visible(message: dict[str, object]) -> str:
    """What Slack would render: the fallback text and the blocks, without the buttons' hidden values."""
    blocks = [b for b in message["blocks"] if b["type"] != "actions"]  # type: ignore[union-attr,index]
    return str(message["text"]) + json.dumps(blocks, ensure_ascii=False)


async def test_stance_all_over_200_comments_is_posted_within_limits(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """`/stance ... --all` on 200 matching comments: Slack accepts every message and every comment is listed."""
    await bot.context.stores.archives.import_records(
        f"slack:{TEAM}", "big", big_thread(200), created_at=now_iso(bot.context)
    )
    answer = await send.command("remote work is productive --all --archive big", command="/stance")
    assert answer.status == 200 and answer.seconds < 3
    await http_slack.work.drain(20)
    posts = fake.posts()
    assert posts and not fake.refused and not fake.ephemerals()
    listed = " ".join(visible(p) for p in posts)
    assert "Where the thread stands" in listed and "```" in listed
    ids = set(re.findall(r"#(\d+) \u201c", listed))
    counted = re.search(r"Every counted comment \((\d+)\)", listed)
    assert counted and len(ids) == int(counted.group(1)) >= 60  # the engine scores the most relevant ones
    assert not PINGS.search(listed) and "&lt;!everyone&gt;" in listed


async def test_stance_by_mention_shows_chart_and_cited_sides(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """`@threadbot stance ...`: the counts as a bar chart and a cited quote for each side, in the thread."""
    await bot.context.stores.archives.import_records(
        f"slack:{TEAM}", "big", big_thread(6), created_at=now_iso(bot.context)
    )
    await send.event(mention("stance remote work is productive --archive big", thread_ts="1699990000.000100"))
    await http_slack.work.drain(20)
    [post] = fake.posts()
    shown = visible(post)
    assert post["thread_ts"] == "1699990000.000100"
    assert "*Agrees*" in shown and "*Disagrees*" in shown and "news.example/item?id=" in shown
    assert re.search(r"agree +[█░]{10} +\d", shown) and post["text"].startswith("Stance toward")
    assert not PINGS.search(shown)


async def test_counter_is_a_cited_quote_or_says_none(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """`/counter`: the comment against the claim, cited and inert; a claim nobody discussed gets the plain note."""
    await bot.context.stores.archives.import_records(
        f"slack:{TEAM}", "big", big_thread(6), created_at=now_iso(bot.context)
    )
    await send.command("remote work is productive --archive big", command="/counter")
    await send.command("xylophone zeppelin --archive big", command="/counter")
    await http_slack.work.drain(20)
    posts = fake.posts()
    assert len(posts) == 2
    # the two commands run concurrently: tell the replies apart by what they say, not by arrival order
    none_note = "I found no comment that argues against that."
    found = next(post for post in posts if none_note not in visible(post))
    none = next(post for post in posts if post is not found)
    assert (
        "*Against*" in visible(found) and "I disagree" in visible(found) and not PINGS.search(visible(found))
    )
    assert none_note in visible(none)
