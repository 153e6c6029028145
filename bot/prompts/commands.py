"""`prompt schedule|list|pause|resume|cancel|next|now|skip`: a channel's daily discussion prompt."""

from __future__ import annotations

from datetime import datetime

from bot.archive_choice import choose_archive
from bot.context import Context
from bot.errors import NotFoundError, UsageError
from bot.models import Command, Place, Reply, TextReply
from bot.posting import ChannelGoneError
from bot.prompts.common import channel_place, rule_of
from bot.prompts.pool import Chosen, choose
from bot.prompts.rules import USAGE, parse_rule
from bot.prompts.timing import Occurrence, local_label, next_occurrence, next_occurrences
from bot.registry import Option, Param, Registry
from bot.times import from_iso, iso, now_utc
from storage.prompt_store import Claim, NewSchedule, PromptStore, ScheduleRecord

commands = Registry()
GROUP = "prompts"
NO_SCHEDULE_HINT = "Set one with `prompt schedule 09:00 mon,wed,fri Europe/Berlin`."
LOOKAHEAD = 60  # occurrences searched for the next one that is not skipped


async def _schedule_here(ctx: Context, command: Command) -> ScheduleRecord:
    found = await ctx.stores.prompts.schedule(command.place.space_key, command.place.channel)
    if found is None:
        raise NotFoundError("This channel has no prompt schedule.", hint=NO_SCHEDULE_HINT)
    return found


async def upcoming(store: PromptStore, schedule: ScheduleRecord, now: datetime) -> list[Occurrence]:
    """The next occurrences that will post: after now and after the schedule became active, not skipped."""
    rule = rule_of(schedule)
    start = max(now, from_iso(schedule.active_from))
    found = next_occurrences(rule, start, LOOKAHEAD)
    if not found:
        return []
    taken = {post.local_date for post in await store.posts_from(schedule.id, found[0].day_key)}
    return [occ for occ in found if occ.day_key not in taken]


def _when(schedule: ScheduleRecord, occurrence: Occurrence | None) -> str:
    if occurrence is None:
        return "never (the rule has no future date)"
    return local_label(occurrence.due, rule_of(schedule).zone)


def _summary(schedule: ScheduleRecord) -> str:
    parts = [f"{schedule.description} ({schedule.timezone})"]
    if schedule.archive_name:
        parts.append(f"archive `{schedule.archive_name}`")
    if schedule.notify_role:
        parts.append(f"notifies @{schedule.notify_role}")
    if not schedule.open_thread:
        parts.append("no thread")
    return ", ".join(parts)


@commands.command(
    "prompt schedule",
    param=Param(
        "when",
        "a time, days and time zone (`09:00 mon,wed,fri Europe/Berlin`) or `cron 0 9 * * 1-5 UTC`",
        True,
    ),
    options=[
        Option("archive", "Which archive the prompts come from (see `archives`)", True, "archives"),
        Option("role", "A role to notify with each prompt (otherwise it pings nobody)", True),
        Option("no-thread", "Post the prompt without opening a discussion thread"),
    ],
    moderator_only=True,
    group=GROUP,
)
async def prompt_schedule(ctx: Context, command: Command) -> Reply:
    """Post a discussion prompt here on a schedule, e.g. `09:00 mon,wed,fri Europe/Berlin`.

    Days: mon..sun, ranges (mon-fri), `daily`, `weekdays`, `weekends`; or a five-field cron line with one minute
    and one hour (`prompt schedule cron 30 8 * * 1-5 America/New_York`). Times follow the time zone's clock
    across daylight-saving changes. Scheduling again replaces this channel's schedule.
    """
    rule = parse_rule(command.args, ctx.settings.prompt_timezone)
    place = channel_place(command.place)
    archive_name = command.options.get("archive")
    if isinstance(archive_name, str):
        found = await ctx.stores.archives.find_archive(place.space_key, archive_name)
        if found is None:
            raise NotFoundError(
                f"There is no archive named `{archive_name[:60]}` here.", hint="`archives` lists them."
            )
        archive_name = found.name
    role = command.options.get("role")
    now = now_utc(ctx)
    store = ctx.stores.prompts
    await store.save_schedule(
        NewSchedule(
            space_key=place.space_key,
            channel=place.channel,
            place_json=place.model_dump_json(),
            cron=rule.cron,
            description=rule.description,
            timezone=rule.timezone,
            archive_name=archive_name if isinstance(archive_name, str) else None,
            notify_role=role.lstrip("@") if isinstance(role, str) else None,
            open_thread=not command.options.get("no-thread", False),
            active_from=iso(now),
            created_by=command.actor.user_id,
            created_at=iso(now),
        )
    )
    schedule = await _schedule_here(ctx, command)
    following = await upcoming(store, schedule, now)
    return TextReply(
        title="Prompt scheduled",
        text=f"This channel gets a discussion prompt {_summary(schedule)}.",
        lines=[f"Next: {_when(schedule, following[0] if following else None)}"],
    )


@commands.command("prompt list", group=GROUP)
async def prompt_list(ctx: Context, command: Command) -> Reply:
    """List the prompt schedules of this server or workspace, with when each posts next."""
    store = ctx.stores.prompts
    now = now_utc(ctx)
    lines = []
    for schedule in await store.space_schedules(command.place.space_key):
        if schedule.paused:
            state = "paused" + (f": {schedule.paused_reason}" if schedule.paused_reason else "")
        else:
            following = await upcoming(store, schedule, now)
            state = "next " + _when(schedule, following[0] if following else None)
        lines.append(f"#{schedule.channel}: {_summary(schedule)}; {state}")
    if not lines:
        return TextReply(title="No prompt schedules", text=NO_SCHEDULE_HINT)
    return TextReply(title="Prompt schedules", lines=lines)


@commands.command("prompt pause", moderator_only=True, group=GROUP)
async def prompt_pause(ctx: Context, command: Command) -> Reply:
    """Stop this channel's prompts until `prompt resume` (the schedule is kept)."""
    schedule = await _schedule_here(ctx, command)
    await ctx.stores.prompts.set_paused(schedule.id, True, f"paused by {command.actor.display_name}")
    return TextReply(title="Prompts paused", text="No prompt posts here until `prompt resume`.")


@commands.command("prompt resume", moderator_only=True, group=GROUP)
async def prompt_resume(ctx: Context, command: Command) -> Reply:
    """Start this channel's paused prompts again, and undo any `prompt skip`.

    Prompts that fell due while paused are not posted afterwards."""
    schedule = await _schedule_here(ctx, command)
    store = ctx.stores.prompts
    now = now_utc(ctx)
    await store.set_paused(schedule.id, False, None, iso(now) if schedule.paused else None)
    coming = next_occurrence(rule_of(schedule), now)  # skips of days already past stay as they are
    cleared = await store.clear_skips(schedule.id, coming.day_key) if coming else 0
    schedule = await _schedule_here(ctx, command)
    following = await upcoming(store, schedule, now)
    lines = [f"Next: {_when(schedule, following[0] if following else None)}"]
    if cleared:
        lines.append(f"Undid {cleared} skipped day(s).")
    return TextReply(title="Prompts resumed", lines=lines)


@commands.command("prompt cancel", moderator_only=True, group=GROUP)
async def prompt_cancel(ctx: Context, command: Command) -> Reply:
    """Delete this channel's prompt schedule (the channel still remembers which prompts it has seen)."""
    if not await ctx.stores.prompts.delete_schedule(command.place.space_key, command.place.channel):
        raise NotFoundError("This channel has no prompt schedule.", hint=NO_SCHEDULE_HINT)
    return TextReply(title="Prompt schedule cancelled", text="No more scheduled prompts in this channel.")


async def _schedule_and_next(
    ctx: Context, command: Command, store: PromptStore, place: Place
) -> tuple[ScheduleRecord | None, Chosen | None]:
    """The channel's schedule (or None) and the prompt it would post next, from `--archive` or the schedule's."""
    schedule = await store.schedule(place.space_key, place.channel)
    requested = command.options.get("archive")
    name = requested if isinstance(requested, str) else schedule.archive_name if schedule else None
    archive = await choose_archive(ctx, place.space_key, place.channel, name, "fall back")
    return schedule, await choose(ctx, place, archive)


@commands.command("prompt next", options=[Option("archive", "Preview from another archive", True, "archives")],
                  group=GROUP)  # fmt: skip
async def prompt_next(ctx: Context, command: Command) -> Reply:
    """Preview the next prompt of this channel and when it will post."""
    store = ctx.stores.prompts
    place = channel_place(command.place)
    schedule, chosen = await _schedule_and_next(ctx, command, store, place)
    if schedule is None:
        when = "No schedule here: it posts with `prompt now`. " + NO_SCHEDULE_HINT
    elif schedule.paused:
        when = "The schedule is paused (`prompt resume`)."
    else:
        following = await upcoming(store, schedule, now_utc(ctx))
        when = f"Posts {_when(schedule, following[0] if following else None)}."
    if chosen is None:
        return TextReply(
            title="Nothing to post yet", text=when, lines=["Import an archive or approve a suggestion."]
        )
    preview = chosen.reply(schedule.notify_role if schedule else None)
    return preview.model_copy(update={"note": f"Preview. {when}" + (f" {preview.note}" if preview.note else ""),
                                      "ephemeral": True})  # fmt: skip


@commands.command("prompt now", options=[Option("archive", "Take the prompt from another archive", True, "archives")],
                  moderator_only=True, group=GROUP)  # fmt: skip
async def prompt_now(ctx: Context, command: Command) -> Reply:
    """Post the next prompt in this channel right away (the schedule, if any, still posts at its time)."""
    store = ctx.stores.prompts
    place = channel_place(command.place)
    schedule, chosen = await _schedule_and_next(ctx, command, store, place)
    if chosen is None:
        raise NotFoundError("There is nothing to post: no archive and no approved suggestion.",
                            hint="Import an archive, or approve a suggestion with `prompt approve`.")  # fmt: skip
    now = now_utc(ctx)
    reply = chosen.reply(schedule.notify_role if schedule else None)
    await store.record_shown(chosen.history(place, iso(now)))
    if place.platform not in ctx.posters.by_platform:
        return reply  # no poster: the prompt is the command's own reply
    local = now.astimezone(rule_of(schedule).zone) if schedule else now
    open_thread = (
        f"Discussion prompt \u00b7 {local:%a %d %b}" if schedule is None or schedule.open_thread else None
    )
    try:
        await ctx.posters.post(place, reply, open_thread=open_thread)
    except ChannelGoneError as error:
        raise UsageError("I cannot post in this channel.", hint="Check my permissions here.") from error
    return TextReply(title="Prompt posted", text="Posted the next prompt in this channel.", ephemeral=True)


@commands.command("prompt skip", moderator_only=True, group=GROUP)
async def prompt_skip(ctx: Context, command: Command) -> Reply:
    """Skip this channel's next scheduled prompt (again: the one after). `prompt resume` undoes skips."""
    schedule = await _schedule_here(ctx, command)
    store = ctx.stores.prompts
    now = now_utc(ctx)
    following = await upcoming(store, schedule, now)
    if not following:
        raise NotFoundError("There is no upcoming prompt to skip.", hint=USAGE)
    skipped = following[0]
    claim = Claim(
        schedule_id=schedule.id,
        local_date=skipped.day_key,
        due_at=iso(skipped.due),
        state="skipped",
        claimed_by=command.actor.user_id,
        at=iso(now),
        detail=f"skipped by {command.actor.display_name}",
    )
    await store.claim(claim)
    after = following[1] if len(following) > 1 else None
    return TextReply(
        title="Prompt skipped",
        text=f"Skipped the prompt of {_when(schedule, skipped)}.",
        lines=[f"Next: {_when(schedule, after)}"],
    )
