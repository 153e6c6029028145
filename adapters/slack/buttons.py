"""The core's buttons (`Reply.actions`, bot/actions.py) as Block Kit buttons, and a click back into the core's
token for `Bot.press`.

Slack's wire format is older than the core's tokens and stays as it was, so buttons already posted keep
working: the action id names what the button does (`threadbot.stance_all`, `threadbot.vote_agree`,
`threadbot.counter_again`) and the value names the stored claim by id (and the archive it was counted in) as
JSON, never by its text: a claim can be 4,000 characters and a value holds 2,000.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from adapters.slack.kit import Block
from adapters.slack.limits import MAX_VALUE_CHARS
from bot.actions import Press, Verb, read_token
from bot.models import Action, ActionStyle

ACTION_PREFIX = "threadbot."
SHOW_ALL = f"{ACTION_PREFIX}stance_all"
VOTE_PREFIX = f"{ACTION_PREFIX}vote_"
ANOTHER = f"{ACTION_PREFIX}counter_again"
MAX_ARCHIVE_CHARS = 200

ACTION_IDS: dict[Verb, str] = {
    Verb.SHOW_ALL: SHOW_ALL,
    **{verb: f"{VOTE_PREFIX}{verb}" for verb in Verb if verb.vote is not None},
    Verb.ANOTHER: ANOTHER,
}
VERBS = {action_id: verb for verb, action_id in ACTION_IDS.items()}
STYLES: dict[ActionStyle, str] = {"success": "primary", "danger": "danger"}
"""Slack has a green button ("primary") and a red one; every other style is its plain default."""


class BadButtonError(ValueError):
    """A click whose value threadbot did not write (or wrote in a version it no longer reads)."""


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """What a button's value carries: the stored claim's id and the archive its answer came from."""

    claim_id: int
    archive: str | None = None

    def encode(self) -> str:
        data: dict[str, int | str] = {"claim": self.claim_id}
        if self.archive and len(self.archive) <= MAX_ARCHIVE_CHARS:
            data["archive"] = self.archive
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def decode(cls, value: object) -> ClaimRef:
        if not isinstance(value, str) or len(value) > MAX_VALUE_CHARS:
            raise BadButtonError("no claim in the button")
        try:
            data = json.loads(value)
        except ValueError as error:
            raise BadButtonError("the button's value is not JSON") from error
        claim_id = data.get("claim") if isinstance(data, dict) else None
        archive = data.get("archive") if isinstance(data, dict) else None
        if not isinstance(claim_id, int) or isinstance(claim_id, bool) or claim_id <= 0:
            raise BadButtonError("the button names no claim")
        if archive is not None and not isinstance(archive, str):
            raise BadButtonError("the button's archive is not a name")
        return cls(claim_id=claim_id, archive=archive or None)


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": False},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def element(action: Action) -> Block | None:
    """The core's action as a button (None for a token that is not the core's: nothing to click)."""
    press = read_token(action.token)
    if press is None:
        return None
    value = ClaimRef(press.claim_id, press.archive or None).encode()
    return button(action.label, ACTION_IDS[press.verb], value, STYLES.get(action.style))


def actions_blocks(block_id: str, actions: list[Action]) -> list[Block]:
    """The reply's buttons in the core's order, as one `actions` block; no block when it has none."""
    elements = [found for action in actions if (found := element(action)) is not None]
    return [{"type": "actions", "block_id": block_id, "elements": elements}] if elements else []


def token_of(action_id: str, value: object) -> str:
    """The core's token for a click on one of threadbot's buttons (`BadButtonError` if it is not one)."""
    verb = VERBS.get(action_id)
    if verb is None:
        raise BadButtonError(f"no button {action_id!r} in this version")
    ref = ClaimRef.decode(value)
    return Press(verb, ref.claim_id, ref.archive or "").token
