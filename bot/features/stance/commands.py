"""`stance` and `counter`: where the thread stands on a claim, and the comment that best argues against it.

Thin command handlers over the stance pipeline (pipeline.py) and the counter search (counter.py). Members' votes
show beside the archive's counts; background reading waits while a command runs, so the answer has both cores.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import numpy as np

from bot.archive_choice import ARCHIVE_OPTION, resolve_archive
from bot.claims import remember_claim
from bot.context import Context
from bot.errors import UsageError
from bot.features.stance.counter import find_counter
from bot.features.stance.feedback import members_tally
from bot.features.stance.pipeline import Counted, best_row, count_claim, read_on
from bot.features.stance.reader import reading
from bot.models import Command, CounterReply, MemberVotes, Quote, Reply, StanceCounts, StanceItem, StanceReply
from bot.quoting import to_quote
from bot.registry import Option, Param, Registry
from bot.remembering import CLAIM, remember
from storage.interface import ArchiveInfo
from storage.stance_store import claim_key

commands = Registry()

ALL_OPTION = Option("all", "List every comment with its label and score")


def _claim(command: Command) -> str:
    claim = command.text
    if not claim:
        raise UsageError(
            "Say which claim to check.", hint=f"For example: `{command.name} remote work is better`"
        )
    return claim


READ_ON_ROUNDS = 3
"""How many times a completion waits for the reader and counts again before it settles for what it has."""


async def _read_on_and_ask(
    ctx: Context, command: Command, first: Reply, ask: Callable[[Context, Command], Awaitable[Reply]]
) -> Reply | None:
    """Wait for the background reader to finish the claim of a partial answer, then answer again (`ask`), a few
    rounds at most; None when the first answer was complete already."""
    if not isinstance(first, StanceReply | CounterReply) or not first.partial:
        return None
    archive = await resolve_archive(ctx, command)
    reply: Reply = first
    for _ in range(READ_ON_ROUNDS):
        if not isinstance(reply, StanceReply | CounterReply) or not reply.partial:
            break
        await read_on(ctx, archive.id, reply.claim)
        reply = await ask(ctx, command)
    return None if reply is first else reply


async def complete_stance(ctx: Context, command: Command, first: Reply) -> Reply | None:
    """The completed count of a partial `stance` answer, once the background reader is done with its claim."""
    return await _read_on_and_ask(ctx, command, first, stance)


async def complete_counter(ctx: Context, command: Command, first: Reply) -> Reply | None:
    """The counter a partial `counter` answer ("none read so far") waited for, once its claim is read."""
    return await _read_on_and_ask(ctx, command, first, counter)


@commands.command(
    "stance",
    param=Param("claim", "the claim to check against the thread", required=True, choices_from="claims"),
    options=[ALL_OPTION, ARCHIVE_OPTION],
    slow=True,
    completer=complete_stance,
)
async def stance(ctx: Context, command: Command) -> Reply:
    """How the thread's comments stand toward a claim: how many agree, disagree, are neutral or off topic.

    Shows the clearest quote on each side and the members' votes (`stance vote`); `--all` lists every comment
    considered with its number, label and score. Labels a moderator set with `stance fix` replace the engine's.
    """
    async with reading(ctx).command():  # background reading waits: this answer gets both cores
        return await _stance(ctx, command)




async def _stance(ctx: Context, command: Command) -> Reply:
    started = time.perf_counter()
    claim = _claim(command)
    archive = await resolve_archive(ctx, command)
    space = command.place.space_key
    claim_id = await remember(CLAIM, remember_claim(ctx, space, claim))
    count = await count_claim(ctx, space, archive, claim, started)
    members = await members_tally(ctx, space, claim_key(claim))
    if count.empty:
        return StanceReply(
            claim=claim,
            claim_id=claim_id,
            archive=archive.name,
            members=members,
            note=f"Nothing in the archive `{archive.name}` mentions \u201c{claim[:200]}\u201d.",
        )
    reply = _stance_reply(
        claim, claim_id, archive, count.rows, members, count.rough, count.notes, bool(command.options.get("all"))
    )
    reply.partial = count.reading
    return reply


def _stance_reply(
    claim: str,
    claim_id: int | None,
    archive: ArchiveInfo,
    rows: list[Counted],
    members: MemberVotes | None,
    rough: bool,
    notes: list[str],
    list_all: bool,
) -> StanceReply:
    def best(label: str) -> Quote | None:
        top = best_row(rows, label)
        return None if top is None else to_quote(top.comment, top.highlighted)

    counts = {label: sum(r.label == label for r in rows) for label in _ORDER}
    on_topic = [r.score for r in rows if r.label != "unrelated"]
    items = [
        StanceItem(comment_id=r.comment.id, text=r.comment.text, label=r.label, score=r.score)
        for r in sorted(rows, key=lambda r: (_ORDER[r.label], -r.score))
    ]
    return StanceReply(
        claim=claim,
        claim_id=claim_id,
        archive=archive.name,
        counts=StanceCounts(**counts),
        agree=best("agree"),
        disagree=best("disagree"),
        confidence=float(np.mean(on_topic)) if on_topic else None,
        rough=rough,
        note=" ".join(notes) or None,
        items=items if list_all else [],
        members=members,
        fixed_ids=sorted(r.comment.id for r in rows if r.fixed),
    )


_ORDER = {"agree": 0, "disagree": 1, "neutral": 2, "unrelated": 3}


@commands.command(
    "counter",
    param=Param("claim", "the claim to find a counterargument to", required=True, choices_from="claims"),
    options=[ARCHIVE_OPTION],
    slow=True,
    completer=complete_counter,
)
async def counter(ctx: Context, command: Command) -> Reply:
    """The comment in the thread that best argues against a claim, verbatim and cited.

    Asked again in the same channel, the next best one not yet shown. A comment a moderator fixed as
    disagreeing (`stance fix`) always qualifies; one fixed as anything else never does.
    """
    async with reading(ctx).command():  # background reading waits: this answer gets both cores
        return await _counter(ctx, command)




async def _counter(ctx: Context, command: Command) -> Reply:
    return await find_counter(ctx, command, _claim(command))
