"""`archives` and `archive use`: what this space can read, and a per-channel default."""

from __future__ import annotations

from bot.archive_choice import CHANNEL_ARCHIVE_KEY, resolve_archive
from bot.context import Context
from bot.errors import NotFoundError
from bot.feature import Feature
from bot.models import Command, Reply, TextReply
from bot.registry import Param, Registry

commands = Registry()


@commands.command("archives")
async def list_archives(ctx: Context, command: Command) -> Reply:
    """List the archives this server or workspace can read; the channel's current one is marked."""
    archives = await ctx.stores.archives.list_archives(command.place.space_key)
    if not archives:
        return TextReply(title="Archives", text="No archive yet. A moderator can import one with `import <link>` (or `threadbot import FILE`).")
    current = await resolve_archive(ctx, command)
    lines = []
    for archive in archives:
        marks = []
        if archive.id == current.id:
            marks.append("current")
        if archive.shared:
            marks.append("bundled sample")
        suffix = f" ({', '.join(marks)})" if marks else ""
        title = f" \u2014 {archive.title}" if archive.title else ""
        lines.append(f"`{archive.name}`: {archive.comment_count:,} comments{title}{suffix}")
    return TextReply(title="Archives", lines=lines)


@commands.command(
    "archive use",
    param=Param("name", "the archive this channel reads by default", required=True, choices_from="archives"),
    moderator_only=True,
)
async def use_archive(ctx: Context, command: Command) -> Reply:
    """Make an archive this channel's default (moderators)."""
    name = command.text
    archive = await ctx.stores.archives.find_archive(command.place.space_key, name)
    if archive is None:
        raise NotFoundError(f"There is no archive named `{name[:60]}` here.", hint="`archives` lists them.")
    await ctx.stores.archives.set_channel_setting(
        command.place.space_key, command.place.channel, CHANNEL_ARCHIVE_KEY, name
    )
    return TextReply(text=f"This channel now reads `{archive.name}` ({archive.comment_count:,} comments).")


feature = Feature(name="archives", commands=commands)
