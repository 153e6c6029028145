"""The background half of a link import started in chat: run it, then post how it went in the channel it was
asked from; and the follows' tick, which re-imports due threads and posts nothing.

Both go through `bot.fetch.import_link` and `ctx.services.tasks` under one key per space, archive and thread,
so a chat import and a follow of the same thread never run side by side in a process; a follow is also claimed
in the database first (storage/follow_store.py), so no two processes run it at once either.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

from bot.context import Context
from bot.errors import UserFacingError
from bot.fetch import Link, LinkImport, import_link, read_link
from bot.models import Place, TextReply
from bot.posting import ChannelGoneError
from bot.times import as_utc, iso, now_iso
from storage.follow_store import FollowRecord
from storage.sql import DatabaseBusyError, DatabaseError

log = logging.getLogger(__name__)

MAX_BACKOFF_STEPS = 4
"""A follow that keeps failing waits up to 2**4 times its interval before the next try."""


def run_key(space_key: str, archive_name: str, thread_key: str) -> str:
    return f"link:{space_key}:{archive_name}:{thread_key}"


def lease(ctx: Context) -> timedelta:
    """How long a follow's run may hold it: longer than any import can take (its time limit, then the write)."""
    return timedelta(seconds=ctx.settings.fetch_total_seconds + 600)


async def _import(ctx: Context, link: Link, space_key: str, archive_name: str) -> LinkImport:
    return await import_link(
        ctx.stores.archives,
        link,
        space_key=space_key,
        archive_name=archive_name,
        settings=ctx.settings,
        created_at=now_iso(ctx),
    )


def _failure(error: BaseException) -> tuple[str, str | None]:
    """What to tell about a failed import: the message and hint of the errors meant for users, else a ref."""
    if isinstance(error, UserFacingError | DatabaseBusyError):
        return error.message, error.hint
    if isinstance(error, DatabaseError):
        return str(error), None
    ref = uuid.uuid4().hex[:8]
    log.error("link import failed (ref %s)", ref, exc_info=error)
    return f"Something went wrong while importing (ref {ref}).", "Try again; if it keeps failing, tell the operator this ref."


def finished(done: LinkImport) -> TextReply:
    return TextReply(title="Import finished", text=done.headline(), lines=done.details())


async def import_now(ctx: Context, link: Link, place: Place, archive_name: str) -> TextReply:
    """The import in the foreground, its outcome the reply (failures raise, for the core to answer)."""
    return finished(await _import(ctx, link, place.space_key, archive_name))


async def import_and_report(ctx: Context, link: Link, place: Place, archive_name: str) -> None:
    """A chat command's import: run it, then post the outcome where it was asked for."""
    try:
        reply = finished(await _import(ctx, link, place.space_key, archive_name))
    except asyncio.CancelledError:
        raise
    except Exception as error:
        message, hint = _failure(error)
        reply = TextReply(title="Import failed", text=message, lines=[hint] if hint else [])
    try:
        await ctx.posters.post(place, reply)
    except ChannelGoneError as error:
        log.warning("link import of %s finished, but %s #%s is gone: %s", link.url, place.space_key, place.channel, error)
    except Exception:
        log.exception("posting the outcome of the link import of %s failed", link.url)


async def tick(ctx: Context, now: datetime) -> None:
    """Start every due follow that no run holds; each runs as its own task, so the tick returns at once."""
    now = as_utc(now)
    store = ctx.stores.follows
    lease_from = iso(now - lease(ctx))
    for follow in await store.due(iso(now), lease_from):
        key = run_key(follow.space_key, follow.archive_name, follow.origin)
        if ctx.services.tasks.running(key):
            continue  # a chat import of the same thread: this follow waits for the next tick
        token = uuid.uuid4().hex
        if not await store.claim(follow.id, iso(now), token, lease_from):
            continue  # another process (or tick) took it
        if not ctx.services.tasks.start(key, run_follow(ctx, follow, token, now)):
            await store.release(follow.id, token)


async def run_follow(ctx: Context, follow: FollowRecord, token: str, started: datetime) -> None:
    """One re-import of a followed thread; its outcome is stored (`archive follows`), never posted."""
    store = ctx.stores.follows
    try:
        link = read_link(follow.url, ctx.settings.fetch_hn_api)
        done = await _import(ctx, link, follow.space_key, follow.archive_name)
        result, failures = done.short(), 0
    except asyncio.CancelledError:
        await asyncio.shield(store.release(follow.id, token))  # the bot is stopping: due again at the next start
        raise
    except Exception as error:
        message, _ = _failure(error)
        result, failures = f"failed: {message}", follow.failures + 1
        log.warning("followed thread %s (%s/%s) failed: %s", follow.url, follow.space_key, follow.archive_name, message)
    wait = follow.every_seconds * 2 ** min(failures, MAX_BACKOFF_STEPS)
    await store.finish(
        follow.id,
        token,
        at=now_iso(ctx),
        result=result,
        failures=failures,
        next_run_at=iso(started + timedelta(seconds=wait)),
    )
