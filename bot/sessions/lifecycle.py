"""Opening state and closing sessions: which session is active in a channel, closing with a recap (by a
moderator or by the timer), and posting on the bot's own initiative without ever failing the caller."""

from __future__ import annotations

import logging

from bot.archive_choice import GROUP_ARCHIVE_PREFIX
from bot.context import Context
from bot.errors import NotFoundError
from bot.models import Place, Reply, TextReply
from bot.posting import ChannelGoneError, Posted
from bot.sessions.common import place_from
from bot.sessions.recap import Recap, build_recap, render_recap
from bot.sessions.sides import archive_sides
from bot.sides import ArchiveSides
from bot.times import from_iso, iso, now_utc
from storage.session_store import SessionRow

log = logging.getLogger(__name__)

GROUP_PREFIX = GROUP_ARCHIVE_PREFIX
TIMER = "the timer"


def can_post(ctx: Context, place: Place) -> bool:
    return place.platform in ctx.posters.by_platform


async def post_safely(
    ctx: Context, place: Place, reply: Reply, *, open_thread: str | None = None
) -> Posted | None:
    """Post through the platform's poster; None (logged) if there is none or the channel is gone."""
    if not can_post(ctx, place):
        return None
    try:
        return await ctx.posters.post(place, reply, open_thread=open_thread)
    except ChannelGoneError:
        log.warning("cannot post to %s/%s: channel gone", place.space_key, place.channel)
    except Exception:
        log.exception("posting to %s/%s failed", place.space_key, place.channel)
    return None


async def session_sides(ctx: Context, session: SessionRow) -> ArchiveSides | None:
    """The archive's sides on the session's claim (or topic); None if its archive is gone."""
    if session.archive_name is None:
        return None
    archive = await ctx.stores.archives.find_archive(session.space_key, session.archive_name)
    if archive is None:
        return None
    return await archive_sides(ctx, session.space_key, archive, session.claim or session.topic)


async def active_session(ctx: Context, place: Place) -> SessionRow | None:
    """The channel's open session; one whose time is up is closed here (recap posted) and None returned."""
    store = ctx.stores.sessions
    session = await store.open_in(place.space_key, place.channel)
    if session is None:
        return None
    if now_utc(ctx) >= from_iso(session.ends_at):
        await close_session(ctx, session, closed_by=TIMER, post=True)
        return None
    return session


async def require_session(ctx: Context, place: Place) -> SessionRow:
    session = await active_session(ctx, place)
    if session is None:
        raise NotFoundError(
            "No session is open in this channel.",
            hint="A moderator opens one with `session start <topic>`; `session recap` shows the last one.",
        )
    return session


async def close_session(ctx: Context, session: SessionRow, *, closed_by: str, post: bool) -> Recap | None:
    """Close with a recap; post it to the session's place if `post`. None if someone else closed it first."""
    ended = now_utc(ctx)
    ended = min(ended, from_iso(session.ends_at)) if closed_by == TIMER else ended
    summary: str | None = None
    if session.claim:
        try:
            sides = await session_sides(ctx, session)
            summary = sides.summary() if sides else None
        except Exception:
            log.exception("archive sides failed while closing session %s", session.id)
    recap = await build_recap(ctx, session, ended_at=iso(ended), closed_by=closed_by, archive_summary=summary)
    store = ctx.stores.sessions
    closed = await store.close_session(
        session.id, closed_at=iso(ended), closed_by=closed_by, recap_json=recap.model_dump_json()
    )
    if not closed:
        return None
    if post:
        reply = await render_recap(ctx, session, recap)
        reply.title = f"Session closed. {reply.title}"
        await post_safely(ctx, place_from(session.place_json), reply)
    return recap


async def recap_reply(ctx: Context, session: SessionRow) -> TextReply | None:
    if session.recap_json is None:
        return None
    return await render_recap(ctx, session, Recap.model_validate_json(session.recap_json))
