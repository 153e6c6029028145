"""The buttons under a stance or counter reply, and the custom ids that let any later process answer them.

A button's custom id carries everything a press needs, in at most 100 characters: what to do, the stored
claim's id and the archive (`tb:all:42:sample`). The claim's text is looked up again when it is pressed, in the
presser's own server, so nothing lives in memory and a button keeps working after a restart; a claim id from
another server is simply not found there. `Buttons` turns them into discord.py components: plain components,
answered by custom id (`presses`), not by a callback kept in memory, so discord.py is told there is nothing
to remember.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import discord
from pydantic import BaseModel

from bot.models import Actor, Command, CounterReply, Place, StanceReply

CUSTOM_ID_CHARS = 100
PREFIX = "tb"


class Action(Enum):
    """What a button does, by the word in its custom id."""

    SHOW_ALL = "all"
    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "pass"  # "pass" in chat: the member saw the claim and takes no side
    ANOTHER = "another"

    @property
    def private(self) -> bool:
        """Answered to the presser alone: a full listing or a vote confirmation is nobody else's business."""
        return self is not Action.ANOTHER

    @property
    def command_name(self) -> str:
        """The core command a press runs: `stance --all`, `counter`, or `stance vote` with this choice."""
        if self is Action.SHOW_ALL:
            return "stance"
        return "counter" if self is Action.ANOTHER else "stance vote"


VOTES = (Action.AGREE, Action.DISAGREE, Action.ABSTAIN)
_ACTIONS = "|".join(action.value for action in Action)
_CUSTOM_ID = re.compile(
    rf"{PREFIX}:(?P<action>{_ACTIONS}):(?P<claim>\d{{1,19}}):(?P<archive>[a-z0-9._-]{{0,64}})"
)


class Style(Enum):
    """Discord's button styles, by the numbers the API uses."""

    PRIMARY = 1
    SECONDARY = 2
    SUCCESS = 3
    DANGER = 4


@dataclass(frozen=True, slots=True)
class Control:
    """One pressable action on one claim; `archive` is empty when the reply named none (the channel's default)."""

    action: Action
    claim_id: int
    archive: str = ""

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:{self.action.value}:{self.claim_id}:{self.archive}"

    def command(self, claim: str, actor: Actor, place: Place) -> Command:
        """The core command this press stands for, as the presser, where they pressed."""
        name = self.action.command_name
        options: dict[str, str | bool] = {}
        if self.action is Action.SHOW_ALL:
            options["all"] = True
        elif self.action in VOTES:
            options["choice"] = self.action.value
        if self.archive and self.action in (Action.SHOW_ALL, Action.ANOTHER):
            options["archive"] = self.archive
        raw = " ".join([name, claim, *(f"--{k}" if v is True else f"--{k} {v}" for k, v in options.items())])
        return Command(name=name, args=claim.split(), options=options, raw=raw, actor=actor, place=place)


def parse_custom_id(custom_id: str) -> Control | None:
    """The control a pressed button stands for, or None if the custom id is not one of threadbot's."""
    match = _CUSTOM_ID.fullmatch(custom_id)
    if match is None:
        return None
    return Control(Action(match["action"]), int(match["claim"]), match["archive"])


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    control: Control
    style: Style = Style.SECONDARY


_VOTE_BUTTONS = ((Action.AGREE, "I agree", Style.SUCCESS), (Action.DISAGREE, "I disagree", Style.DANGER),
                 (Action.ABSTAIN, "Pass", Style.SECONDARY))  # fmt: skip


def buttons_for(reply: BaseModel) -> tuple[Button, ...]:
    """The buttons a reply carries: a stance (of a stored claim) gets Show all and the three votes, a counter
    gets Another; anything else, or a claim the core did not store, gets none."""
    claim_id = getattr(reply, "claim_id", None)
    if not isinstance(claim_id, int) or claim_id < 0:
        return ()
    archive = getattr(reply, "archive", None) or ""
    if not _CUSTOM_ID.fullmatch(Control(Action.DISAGREE, claim_id, archive).custom_id):
        archive = ""  # an archive name the id cannot carry: the press reads the channel's default
    if isinstance(reply, StanceReply):
        buttons = [] if reply.items else [Button("Show all", Control(Action.SHOW_ALL, claim_id, archive))]
        buttons += [
            Button(text, Control(action, claim_id, archive), style) for action, text, style in _VOTE_BUTTONS
        ]
        return tuple(buttons)
    if isinstance(reply, CounterReply) and (reply.quote is not None or reply.candidates):
        return (Button("Another", Control(Action.ANOTHER, claim_id, archive), Style.PRIMARY),)
    return ()


class Buttons(discord.ui.View):
    """Buttons answered by custom id in `on_interaction`, so they outlive this process and its memory."""

    def __init__(self, buttons: tuple[Button, ...]) -> None:
        super().__init__(timeout=None)
        for button in buttons:
            style = discord.ButtonStyle(button.style.value)
            self.add_item(
                discord.ui.Button(label=button.label, custom_id=button.control.custom_id, style=style)
            )

    def is_dispatchable(self) -> bool:
        """Nothing for discord.py to store per message and dispatch: the custom ids say it all."""
        return False
