"""Timed work of sessions, run by bot/background.py every 20 s: closing sessions whose time is up (posting
their recap) and the day-before reading reminders. Both are driven by `now`, so tests need no sleeping."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.context import Context
from bot.sessions.lifecycle import TIMER, close_session
from bot.sessions.reading import remind_readings
from bot.times import iso
from storage.sql import DatabaseWriteError

log = logging.getLogger(__name__)


async def close_due_sessions(ctx: Context, now: datetime) -> int:
    closed = 0
    for session in await ctx.stores.sessions.due_sessions(iso(now)):
        try:
            closed += await close_session(ctx, session, closed_by=TIMER, post=True) is not None
        except DatabaseWriteError as error:
            log.warning("session %s is due but could not be closed (%s); the next tick tries again", session.id, error)
        except Exception:
            log.exception("closing session %s failed", session.id)
    return closed


async def tick(ctx: Context, now: datetime) -> None:
    try:
        await close_due_sessions(ctx, now)
    finally:
        await remind_readings(ctx, now)
