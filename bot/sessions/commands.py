"""`session` commands: start, end, status, stats, recap and expect."""

from __future__ import annotations

from datetime import timedelta

from bot.archive_choice import ARCHIVE_OPTION, resolve_archive
from bot.context import Context
from bot.errors import NotFoundError, UsageError
from bot.models import Command, Reply, TextReply
from bot.numbers import whole_number
from bot.registry import Option, Param, Registry
from bot.remembering import SHOWN, remember
from bot.sessions.args import parse_start
from bot.sessions.common import (
    clock_time,
    place_from,
    place_json,
    shorten,
    user_key,
)
from bot.sessions.lifecycle import (
    active_session,
    close_session,
    post_safely,
    recap_reply,
    require_session,
)
from bot.sessions.people import UNKNOWN_MEMBERS_NOTE, person_line, silent_names, spoke
from bot.sessions.recording import recording_notice, recording_on
from bot.sessions.sides import archive_sides
from bot.sides import ArchiveSides
from bot.times import from_iso, iso, now_utc
from storage.interface import StoredComment

commands = Registry()

MINUTES_OPTION = Option("minutes", "How long the session runs (5 to 480 minutes)", takes_value=True)
HERE_OPTION = Option("here", "Discuss in this channel instead of opening a thread")
MAX_EXPECTED = 50


def _quote_line(label: str, comment: StoredComment) -> str:
    parts = [comment.author or "anonymous"]
    if comment.created_at:
        parts.append(comment.created_at[:10])
    if comment.url:
        parts.append(comment.url)
    return f"{label}: \u201c{shorten(comment.text)}\u201d \u2014 " + " \u00b7 ".join(parts)


def _sides_lines(sides: ArchiveSides) -> list[str]:
    lines = []
    for label, comment in (("For", sides.agree), ("Against", sides.disagree)):
        if comment is not None:
            lines.append(_quote_line(label, comment))
        else:
            lines.append(f"{label}: no comment in `{sides.archive}` is clearly on this side.")
    lines.append(sides.summary())
    return lines


@commands.command(
    "session start",
    param=Param(
        "topic", "the topic, then optionally `claim: <a claim to vote on>` and minutes", required=True
    ),
    options=[MINUTES_OPTION, HERE_OPTION, ARCHIVE_OPTION],
    moderator_only=True,
    slow=True,
    group="sessions",
)
async def session_start(ctx: Context, command: Command) -> Reply:
    """Open a reading-group session here: `session start <topic> [claim: ...] [minutes]`.

    Posts the topic, the claim and a quote from each side of the archive, opening a thread where the platform
    has them (`--here` to stay in the channel). The session closes itself when its time is up."""
    place = command.place
    args = parse_start(command.text, command.options.get("minutes"))
    existing = await active_session(ctx, place)
    if existing is not None:
        raise UsageError(
            f"A session on \u201c{existing.topic}\u201d is already open here.",
            hint="`session end` closes it first.",
        )
    archive = await resolve_archive(ctx, command)  # never a group's own recording by default
    sides = await archive_sides(ctx, place.space_key, archive, args.claim or args.topic)
    started = now_utc(ctx)
    minutes = args.minutes or ctx.settings.session_minutes
    ends = started + timedelta(minutes=minutes)
    store = ctx.stores.sessions
    cited = [c.id for c in (sides.agree, sides.disagree) if c is not None]
    session = await store.open_session(
        space_key=place.space_key,
        channel=place.channel,
        place_json=place_json(place),
        topic=args.topic,
        claim=args.claim,
        archive_name=archive.name,
        started_by=command.actor.display_name,
        started_at=iso(started),
        ends_at=iso(ends),
        cited=cited,
    )
    if session is None:
        raise UsageError("A session was just opened here by someone else.", hint="`session` shows it.")
    await remember(SHOWN, ctx.stores.archives.record_shown(place.space_key, place.channel, cited, iso(started)))
    recording = await recording_on(ctx, place.space_key, place.channel)
    lines = (
        [f"Claim: \u201c{args.claim}\u201d \u2014 vote with `vote agree|disagree|pass`"] if args.claim else []
    )
    lines += _sides_lines(sides)
    lines += [
        f"Until {clock_time(ctx, ends)} ({minutes} min). Raise your hand with `hand` to speak.",
        recording_notice(recording, place.channel),
    ]
    opening = TextReply(
        title=f"Reading session: {args.topic}", text=f"Started by {command.actor.display_name}.", lines=lines
    )
    wants_thread = place.thread is None and not command.options.get("here")
    posted = await post_safely(ctx, place, opening, open_thread=args.topic[:90] if wants_thread else None)
    if posted is None:
        return opening
    # Open and announced: a database refusing to record the thread must not make the reply say otherwise.
    await remember("the session's thread (it posts in the channel)", store.set_place(session.id, place_json(posted.place)))
    where = "in its thread" if posted.place.thread and posted.place.thread != place.thread else "above"
    return TextReply(text=f"Session on \u201c{args.topic}\u201d is open {where}, for {minutes} minutes.")


@commands.command("session end", moderator_only=True, group="sessions")
async def session_end(ctx: Context, command: Command) -> Reply:
    """Close this channel's session now and show its recap; the vote closes with it."""
    session = await require_session(ctx, command.place)
    recap = await close_session(ctx, session, closed_by=command.actor.display_name, post=False)
    closed = await ctx.stores.sessions.get_session(session.id)
    reply = await recap_reply(ctx, closed) if recap is not None and closed is not None else None
    if closed is None or reply is None:
        return TextReply(text="That session had just been closed; `session recap` shows it.")
    session_place = place_from(closed.place_json)
    if session_place != command.place:  # ended from the channel: the thread hears it too
        await post_safely(ctx, session_place, reply)
    return reply


@commands.command("session status", aliases=["session"], group="sessions")
async def session_status(ctx: Context, command: Command) -> Reply:
    """What the session in this channel is about and how long it has left."""
    session = await active_session(ctx, command.place)
    if session is None:
        return TextReply(
            text="No session is open here.",
            lines=[
                "Moderators: `session start <topic> [claim: ...] [minutes]`.",
                "`session recap`: the last one.",
            ],
        )
    store = ctx.stores.sessions
    left = max(0, round((from_iso(session.ends_at) - now_utc(ctx)).total_seconds() / 60))
    lines = [f"Claim: \u201c{session.claim}\u201d" if session.claim else "No claim to vote on."]
    lines.append(f"Until {clock_time(ctx, from_iso(session.ends_at))} ({left} min left).")
    lines.append(
        f"{len(await store.queue(session.id))} waiting to speak; "
        f"{len(await store.participants(session.id))} taking part."
    )
    lines.append(
        recording_notice(await recording_on(ctx, session.space_key, session.channel), session.channel)
    )
    return TextReply(title=f"Session: {session.topic}", text=f"Started by {session.started_by}.", lines=lines)


@commands.command("session stats", group="sessions")
async def session_stats(ctx: Context, command: Command) -> Reply:
    """Who has spoken how much in this session, and who has not spoken yet."""
    session = await require_session(ctx, command.place)
    store = ctx.stores.sessions
    people = await store.participants(session.id)
    lines = [person_line(p.display_name, p.messages, p.words, p.turns) for p in people if spoke(p) or p.turns]
    silent = silent_names(people, await store.expected(session.id))
    if not lines:
        lines.append("Nobody has written yet.")
    lines.append("Not spoken yet: " + (", ".join(silent) if silent else "nobody I know of."))
    return TextReply(title=f"Participation: {session.topic}", text=UNKNOWN_MEMBERS_NOTE, lines=lines)


@commands.command(
    "session expect",
    param=Param("names", "members expected to take part (mentions or names)", required=True),
    moderator_only=True,
    group="sessions",
)
async def session_expect(ctx: Context, command: Command) -> Reply:
    """Name members expected in this session, so `session stats` can list who hasn't spoken."""
    session = await require_session(ctx, command.place)
    names = list(dict.fromkeys(word.strip(",;") for word in command.args if word.strip(",;")))[:MAX_EXPECTED]
    keys = [user_key(name) for name in names]
    await ctx.stores.sessions.expect(session.id, keys)
    return TextReply(
        text=f"Expecting {len(keys)} member{'s' if len(keys) != 1 else ''}; see `session stats`."
    )


@commands.command(
    "session recap", param=Param("n", "1 is the latest session, 2 the one before..."), group="sessions"
)
async def session_recap(ctx: Context, command: Command) -> Reply:
    """Show the recap of this channel's latest session, or of an earlier one (`session recap 2`)."""
    text = command.text or "1"
    index = whole_number(text, what="a session number", hint="`session recap` or `session recap 2`.", low=1)
    place = command.place
    store = ctx.stores.sessions
    await active_session(ctx, place)  # closes an overdue session, so its recap exists
    found = await store.closed_sessions(place.space_key, place.channel, 1, index - 1)
    if not found:
        total = await store.count_closed(place.space_key, place.channel)
        raise NotFoundError(
            f"There is no session number {index} here: {total} closed session{'s' if total != 1 else ''}.",
            hint="`session recap` shows the latest.",
        )
    reply = await recap_reply(ctx, found[0])
    if reply is None:
        raise NotFoundError("That session has no recap.")
    total = await store.count_closed(place.space_key, place.channel)
    if index < total:
        reply.lines.append(f"Earlier: `session recap {index + 1}` ({total} sessions in all).")
    return reply
