"""Opt-in memory: with `session record on` a session's messages join the group's own archive
(`group-<channel>`), so `quote`, `stance` and `counter` can cite the group. `forget me` deletes a member's
recorded messages everywhere in the space and stops recording them; `record me` undoes the opt-out."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UsageError
from bot.models import ChannelMessage, Command, Reply, TextReply
from bot.registry import Param, Registry
from bot.sessions.common import place_from
from bot.sessions.lifecycle import GROUP_PREFIX, active_session, post_safely
from bot.times import iso, now_iso, now_utc
from storage.importers.records import CommentRecord
from storage.naming import archive_name_from

commands = Registry()

RECORD_KEY = "sessions.record"
MAX_RECORDED_CHARS = 10_000


def group_archive(channel: str) -> str:
    """The archive a channel's recorded sessions go to, e.g. `group-c0123abc`."""
    return archive_name_from(f"{GROUP_PREFIX}{channel}")


async def recording_on(ctx: Context, space_key: str, channel: str) -> bool:
    return await ctx.stores.archives.get_channel_setting(space_key, channel, RECORD_KEY) == "on"


def recording_notice(on: bool, channel: str) -> str:
    if on:
        return (
            f"Recording is ON: messages written during sessions here are added to the group archive "
            f"`{group_archive(channel)}`, which `quote`, `stance` and `counter` can cite. "
            "`forget me` removes yours and stops recording you."
        )
    return "Recording is off: I count messages and words during sessions, but keep no message text."


async def record_message(ctx: Context, event: ChannelMessage) -> bool:
    """Add one session message to the group archive, unless its author opted out. True if recorded."""
    place, actor = event.place, event.actor
    text = event.text.strip()[:MAX_RECORDED_CHARS]
    store = ctx.stores.sessions
    if not text or await store.opted_out(place.space_key, actor.user_id):
        return False
    archive = group_archive(place.channel)
    name = " ".join(actor.display_name.split())[:60] or actor.user_id
    label = await store.claim_label(
        place.space_key,
        archive,
        actor.user_id,
        [name, f"{name} ({actor.user_id[-4:]})", f"{name} ({actor.user_id})"],
    )
    record = CommentRecord(
        source_id=event.message_id,
        text=text,
        parent_id=event.reply_to_message_id,
        author=label,
        created_at=iso(event.created_at or now_utc(ctx)),
        url=event.url,
    )
    await ctx.stores.archives.import_records(
        place.space_key,
        archive,
        [record],
        created_at=now_iso(ctx),
        title=f"The reading group in #{place.channel}",
        source="recorded sessions",
    )
    if await store.opted_out(place.space_key, actor.user_id):  # `forget me` arrived meanwhile
        await ctx.stores.archives.delete_comments_by_author(place.space_key, archive, label)
        return False
    return True


async def forget_user(ctx: Context, space_key: str, user_id: str) -> int:
    """Stop recording the user and delete every message of theirs from the space's group archives."""
    store = ctx.stores.sessions
    await store.set_opted_out(space_key, user_id, True, iso(now_utc(ctx)))
    removed = 0
    for archive, label in await store.labels_of(space_key, user_id):
        removed += await ctx.stores.archives.delete_comments_by_author(space_key, archive, label)
        await store.drop_label(space_key, archive, label)
    return removed


@commands.command(
    "session record",
    param=Param(
        "on|off", "`on` to add session messages to the group's archive, `off` to stop", required=True
    ),
    moderator_only=True,
    group="sessions",
)
async def session_record(ctx: Context, command: Command) -> Reply:
    """Turn recording of this channel's session messages into the group's own archive on or off.

    The change is announced in the channel; members can always remove their messages with `forget me`."""
    choice = command.text.casefold()
    if choice not in {"on", "off"}:
        raise UsageError("Say `session record on` or `session record off`.")
    place = command.place
    on = choice == "on"
    await ctx.stores.archives.set_channel_setting(place.space_key, place.channel, RECORD_KEY, "on" if on else None)
    announcement = TextReply(
        title=f"Session recording turned {choice.upper()} by {command.actor.display_name}",
        text=recording_notice(on, place.channel),
    )
    session = await active_session(ctx, place)
    if session is not None:
        session_place = place_from(session.place_json)
        if session_place.thread != place.thread:
            await post_safely(ctx, session_place, announcement)
    return announcement


@commands.command("forget me", group="sessions")
async def forget_me(ctx: Context, command: Command) -> Reply:
    """Remove every message of yours from this space's group archives, and stop recording you.

    Quotes of yours disappear from `quote`, `stance`, `counter` and from session recaps."""
    removed = await forget_user(ctx, command.place.space_key, command.actor.user_id)
    return TextReply(
        text=(
            f"Done: removed {removed} recorded message{'s' if removed != 1 else ''} of yours from the group "
            "archives here, and I won't record you again. Say `record me` if you change your mind. "
            "Your messages in the channel itself are untouched."
        ),
        ephemeral=True,
    )


@commands.command("record me", group="sessions")
async def record_me(ctx: Context, command: Command) -> Reply:
    """Allow your session messages to be recorded again after `forget me` (when recording is on)."""
    await ctx.stores.sessions.set_opted_out(
        command.place.space_key, command.actor.user_id, False, iso(now_utc(ctx))
    )
    return TextReply(
        text="OK: when a moderator has recording on, your session messages join the group archive again.",
        ephemeral=True,
    )
