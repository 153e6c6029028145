"""The buttons a reply carries and what pressing one runs: the core decides both, adapters only draw them.

A button's token (`Action.token`) says everything a press needs in at most 93 characters: what to do, the
stored claim's id and the archive (`all:42:sample`, `agree:42:`, `another:42:sample`). The claim's text is
looked up again when it is pressed, in the presser's own space (`Bot.press`), so nothing lives in memory, a
button keeps working after a restart, and a claim id from another space is simply not found there. Adapters
carry the token in their own wire format (Discord's custom id `tb:<token>`, Slack's action id and value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from bot.models import (
    Action,
    ActionStyle,
    Actor,
    Command,
    CounterReply,
    ErrorReply,
    Place,
    Reply,
    StanceReply,
    Vote,
)

MAX_CLAIM_ID = 2**63 - 1
"""The largest id SQLite stores; a bigger number in a token is not one of ours."""


class Verb(StrEnum):
    """What a button does: the first word of its token."""

    SHOW_ALL = "all"
    AGREE = Vote.AGREE
    DISAGREE = Vote.DISAGREE
    PASS = Vote.PASS
    ANOTHER = "another"

    @property
    def vote(self) -> Vote | None:
        """The vote this button casts, if it is a vote."""
        return Vote.read(self)

    @property
    def private(self) -> bool:
        """Answered to the presser alone: a full listing or a vote confirmation is nobody else's business."""
        return self is not Verb.ANOTHER

    @property
    def command_name(self) -> str:
        """The command a press runs: `stance --all`, `counter`, or `stance vote` with this vote."""
        if self is Verb.SHOW_ALL:
            return "stance"
        return "counter" if self is Verb.ANOTHER else "stance vote"


_TOKEN = re.compile(
    rf"(?P<verb>{'|'.join(Verb)}):(?P<claim>[1-9]\d{{0,18}}):(?P<archive>[a-z0-9._-]{{0,64}})"
)
_LOOKS: dict[Verb, tuple[str, ActionStyle]] = {
    Verb.SHOW_ALL: ("Show all", "secondary"),
    Verb.AGREE: ("Agree", "success"),
    Verb.DISAGREE: ("Disagree", "danger"),
    Verb.PASS: ("Pass", "secondary"),
    Verb.ANOTHER: ("Another", "primary"),
}

CLAIM_GONE = ErrorReply(
    message="That claim is gone: it is not stored in this server or workspace (any more).",
    hint="Ask again with `stance <claim>`.",
)
BAD_BUTTON = ErrorReply(
    message="That button is not one I can read (it may come from an older version of threadbot).",
    hint="Ask again with `stance <claim>`.",
)


@dataclass(frozen=True, slots=True)
class Press:
    """One button's meaning: a verb on a stored claim; `archive` is empty for the channel's default."""

    verb: Verb
    claim_id: int
    archive: str = ""

    @property
    def token(self) -> str:
        return f"{self.verb}:{self.claim_id}:{self.archive}"

    @property
    def private(self) -> bool:
        return self.verb.private

    @property
    def command_name(self) -> str:
        return self.verb.command_name

    @property
    def options(self) -> dict[str, str | bool]:
        """The command's options: `--all` or the vote's `--choice`, and the archive it read (not for a vote)."""
        options: dict[str, str | bool] = {}
        if self.verb is Verb.SHOW_ALL:
            options["all"] = True
        elif self.verb.vote is not None:
            options["choice"] = self.verb.vote.value
        if self.archive and self.verb.vote is None:
            options["archive"] = self.archive
        return options

    def command(self, claim: str, actor: Actor, place: Place) -> Command:
        """The command this press stands for, as if the presser had typed it where they pressed."""
        name, options = self.command_name, self.options
        flags = [f"--{key}" if value is True else f"--{key} {value}" for key, value in options.items()]
        raw = " ".join([name, claim, *flags])
        return Command(name=name, args=claim.split(), options=options, raw=raw, actor=actor, place=place)

    def action(self) -> Action:
        label, style = _LOOKS[self.verb]
        return Action(label=label, style=style, token=self.token, command=self.command_name,
                      options=self.options, private=self.private)  # fmt: skip


def read_token(token: str) -> Press | None:
    """The press a token stands for, or None if it is not a token the core wrote."""
    match = _TOKEN.fullmatch(token)
    if match is None or int(match["claim"]) > MAX_CLAIM_ID:
        return None
    return Press(Verb(match["verb"]), int(match["claim"]), match["archive"])


def actions_for(reply: BaseModel) -> list[Action]:
    """The buttons a reply gets: a stance of a stored claim gets Show all (unless it lists every comment
    already) and the three votes; a counter with a quote or candidates gets Another; anything else none.
    An archive name a token cannot carry is left out, so the press reads the channel's default."""
    if not isinstance(reply, StanceReply | CounterReply) or reply.claim_id is None:
        return []
    claim_id, archive = reply.claim_id, reply.archive or ""
    if not 0 < claim_id <= MAX_CLAIM_ID:
        return []
    if read_token(Press(Verb.DISAGREE, claim_id, archive).token) is None:
        archive = ""
    verbs: list[Verb] = []
    if isinstance(reply, StanceReply):
        verbs = [Verb.SHOW_ALL] if not reply.items else []
        verbs += [Verb(vote) for vote in Vote]
    elif reply.quote is not None or reply.candidates:
        verbs = [Verb.ANOTHER]
    return [Press(verb, claim_id, archive).action() for verb in verbs]


def with_actions(reply: Reply) -> Reply:
    """The reply with the buttons the core gives it (`actions_for`); other replies as they are."""
    if isinstance(reply, StanceReply | CounterReply):
        return reply.model_copy(update={"actions": actions_for(reply)})
    return reply


def actions_of(reply: object) -> list[Action]:
    """The buttons a reply carries, for an adapter to draw (none for a reply type without buttons)."""
    return list(reply.actions) if isinstance(reply, StanceReply | CounterReply) else []


@dataclass(frozen=True, slots=True)
class Pressed:
    """The answer to a press, and the line that says who asked for it (`asked`) where it is posted for all:
    an adapter whose platform does not show who pressed a button puts it above the answer."""

    reply: Reply
    asked: str | None = None


def answered(press: Press, reply: Reply, actor: Actor) -> Pressed:
    """The command's reply as the press's answer: private presses to the presser alone."""
    if press.private and not reply.ephemeral:
        reply = reply.model_copy(update={"ephemeral": True})
    public = not reply.ephemeral and press.verb is Verb.ANOTHER
    return Pressed(reply, f"{actor.display_name} asked for another counterargument" if public else None)
