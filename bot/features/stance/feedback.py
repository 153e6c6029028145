"""`stance fix` and `stance vote`: people correcting and answering the engine, kept per space in SQLite.

A moderator's fix sets one comment's label for one claim (same normalised wording, same space); every later
`stance` count and `counter` choice for that claim uses it instead of the engine's guess. A member's vote is
one per person and claim, changeable, and only ever shown as counts beside the archive's.
"""

from __future__ import annotations

from typing import Literal

from bot.context import Context
from bot.errors import NotFoundError, UsageError
from bot.models import VOTE_CHOICES, Command, MemberVotes, Reply, TextReply, Vote
from bot.registry import Option, Param, Registry
from bot.times import now_iso
from storage.stance_store import claim_key, voter_key

commands = Registry()

Label = Literal["agree", "disagree", "neutral", "unrelated"]
LABELS: tuple[Label, ...] = ("agree", "disagree", "neutral", "unrelated")
CLEAR = "clear"

COMMENT_OPTION = Option(
    "comment", "The comment's number (shown as #N by `stance --all` and in citations)", takes_value=True
)
LABEL_OPTION = Option(
    "label", "agree, disagree, neutral, unrelated, or clear to remove the fix", takes_value=True,
    choices_from="stance-labels",
)
CHOICE_OPTION = Option("choice", VOTE_CHOICES, takes_value=True, choices_from="votes")


def _quoted(claim: str) -> str:
    return f"\u201c{claim[:200]}\u201d"


def _looks_like_number(word: str) -> bool:
    """ASCII digits, perhaps after `#`: `str.isdigit` alone takes `²`, which `int` refuses."""
    digits = word.removeprefix("#")
    return digits.isascii() and digits.isdigit()


def _comment_number(value: str, usage: str) -> int:
    """Any size: a number beyond the database's is simply no comment of this space (the store says so)."""
    if not _looks_like_number(value):
        raise UsageError(f"`{value[:40]}` is not a comment number.", hint=usage)
    return int(value.removeprefix("#"))


def _fix_parts(command: Command) -> tuple[int, str, str]:
    """(comment id, label or "clear", claim) from options or from the text form `stance fix 123 disagree <claim>`."""
    usage = "For example: `stance fix --comment 123 --label disagree remote work is better` (or `stance fix 123 disagree remote work is better`)."
    words = list(command.args)
    raw_comment = command.options.get("comment")
    if raw_comment is True:
        raise UsageError("`--comment` needs a comment number.", hint=usage)
    if raw_comment is None:
        if not words or not _looks_like_number(words[0]):
            raise UsageError("Say which comment to fix (its number, as `stance --all` shows it).", hint=usage)
        raw_comment = words.pop(0)
    comment_id = _comment_number(str(raw_comment), usage)
    raw_label = command.options.get("label")
    if raw_label is True:
        raise UsageError("`--label` needs a label.", hint=usage)
    if raw_label is None:
        if not words or words[0].casefold() not in (*LABELS, CLEAR):
            raise UsageError(
                "Say which label the comment should have: agree, disagree, neutral, unrelated, or clear.", hint=usage
            )
        raw_label = words.pop(0)
    label = str(raw_label).casefold()
    if label not in (*LABELS, CLEAR):
        raise UsageError(
            f"`{str(raw_label)[:40]}` is not a label: use agree, disagree, neutral, unrelated, or clear.", hint=usage
        )
    claim = " ".join(words).strip()
    if not claim_key(claim):
        raise UsageError("Say which claim the label is for.", hint=usage)
    return comment_id, label, claim


@commands.command(
    "stance fix",
    param=Param("claim", "the claim the label is for", required=True, choices_from="claims"),
    options=[COMMENT_OPTION, LABEL_OPTION],
    moderator_only=True,
)
async def stance_fix(ctx: Context, command: Command) -> Reply:
    """Set a comment's label for a claim (moderators): every later `stance` count and `counter` uses it.

    `stance fix --comment 123 --label disagree <claim>` or `stance fix 123 disagree <claim>`; `clear` removes it.
    """
    comment_id, label, claim = _fix_parts(command)
    space = command.place.space_key
    store = ctx.stores.stance
    place = await store.comment_place(comment_id)
    if place is None or not place.visible_from(space):
        raise NotFoundError(
            f"There is no comment #{comment_id} in this space's archives.",
            hint="Use the number `stance <claim> --all` shows beside each comment.",
        )
    new_label = None if label == CLEAR else label
    before = await store.set_fix(space, claim, comment_id, new_label, command.actor.display_name, now_iso(ctx))
    if new_label is None:
        text = (
            f"Removed the fix on comment #{comment_id} for {_quoted(claim)}: the engine's label counts again."
            if before is not None
            else f"Comment #{comment_id} had no fix for {_quoted(claim)}; nothing changed."
        )
    else:
        was = f" (was {before})" if before is not None and before != new_label else ""
        text = (
            f"Comment #{comment_id} (archive `{place.archive}`) now counts as {new_label}{was} "
            f"for {_quoted(claim)}."
        )
    return TextReply(title="Stance fix", text=text)


def _vote_parts(command: Command) -> tuple[Vote, str]:
    usage = "For example: `stance vote agree remote work is better` (or `--choice disagree`, or `pass`)."
    words = list(command.args)
    raw = command.options.get("choice")
    if raw is True:
        raise UsageError(f"`--choice` needs {VOTE_CHOICES}.", hint=usage)
    if raw is None:
        if not words or Vote.read(words[0]) is None:
            raise UsageError(f"Say how you vote: {VOTE_CHOICES}.", hint=usage)
        raw = words.pop(0)
    choice = Vote.read(str(raw))
    if choice is None:
        raise UsageError(f"`{str(raw)[:40]}` is not a vote: use {VOTE_CHOICES}.", hint=usage)
    claim = " ".join(words).strip()
    if not claim_key(claim):
        raise UsageError("Say which claim you vote on.", hint=usage)
    return choice, claim


@commands.command(
    "stance vote",
    param=Param("claim", "the claim you vote on", required=True, choices_from="claims"),
    options=[CHOICE_OPTION],
)
async def stance_vote(ctx: Context, command: Command) -> Reply:
    """Vote agree, disagree or pass on a claim; `stance` shows the members' tally (counts only, no names).

    One vote per member and claim; voting again changes it.
    """
    choice, claim = _vote_parts(command)
    space = command.place.space_key
    key = claim_key(claim)
    store = ctx.stores.stance
    before = await store.vote(space, claim, voter_key(space, command.actor.user_id), choice, now_iso(ctx))
    if before is None:
        text = f"Recorded your vote: {choice} on {_quoted(claim)}."
    elif before == choice:
        text = f"Your vote on {_quoted(claim)} was already {choice}; nothing changed."
    else:
        text = f"Changed your vote from {before} to {choice} on {_quoted(claim)}."
    tally = await members_tally(ctx, space, key)
    lines = [] if tally is None else [tally_line(tally)]
    return TextReply(title="Stance vote", text=text, lines=lines, ephemeral=True)


async def members_tally(ctx: Context, space_key: str, key: str) -> MemberVotes | None:
    """The members' votes on a claim in this space, or None when nobody has voted."""
    counts = await ctx.stores.stance.tally(space_key, key)
    if not counts:
        return None
    return MemberVotes.of(counts)


def tally_line(votes: MemberVotes) -> str:
    return "Members: " + " \u00b7 ".join(f"{count} {vote}" for vote, count in votes.counts())


async def fixed_labels(ctx: Context, space_key: str, key: str, archive_id: int) -> dict[int, Label]:
    """Moderator-set labels for a claim on one archive: comment id -> label."""
    found = await ctx.stores.stance.fixes(space_key, key, archive_id)
    return {comment_id: label for comment_id, label in found.items() if label in LABELS}
