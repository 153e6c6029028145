"""Which archive a command or a channel's prompts read: the one named (`--archive NAME`, a schedule's), else the
channel's default, else the space's newest archive that is not a group's own recording, else the bundled
sample. One space never resolves another space's archive."""

from __future__ import annotations

import logging
from typing import Literal

from bot.context import Context
from bot.errors import NotFoundError
from bot.models import Command
from bot.registry import Option
from storage.interface import ArchiveInfo

log = logging.getLogger(__name__)

ARCHIVE_OPTION = Option(
    "archive", "Which archive to read (see `archives`)", takes_value=True, choices_from="archives"
)
CHANNEL_ARCHIVE_KEY = "archive"
GROUP_ARCHIVE_PREFIX = "group-"
"""Archives a reading group recorded itself; never picked as a default over an imported thread."""

IfMissing = Literal["raise", "fall back"]
"""What a named archive that is not there means: a user's mistake to report (`raise`, NotFoundError with the
names there are), or a stored name whose archive was deleted since (`fall back`: logged, then the default)."""


async def choose_archive(
    ctx: Context, space: str, channel: str, requested: str | None, if_missing: IfMissing
) -> ArchiveInfo | None:
    """The archive `channel` reads: `requested`, else its default, else the space's newest that is not a group's
    recording (own archives first, newest first; the shared sample last). None if the space can read none."""
    if requested is not None:
        found = await ctx.stores.archives.find_archive(space, requested)
        if found is not None:
            return found
        if if_missing == "raise":
            raise NotFoundError(
                f"There is no archive named `{requested[:60]}` here.", hint=await _names_hint(ctx, space)
            )
        log.warning("archive %r is gone in %s; using the channel's default", requested, space)
    default = await ctx.stores.archives.get_channel_setting(space, channel, CHANNEL_ARCHIVE_KEY)
    if default is not None:
        found = await ctx.stores.archives.find_archive(space, default)
        if found is not None:
            return found
    archives = await ctx.stores.archives.list_archives(space)
    threads = [a for a in archives if not a.name.startswith(GROUP_ARCHIVE_PREFIX)]
    return (threads or archives)[0] if archives else None


async def resolve_archive(ctx: Context, command: Command) -> ArchiveInfo:
    """The archive a command reads; a wrong `--archive` or a space with none is the user's to fix."""
    requested = command.options.get("archive")
    place = command.place
    found = await choose_archive(
        ctx, place.space_key, place.channel, requested if isinstance(requested, str) else None, "raise"
    )
    if found is None:
        raise NotFoundError("This space has no archive yet.", hint="A moderator can import one with `import <link>` (or `threadbot import FILE`).")
    return found


async def _names_hint(ctx: Context, space: str) -> str:
    names = [a.name for a in await ctx.stores.archives.list_archives(space)]
    return "Archives you can read: " + ", ".join(f"`{n}`" for n in names) if names else "Import one first."
