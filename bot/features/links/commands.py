"""`import <link>`, `archive follow`, `archive unfollow` and `archive follows`: threads imported from their links.

The commands only check what was asked and answer at once; the import itself runs in the background
(bot/features/links/runs.py). The moderator check is the registry's (`moderator_only`), done in the core.
"""

from __future__ import annotations

from bot.context import Context
from bot.errors import NotFoundError, UsageError, UserFacingError
from bot.features.links.every import label, parse_every
from bot.features.links.runs import import_and_report, import_now, run_key
from bot.fetch import Link, LinkError, check_address, read_link
from bot.models import Command, Reply, TextReply
from bot.registry import Option, Param, Registry
from bot.times import iso, now_utc
from storage.follow_store import FollowRecord, NewFollow
from storage.importers.records import ImportFormatError
from storage.naming import check_archive_name

commands = Registry()
GROUP = "archives"
LINK = Param(
    "link", "the thread's address (Hacker News, Reddit, Discourse, Substack, WordPress, Mastodon)", required=True
)
ARCHIVE = Option(
    "archive", "the archive to import into (default: named after the link, e.g. hn-12345)", takes_value=True,
    choices_from="archives",
)  # fmt: skip
EVERY = Option("every", "how often to re-import it: 30m (the default), 2h, 1d", takes_value=True)


def _link(ctx: Context, command: Command, usage: str) -> Link:
    if len(command.args) != 1:
        raise UsageError("Give one link (the thread's address, as your browser shows it).", hint=f"Usage: `{usage}`")
    link = read_link(command.args[0], ctx.settings.fetch_hn_api)
    check_address(link, ctx.settings)
    return link


def _archive(command: Command, link: Link) -> str:
    requested = command.options.get("archive")
    try:
        return check_archive_name(requested if isinstance(requested, str) else link.archive_name)
    except ImportFormatError as error:
        raise UsageError(str(error)) from None


@commands.command("import", param=LINK, options=[ARCHIVE], moderator_only=True, group=GROUP)
async def import_command(ctx: Context, command: Command) -> Reply:
    """Import a thread from its link (moderators): fetched in the background, reported here when done.

    Works for Hacker News, Reddit, Discourse, Substack, WordPress and Mastodon threads that anyone can read.
    Importing the same link again adds the new comments and applies edits and deletions."""
    link = _link(ctx, command, "import <link> [--archive NAME]")
    archive = _archive(command, link)
    place = command.place
    key = run_key(place.space_key, archive, link.key)
    if place.platform not in ctx.posters.by_platform:
        # no adapter could post the outcome later (`threadbot ask`, a piped console): it is the reply
        if ctx.services.tasks.running(key):
            raise UserFacingError(f"{link.url} is already being imported into `{archive}`.")
        return await import_now(ctx, link, place, archive)
    if not ctx.services.tasks.start(key, import_and_report(ctx, link, place, archive)):
        raise UserFacingError(
            f"{link.url} is already being imported into `{archive}`.", hint="Its result is posted when it is done."
        )
    return TextReply(
        text=f"Importing {link.url} into `{archive}` in the background; I'll post here when it is done."
    )


@commands.command("archive follow", param=LINK, options=[EVERY, ARCHIVE], moderator_only=True, group=GROUP)
async def follow_command(ctx: Context, command: Command) -> Reply:
    """Keep an archive in step with a live thread (moderators): re-imported from its link on a schedule.

    New comments, edits and deletions arrive quietly (nothing is posted); `archive follows` shows how each run
    went, `archive unfollow` stops it. Follows survive restarts."""
    link = _link(ctx, command, "archive follow <link> [--every 30m] [--archive NAME]")
    archive = _archive(command, link)
    every = parse_every(command.options.get("every"), ctx.settings.follow_min_minutes)
    now = iso(now_utc(ctx))
    place = command.place
    await ctx.stores.follows.follow(
        NewFollow(
            space_key=place.space_key,
            channel=place.channel,
            place_json=place.model_dump_json(),
            url=link.url,
            origin=link.key,
            archive_name=archive,
            every_seconds=every,
            next_run_at=now,
            created_by=command.actor.user_id,
            created_at=now,
        )
    )
    return TextReply(
        title="Following",
        text=f"{link.url} is re-imported into `{archive}` every {label(every)}, the first time within a minute.",
        lines=[f"`archive unfollow {link.url}` stops it; `archive follows` shows how it goes."],
    )


def _line(follow: FollowRecord) -> str:
    last = "not run yet"
    if follow.last_run_at:
        last = f"last {_when(follow.last_run_at)}: {follow.last_result}"
    running = " (running now)" if follow.running_since else ""
    return (
        f"#{follow.id} {follow.url} \u2192 `{follow.archive_name}`, every {label(follow.every_seconds)}; "
        f"{last}; next {_when(follow.next_run_at)}{running}"
    )


def _when(stored: str) -> str:
    return stored[:16].replace("T", " ") + " UTC"


@commands.command("archive follows", group=GROUP)
async def follows_command(ctx: Context, command: Command) -> Reply:
    """List the threads this server or workspace follows, with how their last re-import went."""
    follows = await ctx.stores.follows.in_space(command.place.space_key)
    if not follows:
        return TextReply(title="Followed threads", text="None. A moderator can start one with `archive follow <link>`.")
    return TextReply(title="Followed threads", lines=[_line(follow) for follow in follows])


@commands.command(
    "archive unfollow",
    param=Param("link", "the followed link, or its #number in `archive follows` (none: this channel's one)"),
    moderator_only=True,
    group=GROUP,
)
async def unfollow_command(ctx: Context, command: Command) -> Reply:
    """Stop re-importing a followed thread (moderators); its archive stays as it is."""
    follows = await ctx.stores.follows.in_space(command.place.space_key)
    chosen = _chosen(ctx, command, follows)
    for follow in chosen:
        await ctx.stores.follows.unfollow(command.place.space_key, follow.id)
    names = ", ".join(f"{f.url} \u2192 `{f.archive_name}`" for f in chosen)
    return TextReply(text=f"No longer following {names}. The archive keeps what was imported.")


def _chosen(ctx: Context, command: Command, follows: list[FollowRecord]) -> list[FollowRecord]:
    """The follows `archive unfollow` names: by #number, by link, or this channel's only one."""
    listing = "`archive follows` lists them."
    text = command.text.strip()
    if not text:
        here = [f for f in follows if f.channel == command.place.channel]
        if len(here) == 1:
            return here
        if not here:
            raise NotFoundError("This channel follows no thread.", hint=listing)
        raise UsageError("This channel follows several threads: say which one.", hint=listing)
    number = text.removeprefix("#")
    if number.isdigit():
        found = [f for f in follows if f.id == int(number)]
    else:
        try:
            key = read_link(text, ctx.settings.fetch_hn_api).key
        except LinkError:
            key = None
        found = [f for f in follows if f.origin == key or f.url == text]
    if not found:
        raise NotFoundError(f"No followed thread here matches `{text[:100]}`.", hint=listing)
    return found
