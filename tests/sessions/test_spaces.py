"""One space never sees another's sessions, queues, votes, recaps, readings or group archive."""

from __future__ import annotations

from bot.core import Bot
from bot.models import ErrorReply, TextReply
from tests.sessions.support import Clock, member, moderator, render, say


async def test_two_spaces_with_the_same_channel_name_are_isolated(bot: Bot, clock: Clock) -> None:
    mod_a, mod_b = moderator(bot, space="a"), moderator(bot, space="b")
    ann_a, ann_b = member(bot, "ann", space="a"), member(bot, "ann", space="b")
    await mod_a.ask("session record on")
    await mod_a.ask("session start Secret topic claim: tokens are thinking")
    await ann_a.ask("hand")
    await ann_a.ask("vote agree")
    await say(bot, ann_a, "Zebras are a secret of space a.")
    await ann_a.ask("reading add Secret reading 2025-03-20")

    for command in ["hand", "queue", "vote", "session stats"]:
        reply = await ann_b.ask(command)
        assert isinstance(reply, ErrorReply) and "No session is open" in reply.message, command
    status = await ann_b.ask("session")
    assert isinstance(status, TextReply) and "No session is open" in status.text
    assert "Nothing planned" in render(await ann_b.ask("reading list"))
    assert "group-" not in render(await ann_b.ask("archives"))
    outside = await ann_b.ask("quote zebras --archive group-console")
    assert isinstance(outside, ErrorReply)

    await mod_b.ask("session start Open topic")
    await say(bot, ann_b, "hello from b")
    assert "Vote: agree 1" not in render(await mod_b.ask("session end"))
    assert "Secret" not in render(await ann_b.ask("session recap"))

    forgot = await ann_b.ask("forget me")  # the same user id, another space: a's archive is untouched
    assert "removed 0" in render(forgot)
    inside = await ann_a.ask("quote zebras --archive group-console")
    assert inside.type == "quotes" and inside.quotes
    assert "Secret topic" in render(await ann_a.ask("session"))
