"""A write that cannot get the lock in time gets a specific reply (nothing stored), never "Something went wrong"."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.models import ErrorReply, TextReply
from storage import db as db_module

from .stance.test_stance_commands import CLAIM

pytestmark = pytest.mark.sqlite_only  # SQLite's write lock


async def test_a_vote_blocked_too_long_says_it_was_not_stored(
    bot: Bot, no_models: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock past the retry window: the vote is refused with the reason."""
    monkeypatch.setattr(db_module, "WRITE_WAIT_SECONDS", 0.3)
    member = ConsoleAdapter(bot, channel="c1", user="ann", moderator=False)
    holder = sqlite3.connect(bot.context.settings.db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        reply = await member.ask(f"stance vote agree {CLAIM}")
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert isinstance(reply, ErrorReply), reply
    assert reply.message == "The database is busy (an import is running); your vote or change was not stored."
    assert reply.hint == "Try again in a moment."
    again = await member.ask(f"stance vote agree {CLAIM}")
    assert isinstance(again, TextReply), again


async def test_a_write_waits_for_a_short_lock_instead_of_failing(bot: Bot, no_models: None) -> None:
    """A lock held for half a second (longer than SQLite's own per-try wait) only delays the vote."""
    member = ConsoleAdapter(bot, channel="c1", user="ben", moderator=False)
    holder = sqlite3.connect(bot.context.settings.db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        loop = asyncio.get_running_loop()
        loop.call_later(0.5, holder.execute, "ROLLBACK")
        reply = await member.ask(f"stance vote agree {CLAIM}")
    finally:
        holder.close()
    assert isinstance(reply, TextReply), reply
