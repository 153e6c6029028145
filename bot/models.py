"""The neutral types that pass between adapters and the core.

Adapters build a `Command` from a platform event and render a `Reply` back; nothing here knows Discord or Slack.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Vote(StrEnum):
    """A member's vote on a claim (`stance vote`, a session's `vote`, the vote buttons): the one spelling of it."""

    AGREE = "agree"
    DISAGREE = "disagree"
    PASS = "pass"  # noqa: S105 (a vote, no password): the member saw the claim and takes no side

    @classmethod
    def read(cls, word: str) -> Vote | None:
        """The vote a word names ("Agree" -> AGREE), or None."""
        try:
            return cls(word.strip().casefold())
        except ValueError:
            return None


def either(words: Iterable[str]) -> str:
    """Alternatives as a sentence says them: "agree, disagree or pass"."""
    *first, last = words
    return f"{', '.join(first)} or {last}" if first else last


VOTE_CHOICES = either(Vote)
"""The votes as a user reads them in help and hints: "agree, disagree or pass"."""


class Actor(BaseModel):
    """Who sent the command. `is_moderator` is decided by the adapter from platform roles, checked in the core."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    display_name: str
    is_moderator: bool = False


class Place(BaseModel):
    """Where the command was sent. `space` is a Discord guild, a Slack workspace, or "local" on the console."""

    model_config = ConfigDict(frozen=True)

    platform: str
    space: str
    channel: str
    thread: str | None = None

    @property
    def space_key(self) -> str:
        """The storage scope: one per guild/workspace, so spaces never see each other's data."""
        return f"{self.platform}:{self.space}"


class Command(BaseModel):
    """A parsed chat command: name (possibly several words, e.g. "stance fix"), arguments, options, raw text."""

    name: str
    args: list[str] = Field(default_factory=list)
    options: dict[str, str | bool] = Field(default_factory=dict)
    raw: str = ""
    actor: Actor
    place: Place

    @property
    def text(self) -> str:
        """The arguments joined back into the user's free text (a query, a claim)."""
        return " ".join(self.args).strip()


class ChannelMessage(BaseModel):
    """An ordinary (non-command) message seen in a channel, for features that count or record messages.

    `reply_to_message_id` is the message it answers (a reply, or the parent of a thread); `url` a permalink."""

    actor: Actor
    place: Place
    message_id: str
    text: str
    reply_to_message_id: str | None = None
    created_at: datetime | None = None
    url: str | None = None


class Span(BaseModel):
    """A [start, end) character range of a quote's text, e.g. a word that matched the query."""

    start: int
    end: int


class Quote(BaseModel):
    """A comment re-posted verbatim, with everything needed to cite it."""

    comment_id: int
    source_id: str
    text: str
    author: str | None = None
    url: str | None = None
    archive: str
    created_at: str | None = None
    highlights: list[Span] = Field(default_factory=list)
    score: float | None = None


class QuotesReply(BaseModel):
    type: Literal["quotes"] = "quotes"
    query: str | None = None
    quotes: list[Quote]
    note: str | None = None
    ephemeral: bool = False


class TextReply(BaseModel):
    """Plain information: help, lists, confirmations. `lines` render as a list under the title."""

    type: Literal["text"] = "text"
    title: str | None = None
    text: str = ""
    lines: list[str] = Field(default_factory=list)
    ephemeral: bool = False
    mention_user_id: str | None = None
    """The one user this reply may ping (rendered as the only allowed mention); None: it pings nobody."""


class ErrorReply(BaseModel):
    """What went wrong and how to fix it; adapters show it only to the one who asked where they can."""

    type: Literal["error"] = "error"
    message: str
    hint: str | None = None
    ephemeral: bool = True


class PromptSide(BaseModel):
    """One side of a discussion prompt: a label ("Claim", "Pushback") and the verbatim quote that takes it."""

    label: str
    quote: Quote


class PromptTally(BaseModel):
    """How many of the thread's comments agree and disagree with a disagreement prompt's claim."""

    agree: int
    disagree: int

    def line(self) -> str:
        """`7 comments agree, 5 disagree` (`1 comment agrees, 1 disagrees`): the one wording every adapter shows."""
        agree = f"{self.agree} comment agrees" if self.agree == 1 else f"{self.agree} comments agree"
        disagree = f"{self.disagree} disagrees" if self.disagree == 1 else f"{self.disagree} disagree"
        return f"{agree}, {disagree}"


class PromptReply(BaseModel):
    """A discussion prompt (bot/prompts): a question, with one quote per side from the archive and their links.

    A disagreement's first side is its claim (one sentence of a comment, verbatim), then the strongest quote on
    each side, and `tally` counts the thread's comments on each side. `notify_role` is the one role a moderator
    asked to notify; None: the prompt pings nobody."""

    type: Literal["prompt"] = "prompt"
    kind: str
    question: str
    sides: list[PromptSide] = Field(default_factory=list)
    tally: PromptTally | None = None
    suggested_by: str | None = None
    note: str | None = None
    notify_role: str | None = None
    ephemeral: bool = False


class StanceCounts(BaseModel):
    agree: int = 0
    disagree: int = 0
    neutral: int = 0
    unrelated: int = 0


class StanceItem(BaseModel):
    """One comment's stance toward the claim (listed only with `--all`)."""

    comment_id: int
    text: str
    label: Literal["agree", "disagree", "neutral", "unrelated"]
    score: float


class MemberVotes(BaseModel):
    """The channel members' own votes on a claim (`stance vote`), anonymous: counts only."""

    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @classmethod
    def of(cls, counts: dict[str, int]) -> MemberVotes:
        """The tally from stored counts by vote word (a vote nobody cast counts 0)."""
        return cls(agree=counts.get(Vote.AGREE, 0), disagree=counts.get(Vote.DISAGREE, 0),
                   passed=counts.get(Vote.PASS, 0))  # fmt: skip

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.passed

    def counts(self) -> list[tuple[Vote, int]]:
        """(vote, count) in the order every tally shows them."""
        return [(Vote.AGREE, self.agree), (Vote.DISAGREE, self.disagree), (Vote.PASS, self.passed)]


ActionStyle = Literal["primary", "secondary", "success", "danger"]
"""How a button looks: the accent, plain, green (a yes) or red (a no); each adapter maps it to what it has."""


class Action(BaseModel):
    """A button under a reply, decided by the core (bot/actions.py): what it says and what pressing it runs.

    Adapters draw `label` and `style` and carry `token` in their own button id; a press hands the token back
    to `Bot.press`. `command` and `options` say what the press runs (on the reply's stored claim), `private`
    whether only the presser sees the answer."""

    model_config = ConfigDict(frozen=True)

    label: str
    style: ActionStyle = "secondary"
    token: str
    command: str
    options: dict[str, str | bool] = Field(default_factory=dict)
    private: bool = False


class StanceReply(BaseModel):
    """How the archive's comments stand toward a claim, with the clearest quote on each side.

    `rough` is true when no NLI model is installed and labels are guessed from words; `note` says so."""

    type: Literal["stance"] = "stance"
    claim: str
    claim_id: int | None = None
    """The stored claim (per space), so a "show all" button or a vote can refer to it in 100 characters."""
    archive: str | None = None
    counts: StanceCounts = Field(default_factory=StanceCounts)
    agree: Quote | None = None
    disagree: Quote | None = None
    confidence: float | None = None
    rough: bool = False
    note: str | None = None
    items: list[StanceItem] = Field(default_factory=list)
    members: MemberVotes | None = None
    """Members' votes on the claim, shown beside the archive's counts; None when nobody has voted."""
    fixed_ids: list[int] = Field(default_factory=list)
    """Comments whose label a moderator set (`stance fix`); every count uses that label, not the engine's."""
    partial: bool = False
    """Comments are still being read: the core completes this answer (`Bot.handle(..., on_complete=...)`) and
    the adapter replaces the message with the completed one."""
    actions: list[Action] = Field(default_factory=list)
    """Show all and the votes, filled by the core (`Bot.handle`) when the claim is stored."""
    ephemeral: bool = False


class CounterCandidateRef(BaseModel):
    comment_id: int
    source_id: str
    score: float


class CounterReply(BaseModel):
    """The comment that best argues against a claim (None if none does), and the ranked candidates (top 10)."""

    type: Literal["counter"] = "counter"
    claim: str
    claim_id: int | None = None
    archive: str | None = None
    quote: Quote | None = None
    candidates: list[CounterCandidateRef] = Field(default_factory=list)
    rough: bool = False
    note: str | None = None
    actions: list[Action] = Field(default_factory=list)
    """Another, filled by the core (`Bot.handle`) when there was anything to choose from."""
    ephemeral: bool = False
    partial: bool = False
    """No counter yet, but comments are still being read: the core completes this answer (as `StanceReply`'s)."""


Reply = Annotated[
    QuotesReply | TextReply | ErrorReply | PromptReply | StanceReply | CounterReply,
    Field(discriminator="type"),
]
"""Every reply the core can give. Feature issues extend this union with their own reply types."""
