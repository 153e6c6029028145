"""The buttons under a stance or counter reply, and what a click on one asks the core to do.

Each button's value names the stored claim by id (and the archive it was counted in), never by its text: a
claim can be 4,000 characters and a value holds 2,000. The click handler looks the claim up in the clicking
workspace, so a button copied from another workspace finds nothing there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from adapters.slack.kit import Block
from adapters.slack.limits import MAX_VALUE_CHARS

ACTION_PREFIX = "threadbot."
SHOW_ALL = f"{ACTION_PREFIX}stance_all"
VOTE_PREFIX = f"{ACTION_PREFIX}vote_"
ANOTHER = f"{ACTION_PREFIX}counter_again"
MAX_ARCHIVE_CHARS = 200

Choice = Literal["agree", "disagree", "pass"]
VOTES: tuple[tuple[Choice, str, str | None], ...] = (
    ("agree", "Agree", "primary"),
    ("disagree", "Disagree", "danger"),
    ("pass", "Pass", None),
)


class BadButtonError(ValueError):
    """A click whose value threadbot did not write (or wrote in a version it no longer reads)."""


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """What a button carries: the stored claim's id and the archive its answer came from."""

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


def stance_actions(claim_id: int, archive: str | None, *, show_all: bool = True) -> Block:
    """ "Show all" (when the list is not already shown) and the three vote buttons."""
    value = ClaimRef(claim_id, archive).encode()
    elements = [button("Show all", SHOW_ALL, value)] if show_all else []
    elements += [button(label, f"{VOTE_PREFIX}{choice}", value, style) for choice, label, style in VOTES]
    return {"type": "actions", "block_id": f"stance-{claim_id}", "elements": elements}


def counter_actions(claim_id: int, archive: str | None) -> Block:
    value = ClaimRef(claim_id, archive).encode()
    return {
        "type": "actions",
        "block_id": f"counter-{claim_id}",
        "elements": [button("Another", ANOTHER, value)],
    }


def vote_choice(action_id: str) -> Choice | None:
    """The vote a button casts (`threadbot.vote_agree` -> "agree"); None for any other button."""
    if not action_id.startswith(VOTE_PREFIX):
        return None
    wanted = action_id[len(VOTE_PREFIX) :]
    return next((choice for choice, _, _ in VOTES if choice == wanted), None)
