"""The prompts' part of the background loop: `tick(ctx, now)` posts what is due, at most once per schedule a day.

For each running schedule the latest occurrence due at or before `now` is the only one it may owe:
- it has a row for its local day already (sent, skipped, missed, failed, or another process's intent): nothing;
- it is on time, or late within `prompt_grace_minutes` (the bot was down): claim the day, then post;
- it is later than that: record it as missed and log that it was skipped.

Claiming inserts the day's row as an *intent* (UNIQUE per schedule and local day, in one transaction with the
channel's history) before anything is sent, so two processes or two runs never both post. Just before the
prompt is handed to the platform the intent is marked *sending*. On PostgreSQL a process holds the schedule's
row while it decides and claims (`PromptStore.hold`, `FOR UPDATE SKIP LOCKED`): processes ticking at once skip
the schedules another one holds and take the next, rather than all choosing a prompt for the same day. An intent whose process died before that
(or could not write the mark) was never sent: after `CLAIM_LEASE` it is released and the day posts as if it
were late. One that died after it may have been sent, so it is never re-sent: after `INTENT_LEASE` it is
marked unconfirmed and logged. Marking and releasing are single guarded writes, so only one of them wins.
A channel that is gone pauses its schedule. The adapter only ever sees `ctx.posters.post`.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

from bot.archive_choice import choose_archive
from bot.context import Context
from bot.models import Place
from bot.posting import ChannelGoneError, Posted
from bot.prompts.common import place_of, rule_of
from bot.prompts.pool import Chosen, choose
from bot.prompts.timing import Occurrence, local_label, previous_occurrence
from bot.times import as_utc, iso
from storage.prompt_store import Claim, PromptStore, ScheduleHold, ScheduleRecord
from storage.sql import DatabaseWriteError

log = logging.getLogger(__name__)

ON_TIME = timedelta(minutes=2)
"""Later than this after its time, a run counts as missed (the loop ticks every 20 seconds)."""
INTENT_LEASE = timedelta(minutes=10)
"""An intent marked sending and older than this belongs to a process that died mid-send; it is reconciled,
never re-sent."""
CLAIM_LEASE = timedelta(minutes=1)
"""An intent never marked sending and older than this belongs to a process that died (or gave up) before
sending: a live one marks it within a write's wait (`storage.db.WRITE_WAIT_SECONDS`) of claiming it, and one
slower than that finds its claim released and sends nothing."""
CHANNEL_GONE = "the channel is gone or I lost access to it"


def instance_name(ctx: Context) -> str:
    """Who claimed a day, for the logs: this process and this bot."""
    return f"pid{os.getpid()}:{id(ctx):x}"


def thread_title(occurrence: Occurrence) -> str:
    return f"Discussion prompt \u00b7 {occurrence.local_date:%a %d %b}"


async def tick(ctx: Context, now: datetime) -> None:
    """Reconcile stale intents, then give every running schedule its due prompt. One failure stays local."""
    now = as_utc(now)
    store = ctx.stores.prompts
    await reconcile(store, now)
    for schedule in await store.running_schedules():
        try:
            await run_schedule(ctx, store, schedule, now)
        except DatabaseWriteError as error:
            log.warning("prompt schedule %s (%s #%s): not posted now, the database took no write (%s); "
                        "the next tick tries again", schedule.id, schedule.space_key, schedule.channel,
                        error)  # fmt: skip
        except Exception:
            log.exception(
                "prompt schedule %s (%s #%s) failed", schedule.id, schedule.space_key, schedule.channel
            )


async def reconcile(store: PromptStore, now: datetime) -> None:
    """Intents left by a process that died: never sent (released, so the day posts now), or maybe posted,
    maybe not (at most once means not again)."""
    for post in await store.stale_intents(iso(now - CLAIM_LEASE)):
        if post.sending_at is None:
            if await store.release(post.id):
                log.warning("prompt schedule %s, %s: claimed by %s at %s but never sent; released, it posts now",
                            post.schedule_id, post.local_date, post.claimed_by, post.claimed_at)  # fmt: skip
            continue
        if post.claimed_at >= iso(now - INTENT_LEASE):
            continue  # may still be sending
        detail = "the bot stopped while posting; it may or may not have appeared, and is not posted again"
        if await store.finish(post.id, "unconfirmed", iso(now), detail=detail):
            log.warning(
                "prompt schedule %s, %s: claimed by %s at %s but never confirmed; not posting it again",
                post.schedule_id,
                post.local_date,
                post.claimed_by,
                post.claimed_at,
            )


async def run_schedule(ctx: Context, store: PromptStore, schedule: ScheduleRecord, now: datetime) -> None:
    rule = rule_of(schedule)
    due = previous_occurrence(rule, now)
    if due is None or iso(due.due) < schedule.active_from:
        return
    if await store.post_for(schedule.id, due.day_key) is not None:
        return
    place = place_of(schedule)
    if place.platform not in ctx.posters.by_platform:
        log.debug("prompt schedule %s waits for the %s adapter to be ready", schedule.id, place.platform)
        return
    async with store.hold(schedule.id) as held:
        if held is None:
            return  # another process is deciding this schedule's day right now
        if await store.post_for(schedule.id, due.day_key) is not None:
            return  # it has just decided it
        claimed = await decide(ctx, held, schedule, due, place, now)
    if claimed is not None:  # committed: from here on no other process can claim the day
        post_id, chosen = claimed
        await deliver(ctx, store, schedule, post_id, chosen, place, thread_title(due), now)


async def decide(
    ctx: Context, held: ScheduleHold, schedule: ScheduleRecord, due: Occurrence, place: Place, now: datetime
) -> tuple[int, Chosen] | None:
    """Claim the due day of a held schedule: an intent to post (its id and prompt), or a final missed/failed
    row (None). None too when the day has a row already (another process or run got there first)."""
    rule = rule_of(schedule)
    late = now - due.due
    grace = timedelta(minutes=ctx.settings.prompt_grace_minutes)
    where = f"schedule {schedule.id} ({schedule.space_key} #{schedule.channel}), {due.day_key}"
    if late > ON_TIME and late > grace:
        detail = f"missed by {_minutes(late)} (bot down); grace window is {_minutes(grace)}"
        if await _final(ctx, held, schedule, due, now, "missed", detail):
            log.warning("prompt %s due %s: %s; skipped", where, local_label(due.due, rule.zone), detail)
        return None
    if late > ON_TIME:
        log.info("prompt %s due %s was missed by %s; posting it now (within the grace window of %s)",
                 where, local_label(due.due, rule.zone), _minutes(late), _minutes(grace))  # fmt: skip
    archive = await choose_archive(ctx, place.space_key, place.channel, schedule.archive_name, "fall back")
    chosen = await choose(ctx, place, archive)
    if chosen is None:
        if await _final(
            ctx, held, schedule, due, now, "failed", "nothing to post: no archive or suggestion"
        ):
            log.warning("prompt %s: nothing to post (no archive, no approved suggestion)", where)
        return None
    claim = Claim(
        schedule_id=schedule.id,
        local_date=due.day_key,
        due_at=iso(due.due),
        state="intent",
        claimed_by=instance_name(ctx),
        at=iso(now),
        prompt_key=chosen.candidate.key,
    )
    post_id = await held.claim(claim, chosen.history(place, iso(now)))
    return None if post_id is None else (post_id, chosen)


async def deliver(
    ctx: Context,
    store: PromptStore,
    schedule: ScheduleRecord,
    post_id: int,
    chosen: Chosen,
    place: Place,
    title: str,
    now: datetime,
) -> Posted | None:
    """Send a claimed prompt and record the outcome; a gone channel pauses the schedule."""
    reply = chosen.reply(schedule.notify_role)
    if not await store.mark_sending(post_id, iso(now)):
        log.warning("prompt schedule %s: the claim was released before it was sent; not sending", schedule.id)
        return None
    try:
        posted = await ctx.posters.post(place, reply, open_thread=title if schedule.open_thread else None)
    except ChannelGoneError as error:
        await store.finish(post_id, "failed", iso(now), detail=f"{CHANNEL_GONE}: {error}")
        await store.set_paused(schedule.id, True, f"{CHANNEL_GONE} ({iso(now)[:10]})")
        log.warning("prompt schedule %s paused: %s #%s is gone (%s)", schedule.id, place.space_key,
                    place.channel, error)  # fmt: skip
        return None
    except Exception as error:
        # It may have been sent; at most once means it is not retried.
        await store.finish(post_id, "failed", iso(now), detail=f"{type(error).__name__}: {error}"[:500])
        log.exception(
            "prompt schedule %s: posting to %s #%s failed", schedule.id, place.space_key, place.channel
        )
        return None
    try:
        await store.finish(post_id, "sent", iso(now), message_id=posted.message_id, thread=posted.place.thread)
    except DatabaseWriteError as error:
        log.warning("prompt schedule %s posted in %s #%s, but the database took no record of it (%s); it is "
                    "not posted again", schedule.id, place.space_key, place.channel, error)  # fmt: skip
        return posted
    log.info("prompt schedule %s posted %s in %s #%s", schedule.id, chosen.candidate.key, place.space_key,
             place.channel)  # fmt: skip
    return posted


async def _final(
    ctx: Context,
    held: ScheduleHold,
    schedule: ScheduleRecord,
    due: Occurrence,
    now: datetime,
    state: str,
    detail: str,
) -> bool:
    claim = Claim(
        schedule_id=schedule.id,
        local_date=due.day_key,
        due_at=iso(due.due),
        state=state,
        claimed_by=instance_name(ctx),
        at=iso(now),
        detail=detail,
    )
    return await held.claim(claim) is not None


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
