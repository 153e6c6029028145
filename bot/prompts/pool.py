"""What a channel's next prompt is: built from the archive (never generated text) and members' suggestions.

The pool has three kinds that take turns: a disagreement (a claim and a reply pushing back, one quote per side),
a quote that drew many replies (or, in an archive without replies, a quote of readable length) with an open
question from a small set of templates, and an approved suggestion. No prompt repeats in a channel until the
whole pool has been posted there. The choice is deterministic, so `prompt next` shows what will post.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.context import Context
from bot.models import Place, PromptReply, PromptSide
from bot.prompts.pushback import fts_query, judge_pairs
from bot.quoting import to_quote
from storage.interface import ArchiveInfo, StoredComment
from storage.prompt_store import HistoryEntry, PromptStore

ROTATION = ("disagreement", "discussed", "suggestion")
PAIR_LIMIT = 2000
DISCUSSED_LIMIT = 200
NOTABLE_LIMIT = 500
NOTABLE_CHARS = (80, 700)

DISAGREEMENT_QUESTIONS = (
    "The thread split on this. Who has it right, and why?",
    "One claim, one pushback. Where do you land?",
    "Two readers, two answers. Which side are you on?",
    "Here is a disagreement from the thread. What would settle it?",
)
DISCUSSED_QUESTIONS = (
    "This drew {replies} replies in the thread. Where do you land?",
    "What would change your mind about this?",
    "Agree or disagree, and why?",
    "What is this missing?",
    "Is this still true today?",
)
QUOTE_QUESTIONS = DISCUSSED_QUESTIONS[1:]
RESTART_NOTE = "Every prompt in the pool has been posted in this channel; starting over."


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible prompt. `key` identifies it in the channel's history (`d:`, `q:` comment ids, `s:` suggestions)."""

    key: str
    kind: str  # disagreement, discussed, quote (discussed, in an archive without replies) or suggestion
    question: str
    sides: tuple[tuple[str, StoredComment], ...] = ()
    suggested_by: str | None = None

    @property
    def slot(self) -> str:
        return "discussed" if self.kind == "quote" else self.kind

    def reply(self, note: str | None = None, notify_role: str | None = None) -> PromptReply:
        return PromptReply(
            kind=self.kind,
            question=self.question,
            sides=[PromptSide(label=label, quote=to_quote(comment)) for label, comment in self.sides],
            suggested_by=self.suggested_by,
            note=note,
            notify_role=notify_role,
        )


@dataclass(frozen=True, slots=True)
class Chosen:
    """The next prompt of a channel; `restart` means the pool was exhausted and history starts over."""

    candidate: Candidate
    restart: bool
    archive: str | None

    def reply(self, notify_role: str | None = None) -> PromptReply:
        return self.candidate.reply(RESTART_NOTE if self.restart else None, notify_role)

    def history(self, place: Place, at: str) -> HistoryEntry:
        return HistoryEntry(
            space_key=place.space_key,
            channel=place.channel,
            key=self.candidate.key,
            kind=self.candidate.slot,
            at=at,
            restart=self.restart,
        )


@dataclass(slots=True)
class Pool:
    by_slot: dict[str, list[Candidate]] = field(default_factory=lambda: {slot: [] for slot in ROTATION})

    def add(self, candidates: Sequence[Candidate]) -> None:
        for candidate in candidates:
            self.by_slot[candidate.slot].append(candidate)

    def __len__(self) -> int:
        return sum(len(items) for items in self.by_slot.values())


def template(questions: Sequence[str], key: str, **values: object) -> str:
    """A question chosen by the prompt's key (stable across runs and processes, unlike `hash`)."""
    return questions[zlib.crc32(key.encode()) % len(questions)].format(**values)


async def archive_candidates(ctx: Context, store: PromptStore, archive: ArchiveInfo) -> list[Candidate]:
    """Disagreements first, then much-replied quotes (or readable quotes when the archive has no replies)."""
    match = None if ctx.services.stance is not None else fts_query()
    pairs = await store.reply_pairs(archive.id, match, PAIR_LIMIT)
    found: list[Candidate] = []
    parents: set[int] = set()
    for disagreement in await judge_pairs(ctx, pairs):
        pair = disagreement.pair
        parents.add(pair.parent.id)
        found.append(
            Candidate(
                key=disagreement.key,
                kind="disagreement",
                question=template(DISAGREEMENT_QUESTIONS, disagreement.key),
                sides=(("Claim", pair.parent), ("Pushback", pair.reply)),
            )
        )
    if await store.has_replies(archive.id):
        for comment, replies in await store.most_replied(
            archive.id, ctx.settings.prompt_min_replies, DISCUSSED_LIMIT
        ):
            if comment.id in parents:
                continue
            key = f"q:{comment.id}"
            question = template(DISCUSSED_QUESTIONS, key, replies=replies)
            label = f"Quote ({replies} replies)"
            found.append(Candidate(key=key, kind="discussed", question=question, sides=((label, comment),)))
    else:
        low, high = NOTABLE_CHARS
        for comment in await store.notable(archive.id, low, high, NOTABLE_LIMIT):
            key = f"q:{comment.id}"
            question = template(QUOTE_QUESTIONS, key)
            found.append(Candidate(key=key, kind="quote", question=question, sides=(("Quote", comment),)))
    return found


async def suggestion_candidates(store: PromptStore, place: Place) -> list[Candidate]:
    approved = await store.suggestions(place.space_key, place.channel, "approved")
    return [
        Candidate(key=f"s:{s.id}", kind="suggestion", question=s.text, suggested_by=s.author_name)
        for s in approved
    ]


async def build_pool(ctx: Context, place: Place, archive: ArchiveInfo | None) -> Pool:
    store = ctx.stores.prompts
    pool = Pool()
    if archive is not None:
        pool.add(await archive_candidates(ctx, store, archive))
    pool.add(await suggestion_candidates(store, place))
    return pool


def rotation_after(last: str | None) -> list[str]:
    """The kinds in turn, starting after the one posted last."""
    start = (ROTATION.index(last) + 1) % len(ROTATION) if last in ROTATION else 0
    return [ROTATION[(start + step) % len(ROTATION)] for step in range(len(ROTATION))]


async def choose(ctx: Context, place: Place, archive: ArchiveInfo | None) -> Chosen | None:
    """The channel's next prompt, without recording anything (so `prompt next` can preview it)."""
    store = ctx.stores.prompts
    pool = await build_pool(ctx, place, archive)
    if not len(pool):
        return None
    used = await store.used_keys(place.space_key, place.channel)
    order = rotation_after(await store.last_kind(place.space_key, place.channel))
    name = archive.name if archive is not None else None
    for slot in order:
        fresh = [candidate for candidate in pool.by_slot[slot] if candidate.key not in used]
        if fresh:
            return Chosen(candidate=fresh[0], restart=False, archive=name)
    for slot in order:
        if pool.by_slot[slot]:
            return Chosen(candidate=pool.by_slot[slot][0], restart=True, archive=name)
    return None
