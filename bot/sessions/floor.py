"""The speaking queue and the vote: `hand`, `hand down`, `queue`, `next`, `notify me`, `vote`.

Nothing here pings anyone except `next`, and it pings only the person called, only if they opted in."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UsageError
from bot.models import VOTE_CHOICES, Command, Reply, TextReply
from bot.registry import Param, Registry
from bot.sessions.args import parse_choice
from bot.sessions.fairness import fair_order
from bot.sessions.lifecycle import require_session, session_sides
from bot.sessions.recap import vote_line
from bot.times import iso, now_utc

commands = Registry()


@commands.command("hand", aliases=["raise hand"], group="sessions")
async def hand(ctx: Context, command: Command) -> Reply:
    """Raise your hand: join the queue to speak in the current session."""
    session = await require_session(ctx, command.place)
    store = ctx.stores.sessions
    actor = command.actor
    added = await store.raise_hand(session.id, actor.user_id, actor.display_name, iso(now_utc(ctx)))
    order = fair_order(await store.queue(session.id))
    position = next(i for i, row in enumerate(order, start=1) if row.user_id == actor.user_id)
    if not added:
        return TextReply(
            text=f"You're already in the queue, number {position} of {len(order)}.", ephemeral=True
        )
    return TextReply(
        text=f"\u270b {actor.display_name} raised a hand ({position} of {len(order)} in the queue)."
    )


@commands.command("hand down", aliases=["lower hand"], group="sessions")
async def hand_down(ctx: Context, command: Command) -> Reply:
    """Lower your hand: leave the speaking queue."""
    session = await require_session(ctx, command.place)
    if not await ctx.stores.sessions.lower_hand(session.id, command.actor.user_id):
        return TextReply(text="Your hand wasn't raised.", ephemeral=True)
    return TextReply(text=f"{command.actor.display_name} lowered their hand.")


@commands.command("queue", group="sessions")
async def queue(ctx: Context, command: Command) -> Reply:
    """Who is waiting to speak, in the order `next` will call them."""
    session = await require_session(ctx, command.place)
    order = fair_order(await ctx.stores.sessions.queue(session.id))
    if not order:
        return TextReply(title="Queue", text="Nobody is waiting. Raise your hand with `hand`.")
    lines = [
        f"{row.display_name}" + (f" (called {row.turns}\u00d7 already)" if row.turns else "") for row in order
    ]
    return TextReply(
        title=f"Queue ({len(order)} waiting)",
        text="Those called least go first, then those who have written least, then first raised.",
        lines=lines,
    )


@commands.command("next", moderator_only=True, group="sessions")
async def call_next(ctx: Context, command: Command) -> Reply:
    """Call the next person in the queue by name, fairest first.

    Pings only that person, and only if they opted in with `notify me on`."""
    session = await require_session(ctx, command.place)
    store = ctx.stores.sessions
    for _ in range(3):  # someone may lower their hand between reading the queue and calling them
        order = fair_order(await store.queue(session.id))
        if not order:
            return TextReply(text="Nobody is waiting to speak.")
        chosen = order[0]
        if await store.give_turn(session.id, chosen.user_id):
            waiting = [row.display_name for row in order[1:]]
            ping = await store.notify_on(session.space_key, chosen.user_id)
            return TextReply(
                text=f"\U0001f399 {chosen.display_name}, you have the floor.",
                lines=[f"Waiting: {', '.join(waiting)}"] if waiting else [],
                mention_user_id=chosen.user_id if ping else None,
            )
    return TextReply(text="The queue kept changing; try `next` again.")


@commands.command(
    "notify me",
    param=Param("on|off", "`on`: ping me when I'm called; `off`: don't", required=True),
    group="sessions",
)
async def notify_me(ctx: Context, command: Command) -> Reply:
    """Choose whether `next` pings you when you are called (off by default; nothing else ever pings)."""
    choice = command.text.casefold()
    if choice not in {"on", "off"}:
        raise UsageError("Say `notify me on` or `notify me off`.")
    await ctx.stores.sessions.set_notify(command.place.space_key, command.actor.user_id, choice == "on")
    text = (
        "I'll ping you when you're called."
        if choice == "on"
        else "I won't ping you; I'll just say your name."
    )
    return TextReply(text=text, ephemeral=True)


@commands.command(
    "vote", param=Param("choice", f"{VOTE_CHOICES}; none: show the tally"), group="sessions"
)
async def vote(ctx: Context, command: Command) -> Reply:
    """Vote on the session's claim: `vote agree`, `vote disagree` or `vote pass`; alone, show the tally.

    Votes are anonymous (only totals are shown, and only totals are kept after the session), one each, and
    can be changed until the session ends."""
    session = await require_session(ctx, command.place)
    if not session.claim:
        raise UsageError(
            "This session has no claim to vote on.",
            hint="Moderators set one when starting: `session start <topic> claim: <the claim>`.",
        )
    store = ctx.stores.sessions
    if not command.text:
        lines = [vote_line(await store.tally(session.id))]
        sides = await session_sides(ctx, session)
        if sides is not None:
            lines.append(sides.summary())
        return TextReply(title=f"Claim: \u201c{session.claim}\u201d", lines=lines)
    choice = parse_choice(command.text)
    actor = command.actor
    before = await store.vote(session.id, actor.user_id, actor.display_name, choice, iso(now_utc(ctx)))
    if before == choice:
        text = f"Your vote is still {choice}."
    elif before is not None:
        text = f"Vote changed from {before} to {choice}."
    else:
        text = f"Vote recorded: {choice}."
    return TextReply(
        text=f"{text} Only totals are ever shown; you can change it until the session ends.", ephemeral=True
    )
