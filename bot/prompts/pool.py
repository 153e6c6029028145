"""What a channel's next prompt is: built from the archive's mined pool (never generated text) and members'
suggestions.

Three kinds take turns: a disagreement (a claim sentence of the thread, the strongest quote on each side and how
many comments take each; mining.py), a quote that drew many replies (archives with replies), and an approved
suggestion. When the archive has no disagreement left for the channel, a quote of readable length takes the
disagreement's turn, and says why. No prompt repeats in a channel until the whole pool has been posted there.
The choice is deterministic and reads only SQLite, so `prompt next` shows at once what will post. An archive
with no pool yet (or a stale one) is mined in the background (miner.py); meanwhile its much-replied and first
quotable comments (or its stale pool) are used.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot.context import Context
from bot.models import Place, PromptReply, PromptSide, PromptTally
from bot.prompts.claims import worth_quoting
from bot.prompts.miner import miner
from bot.prompts.pooled import Pooled, space_pool
from bot.quoting import to_quote
from storage.interface import ArchiveInfo, StoredComment
from storage.prompt_store import HistoryEntry, PromptStore

ROTATION = ("disagreement", "discussed", "suggestion")
NOTABLE_LIMIT = 50
"""Quotes read per command until the archive is mined (each is checked for chatter, ~0.4 ms a comment)."""
COUNT_NOW = 20_000
NOTABLE_CHARS = (80, 700)
CLAIM_LABEL, AGREE_LABEL, DISAGREE_LABEL = "Claim", "Agrees", "Disagrees"

DISAGREEMENT_QUESTIONS = (
    "The thread split on this. Who has it right, and why?",
    "Some agreed, some did not. Where do you land?",
    "Both sides have a point here. Which one convinces you more?",
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
MINING_NOTE = "The thread's disagreements are still being found; until then, a quote from it."
NONE_NOTE = "I found no disagreement in this thread, so here is a quote from it instead."
USED_NOTE = "Every disagreement of this thread has been posted here, so here is a quote from it instead."
ROUGH_NOTE = "Rough: no stance model is installed, so the sides were guessed from words."


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible prompt. `key` identifies it in the channel's history (`m:` mined claims, `q:` comments,
    `s:` suggestions); a quote stands in for a disagreement, so it takes the disagreement's turn."""

    key: str
    kind: str  # disagreement, discussed, quote or suggestion
    question: str
    sides: tuple[tuple[str, StoredComment], ...] = ()
    suggested_by: str | None = None
    tally: PromptTally | None = None
    note: str | None = None
    item_id: int | None = None  # a pooled disagreement's number (`prompt pool`, `prompt drop`)

    @property
    def slot(self) -> str:
        return "disagreement" if self.kind == "quote" else self.kind

    def reply(self, note: str | None = None, notify_role: str | None = None) -> PromptReply:
        notes = " ".join(n for n in (self.note, note) if n)
        return PromptReply(
            kind=self.kind,
            question=self.question,
            sides=[PromptSide(label=label, quote=to_quote(comment)) for label, comment in self.sides],
            suggested_by=self.suggested_by,
            tally=self.tally,
            note=notes or None,
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
    """A channel's candidates by turn, the quotes that stand in for disagreements, and why they would."""

    by_slot: dict[str, list[Candidate]] = field(default_factory=lambda: {slot: [] for slot in ROTATION})
    quotes: list[Candidate] = field(default_factory=list)
    mined: bool = True  # False: the archive's pool is not mined yet

    def add(self, candidates: Sequence[Candidate]) -> None:
        for candidate in candidates:
            if candidate.kind == "quote":
                self.quotes.append(candidate)
            else:
                self.by_slot[candidate.slot].append(candidate)

    def __len__(self) -> int:
        return sum(len(items) for items in self.by_slot.values()) + len(self.quotes)

    def stand_in(self, used: set[str]) -> Candidate | None:
        """A fresh quote for a disagreement's turn, saying why there is no disagreement."""
        fresh = [c for c in self.quotes if c.key not in used]
        if not fresh:
            return None
        if not self.mined:
            note = MINING_NOTE
        elif not self.by_slot["disagreement"]:
            note = NONE_NOTE
        else:
            note = USED_NOTE
        return replace(fresh[0], note=note)


def template(questions: Sequence[str], key: str, **values: object) -> str:
    """A question chosen by the prompt's key (stable across runs and processes, unlike `hash`)."""
    return questions[zlib.crc32(key.encode()) % len(questions)].format(**values)


def disagreement(pooled: Pooled) -> Candidate:
    """A pooled disagreement as a prompt: the claim sentence (verbatim, cited to its comment), then the clearest
    quote on each side, and the counts."""
    item = pooled.item
    sides: list[tuple[str, StoredComment]] = [(CLAIM_LABEL, replace(pooled.claim, text=item.claim))]
    if pooled.agree is not None:
        sides.append((AGREE_LABEL, pooled.agree))
    if pooled.disagree is not None:
        sides.append((DISAGREE_LABEL, pooled.disagree))
    return Candidate(
        key=item.key,
        kind="disagreement",
        question=template(DISAGREEMENT_QUESTIONS, item.key),
        sides=tuple(sides),
        tally=PromptTally(agree=pooled.agree_count, disagree=pooled.disagree_count),
        note=ROUGH_NOTE if item.rough else None,
        item_id=item.id,
    )


def discussed(comment: StoredComment, replies: int) -> Candidate:
    key = f"q:{comment.id}"
    question = template(DISCUSSED_QUESTIONS, key, replies=replies)
    return Candidate(key=key, kind="discussed", question=question, sides=((f"Quote ({replies} replies)", comment),))


def quote(comment: StoredComment) -> Candidate:
    key = f"q:{comment.id}"
    return Candidate(key=key, kind="quote", question=template(QUOTE_QUESTIONS, key), sides=(("Quote", comment),))


async def archive_candidates(ctx: Context, place: Place, archive: ArchiveInfo) -> tuple[list[Candidate], bool]:
    """The archive's prompts for this space from its mined pool, and whether there is one. A missing or stale
    pool is mined in the background; without one, the much-replied and quotable comments are read now."""
    pool = await space_pool(ctx, place.space_key, archive)
    revision = (await ctx.stores.archives.archive_revisions([archive.id])).get(archive.id)
    if pool.state is None or pool.state.revision != revision:
        miner(ctx).kick(archive.id)
    if pool.state is None:
        return await _unmined(ctx.stores.prompts, archive, ctx.settings.prompt_min_replies), False
    found = [disagreement(p) for p in pool.disagreements]
    found += [discussed(comment, int(item.score)) for item, comment in pool.discussed]
    found += [quote(comment) for _, comment in pool.quotes]
    return found, True


async def _unmined(store: PromptStore, archive: ArchiveInfo, min_replies: int) -> list[Candidate]:
    """Until the archive is mined: its much-replied comments (only in an archive of at most `COUNT_NOW`
    comments: counting the replies of a big one is the miner's time, not a command's) and its first quotable
    comments, read now."""
    found: list[Candidate] = []
    if archive.comment_count <= COUNT_NOW and await store.has_replies(archive.id):
        for comment, replies in await store.most_replied(archive.id, min_replies, NOTABLE_LIMIT):
            if worth_quoting(comment.text):
                found.append(discussed(comment, replies))
    taken = {c.key for c in found}
    low, high = NOTABLE_CHARS
    for comment in await store.notable(archive.id, low, high, NOTABLE_LIMIT):
        if worth_quoting(comment.text) and f"q:{comment.id}" not in taken:
            found.append(quote(comment))
    return found


async def suggestion_candidates(store: PromptStore, place: Place) -> list[Candidate]:
    approved = await store.suggestions(place.space_key, place.channel, "approved")
    return [
        Candidate(key=f"s:{s.id}", kind="suggestion", question=s.text, suggested_by=s.author_name)
        for s in approved
    ]


async def build_pool(ctx: Context, place: Place, archive: ArchiveInfo | None) -> Pool:
    pool = Pool()
    if archive is not None:
        found, pool.mined = await archive_candidates(ctx, place, archive)
        pool.add(found)
    pool.add(await suggestion_candidates(ctx.stores.prompts, place))
    return pool


def rotation_after(last: str | None) -> list[str]:
    """The kinds in turn, starting after the one posted last."""
    start = (ROTATION.index(last) + 1) % len(ROTATION) if last in ROTATION else 0
    return [ROTATION[(start + step) % len(ROTATION)] for step in range(len(ROTATION))]


def pick(pool: Pool, used: set[str], last: str | None) -> tuple[Candidate, bool] | None:
    """The next candidate after the turn `last`, and whether the pool starts over: the first fresh one in turn
    (a quote standing in for a disagreement when none is left), else the first of all."""
    order = rotation_after(last)
    for slot in order:
        fresh = [candidate for candidate in pool.by_slot[slot] if candidate.key not in used]
        if fresh:
            return fresh[0], False
        if slot == "disagreement":
            stand_in = pool.stand_in(used)
            if stand_in is not None:
                return stand_in, False
    for slot in order:
        if pool.by_slot[slot]:
            return pool.by_slot[slot][0], True
        if slot == "disagreement" and pool.quotes:
            return pool.quotes[0], True
    return None


async def choose(ctx: Context, place: Place, archive: ArchiveInfo | None) -> Chosen | None:
    """The channel's next prompt, without recording anything (so `prompt next` can preview it)."""
    store = ctx.stores.prompts
    pool = await build_pool(ctx, place, archive)
    if not len(pool):
        return None
    used = await store.used_keys(place.space_key, place.channel)
    picked = pick(pool, used, await store.last_kind(place.space_key, place.channel))
    if picked is None:
        return None
    return Chosen(candidate=picked[0], restart=picked[1], archive=archive.name if archive is not None else None)


async def upcoming(ctx: Context, place: Place, archive: ArchiveInfo | None, count: int) -> tuple[list[Candidate], Pool]:
    """The channel's next `count` prompts in order, as they would post if nothing changed (`prompt pool`); it
    stops where the pool would start over."""
    store = ctx.stores.prompts
    pool = await build_pool(ctx, place, archive)
    used = set(await store.used_keys(place.space_key, place.channel))
    last = await store.last_kind(place.space_key, place.channel)
    found: list[Candidate] = []
    while len(found) < count:
        picked = pick(pool, used, last)
        if picked is None or picked[1]:
            break
        found.append(picked[0])
        used.add(picked[0].key)
        last = picked[0].slot
    return found, pool
