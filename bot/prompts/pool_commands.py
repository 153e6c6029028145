"""`prompt pool` and `prompt drop`: moderators see what a channel's prompts will be, and take a disagreement out.

The pool is mined per archive; a drop holds for the whole server or workspace (every channel reading that
archive) and survives the pool being mined again, since it is kept by the item's key (its claim), not its number.
"""

from __future__ import annotations

from bot.archive_choice import choose_archive
from bot.context import Context
from bot.errors import NotFoundError, UsageError
from bot.models import Command, Reply, TextReply
from bot.numbers import whole_number
from bot.prompts.common import channel_place
from bot.prompts.miner import miner
from bot.prompts.pool import Candidate, Pool, upcoming
from bot.registry import Option, Param, Registry
from bot.times import iso, now_utc
from storage.interface import ArchiveInfo

commands = Registry()
GROUP = "prompts"
SHOWN = 10
TEXT_CHARS = 120
DROP_HINT = "Usage: `prompt drop ID`, with a number from `prompt pool`."


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1].rstrip() + "\u2026"


def _line(candidate: Candidate) -> str:
    """One upcoming prompt: what it is and its words, a disagreement with its number and counts."""
    first = candidate.sides[0][1] if candidate.sides else None
    if candidate.kind == "disagreement" and first is not None:
        counts = f" ({candidate.tally.line()})" if candidate.tally else ""
        return f"#{candidate.item_id} disagreement: \u201c{_short(first.text)}\u201d{counts}"
    if candidate.kind == "suggestion":
        return f"suggestion from {candidate.suggested_by}: {_short(candidate.question)}"
    what = "much-replied quote" if candidate.kind == "discussed" else "quote"
    author = first.author if first is not None and first.author else "anonymous"
    return f"{what} by {author}: \u201c{_short(first.text if first else '')}\u201d"


def _status(archive: ArchiveInfo | None, pool: Pool, mining: bool) -> str:
    if archive is None:
        return "No archive here: only approved suggestions take turns."
    if not pool.mined:
        return f"`{archive.name}` is being mined for disagreements; its quotes stand in until then."
    count = len(pool.by_slot["disagreement"])
    again = " (being mined again: the archive changed)" if mining else ""
    return f"`{archive.name}`: {count} disagreement(s) in the pool{again}."


@commands.command("prompt pool", options=[Option("archive", "Look at another archive's pool", True, "archives")],
                  moderator_only=True, group=GROUP)  # fmt: skip
async def prompt_pool(ctx: Context, command: Command) -> Reply:
    """Show this channel's upcoming prompts, in order; drop a disagreement with `prompt drop ID`."""
    place = channel_place(command.place)
    schedule = await ctx.stores.prompts.schedule(place.space_key, place.channel)
    requested = command.options.get("archive")
    name = requested if isinstance(requested, str) else schedule.archive_name if schedule else None
    archive = await choose_archive(ctx, place.space_key, place.channel, name, "raise" if requested else "fall back")
    found, pool = await upcoming(ctx, place, archive, SHOWN)
    mining = archive is not None and miner(ctx).busy(archive.id)
    lines = [_line(candidate) for candidate in found]
    if not lines:
        lines = ["Nothing new to post: the next prompt starts the pool over."]
    return TextReply(
        title="Upcoming prompts",
        text=_status(archive, pool, mining) + " Drop a disagreement with `prompt drop ID`.",
        lines=lines,
        ephemeral=True,
    )


@commands.command("prompt drop", param=Param("id", "the disagreement's number from `prompt pool`", True),
                  moderator_only=True, group=GROUP)  # fmt: skip
async def prompt_drop(ctx: Context, command: Command) -> Reply:
    """Take a disagreement out of this server's or workspace's prompts (it is never posted here again)."""
    words = command.text.split()
    if not words:
        raise UsageError("Which disagreement? Give its number.", hint=DROP_HINT)
    number = whole_number(words[0].lstrip("#"), what="a pool number", hint=DROP_HINT)
    space = command.place.space_key
    item = await ctx.stores.pools.item(number)
    readable = {a.id for a in await ctx.stores.archives.list_archives(space)}
    if item is None or item.source not in ("mined", "reply") or item.archive_id not in readable:
        raise NotFoundError(f"There is no disagreement #{number} in the pool.", hint="`prompt pool` lists them.")
    dropped = await ctx.stores.pools.drop(space, item.key, item.comment_id, command.actor.user_id, iso(now_utc(ctx)))
    if not dropped:
        raise UsageError(f"Disagreement #{number} was dropped already.", hint="`prompt pool` lists the others.")
    return TextReply(
        title=f"Dropped #{number}",
        text=f"\u201c{_short(item.claim)}\u201d is no longer a prompt in this server or workspace.",
        ephemeral=True,
    )
