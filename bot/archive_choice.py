"""Which archive a command reads: `--archive NAME`, else the channel's default, else the space's newest
archive, else the bundled sample. One space never resolves another space's archive."""

from __future__ import annotations

from bot.context import Context
from bot.errors import NotFoundError
from bot.models import Command
from bot.registry import Option
from storage.interface import ArchiveInfo

ARCHIVE_OPTION = Option(
    "archive", "Which archive to read (see `archives`)", takes_value=True, choices_from="archives"
)
CHANNEL_ARCHIVE_KEY = "archive"
GROUP_ARCHIVE_PREFIX = "group-"
"""Archives a reading group recorded itself; never picked as a default over an imported thread."""


async def resolve_archive(ctx: Context, command: Command) -> ArchiveInfo:
    space = command.place.space_key
    requested = command.options.get("archive")
    if isinstance(requested, str):
        found = await ctx.stores.archives.find_archive(space, requested)
        if found is None:
            raise NotFoundError(
                f"There is no archive named `{requested[:60]}` here.", hint=await _names_hint(ctx, space)
            )
        return found
    default = await ctx.stores.archives.get_channel_setting(space, command.place.channel, CHANNEL_ARCHIVE_KEY)
    if default is not None:
        found = await ctx.stores.archives.find_archive(space, default)
        if found is not None:
            return found
    archives = await ctx.stores.archives.list_archives(space)
    if not archives:
        raise NotFoundError("This space has no archive yet.", hint="Import one with `threadbot import FILE`.")
    threads = [a for a in archives if not a.name.startswith(GROUP_ARCHIVE_PREFIX)]
    return (threads or archives)[0]  # own archives first, newest first; the shared sample last


async def _names_hint(ctx: Context, space: str) -> str:
    names = [a.name for a in await ctx.stores.archives.list_archives(space)]
    return "Archives you can read: " + ", ".join(f"`{n}`" for n in names) if names else "Import one first."
