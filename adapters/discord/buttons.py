"""The core's buttons (`Reply.actions`, bot/actions.py) as Discord components, and their custom ids back.

A button's custom id is the core's token behind threadbot's prefix (`tb:all:42:sample`), at most 100
characters; a press hands the token to `Bot.press`, which looks the claim up in the presser's server, so a
button keeps working after a restart. `Buttons` turns them into discord.py components: plain components,
answered by custom id (`presses`), not by a callback kept in memory, so discord.py is told there is nothing
to remember. Only the look is Discord's: its styles, and vote labels that speak as the presser ("I agree").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import discord
from pydantic import BaseModel

from bot.actions import Press, Verb, actions_of, read_token
from bot.models import Action, ActionStyle

CUSTOM_ID_CHARS = 100
PREFIX = "tb"


class Style(Enum):
    """Discord's button styles, by the numbers the API uses."""

    PRIMARY = 1
    SECONDARY = 2
    SUCCESS = 3
    DANGER = 4


STYLES: dict[ActionStyle, Style] = {
    "primary": Style.PRIMARY,
    "secondary": Style.SECONDARY,
    "success": Style.SUCCESS,
    "danger": Style.DANGER,
}
LABELS = {Verb.AGREE: "I agree", Verb.DISAGREE: "I disagree"}
"""Discord's vote buttons speak as the member who presses them; every other button keeps the core's label."""


@dataclass(frozen=True, slots=True)
class Control(Press):
    """A core press as a Discord custom id."""

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:{self.token}"


def parse_custom_id(custom_id: str) -> Control | None:
    """The press a custom id stands for, or None if it is not one of threadbot's."""
    prefix, colon, token = custom_id.partition(":")
    press = read_token(token) if prefix == PREFIX and colon else None
    return None if press is None else Control(press.verb, press.claim_id, press.archive)


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    control: Control
    style: Style = Style.SECONDARY


def button(action: Action) -> Button | None:
    """The core's action as a Discord button (None for a token that is not ours: nothing to press)."""
    control = parse_custom_id(f"{PREFIX}:{action.token}")
    if control is None:
        return None
    return Button(LABELS.get(control.verb, action.label), control, STYLES[action.style])


def buttons_for(reply: BaseModel) -> tuple[Button, ...]:
    """The buttons the core gave a reply, as Discord draws them."""
    return tuple(found for action in actions_of(reply) if (found := button(action)) is not None)


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
