"""The stance pipeline: the one way the bot counts how an archive's comments stand on a claim.

`stance`, session sides and prompt pushback all come here. The comments most relevant to the claim (hybrid
retrieval, bot/retrieval: BM25 fused with stored sentence vectors, at most `CANDIDATES`) go through the engine
(bot/engine) in a worker thread; the engine loads once per process (`ctx.services.load_engine`), and with no model
installed it falls back to word-based guesses and the count says it is rough.

The NLI model's z per (model and calibration, claim, comment) is kept in SQLite, so a repeated claim (in this
process or the next) only runs the model on comments it has not seen. Moderators' fixes (`stance fix`,
feedback.py) override the engine's label in every count.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bot.context import Context
from bot.engine.loader import Engine
from bot.engine.replies import Ancestry
from bot.engine.stance import StanceReport
from bot.features.stance.cache import cached_by_index, remember_new
from bot.features.stance.feedback import Label, fixed_labels
from bot.features.stance.reader import Candidates, reading
from bot.features.stance.threads import ancestries, with_short_replies
from bot.features.stance.windows import stored_parents, stored_windows, windows_in_time
from bot.retrieval import retrieve
from bot.retrieval.cache import FloatMatrix
from bot.retrieval.indexer import embed_and_store
from bot.retrieval.search import hit_vectors, vector_store
from storage.interface import ArchiveInfo, SearchHit, StoredComment
from storage.stance_store import claim_key

CANDIDATES = 200
THREAD_CANDIDATES = 240
"""A thread whose title states the claim (or its negation) argues it throughout: its comments join the candidates,
up to this many in all (no more than retrieval's own and their short replies, and under the engine's `max_nli`, so
every one is read), though many answer the claim in words of their own that retrieval cannot match."""
WHOLE_COMMENT = 1_000_000  # characters: no comment is too long to be a candidate
EMBED_NOW = 64
EMBED_SECONDS = 0.5
EMBED_ALWAYS = 32
SMALL_THREAD = 500
"""An archive of at most this many comments is a small thread: a command embeds all the candidates it misses at
once (up to `EMBED_ALWAYS`) with their windows, so its first answer is whole. In a bigger one the command embeds
for at most `EMBED_SECONDS` (vectors) and `WINDOW_SECONDS` (windows), however few it misses."""
EMBED_BATCH = 8
WINDOW_SECONDS = 0.6
"""In a big archive, how long a command embeds the sentence windows of candidates the indexer has given a vector
but no windows yet; the others wait for the background, as comments without a vector do. Relevance embedded them
all, unbounded: 1.7 s of a 3.1 s first reply on a fresh 100k archive with the indexer part way through."""
STANCE_SECONDS = 2.6
NLI_BUDGET_SECONDS = 2.3
MIN_NLI_SECONDS = 0.5
NLI_BATCH = 8
"""A `stance` call runs NLI until about `STANCE_SECONDS` have passed since the command began (at least
`MIN_NLI_SECONDS`, at most `NLI_BUDGET_SECONDS`, counted from when NLI starts, after relevance), so a new claim
answers within 3 s on 2 cores even when retrieval had to embed, `NLI_BATCH` comments a pass (the last one sized
to the time left; passes of 16 read no more). On an indexed 100k archive that reads about 50 comments (NLI runs in
two lanes, bot/engine/nli.py); those left are read in the background (reader.py) and cached."""
READING_NOTE = "{count} more comments are being read now."
COMPLETES_NOTE = "This answer completes itself when they are done."
NOT_READ_NOTE = "{count} more on-topic comments were not read in time; ask again to count them too."
"""The background reader had no room (too many claims waiting): only then does a reply ask to be asked again."""
UNINDEXED_NOTE = "{count} more matching comments are still being indexed."
UNINDEXED_LEFT_NOTE = (
    "{count} more matching comments are still being indexed and were left out; ask again shortly for a fuller "
    "count."
)


async def thread_argues(engine: Engine, archive: ArchiveInfo, claim: str) -> bool:
    """Whether the archive's title states the claim or its negation (one NLI pair, in a worker thread)."""
    title = (archive.title or "").strip()
    return bool(title) and title in await asyncio.to_thread(engine.stance.stating_titles, claim, [title])


async def _with_thread(ctx: Context, archive: ArchiveInfo, hits: list[SearchHit]) -> list[SearchHit]:
    """`hits`, then the thread's other comments in archive order, up to `THREAD_CANDIDATES` in all."""
    room = THREAD_CANDIDATES - len(hits)
    if room <= 0:
        return hits
    have = {h.comment.id for h in hits}
    thread = await ctx.stores.prompts.notable(archive.id, 1, WHOLE_COMMENT, THREAD_CANDIDATES)
    added = [c for c in thread if c.id not in have][:room]
    return hits + [SearchHit(comment=c, score=0.0, highlighted=c.text) for c in added]


async def candidates(
    ctx: Context, archive: ArchiveInfo, claim: str, embed_now: int
) -> tuple[list[SearchHit], FloatMatrix | None, list[SearchHit]]:
    """The comments to judge (hybrid retrieval, best first; in a thread whose title states the claim, the thread's
    other comments after them), their vectors, and the hits left out.

    Vectors come from storage; the indexer fills them in the background after an import. Until it has reached
    these comments, the command embeds those it needs, best first: in a small thread all of them when they are
    few (up to `EMBED_ALWAYS`, once), else for at most `EMBED_SECONDS` (a long comment takes 30-70 ms), so a
    fresh 100k archive still answers within the platforms' patience. At most `embed_now` either way; the rest
    are left out (and embedded after the reply, stance_reading.py, or by the indexer).
    """
    hits = await with_short_replies(ctx, archive.id, (await retrieve(ctx, [archive.id], claim, CANDIDATES)).hits)
    engine = await ctx.services.load_engine()
    if await thread_argues(engine, archive, claim):
        hits = await _with_thread(ctx, archive, hits)
    store = vector_store(ctx)
    embedder = engine.embedder if store is not None and hits else None
    if store is None or embedder is None:
        return hits, None, []
    stored = await store.vectors([h.comment.id for h in hits])
    missing = [h for h in hits if h.comment.id not in stored][:embed_now]
    few = len(missing) <= EMBED_ALWAYS and archive.comment_count <= SMALL_THREAD
    seconds = float("inf") if few else EMBED_SECONDS
    started = time.perf_counter()
    embedded: set[int] = set()
    while missing and time.perf_counter() - started < seconds:
        batch, missing = missing[:EMBED_BATCH], missing[EMBED_BATCH:]
        await embed_and_store(store, embedder, [h.comment.id for h in batch], [h.comment.text for h in batch])
        embedded.update(h.comment.id for h in batch)
    have = stored.keys() | embedded
    kept = [h for h in hits if h.comment.id in have]
    await stored_windows(ctx, engine, [h.comment.id for h in kept], [h.comment.text for h in kept])
    if archive.comment_count > SMALL_THREAD:  # windows too: only those embedded within the time
        have &= await windows_in_time(
            ctx, engine, [h.comment.id for h in kept], [h.comment.text for h in kept], WINDOW_SECONDS
        )
        kept = [h for h in kept if h.comment.id in have]
    left_out = [h for h in hits if h.comment.id not in have]
    return kept, await hit_vectors(store, embedder, kept, {}), left_out


def being_read_now(ctx: Context, archive_id: int, key: str, identity: str | None) -> bool:
    """Whether the background reader is at this claim: then a command answers from the cache and adds no work
    (no embedding, no NLI of its own), since the cache only grows."""
    return identity is not None and reading(ctx).reading_now(archive_id, key, identity)




async def _classify(
    ctx: Context,
    engine: Engine,
    claim: str,
    key: str,
    hits: list[SearchHit],
    vectors: FloatMatrix | None,
    budget_seconds: float | Callable[[], float],
    identities: tuple[str | None, str | None],
    parents: dict[int, Ancestry],
) -> StanceReport:
    """The engine's stance report, with cached relevance and z from SQLite and the new ones stored back."""
    store = ctx.stores.stance
    nli_identity, relevance_identity = identities
    ids = [h.comment.id for h in hits]
    known_z = await cached_by_index(store.cached_logits, nli_identity, key, ids)
    known_rel = await cached_by_index(store.cached_relevance, relevance_identity, key, ids)
    report: StanceReport = await asyncio.to_thread(
        partial(
            engine.stance.classify,
            claim,
            [h.comment.text for h in hits],
            embeddings=vectors,
            known_logits=known_z,
            known_relevance=known_rel,
            budget_seconds=budget_seconds,
            budget_batch=NLI_BATCH,
            parents=[parents.get(i) for i in ids],
        )
    )
    await remember_new(store.store_logits, nli_identity, key, ids, report.logits, known_z)
    await remember_new(store.store_relevance, relevance_identity, key, ids, report.relevance, known_rel)
    return report


def _nli_budget(started: float) -> float:
    """NLI seconds left for a `stance` call that started at `started` (perf_counter): what keeps the whole
    command near `STANCE_SECONDS`, within [`MIN_NLI_SECONDS`, `NLI_BUDGET_SECONDS`]."""
    left = STANCE_SECONDS - (time.perf_counter() - started)
    return min(NLI_BUDGET_SECONDS, max(MIN_NLI_SECONDS, left))


def _read_later(
    ctx: Context,
    engine: Engine,
    claim: str,
    key: str,
    archive_id: int,
    identity: str,
    found: tuple[list[SearchHit], FloatMatrix | None, list[SearchHit]],
    report: StanceReport | None,
    parents: dict[int, Ancestry],
) -> bool:
    """Hand what the reply left (comments unread, or left out for want of a vector) to the background reader."""
    hits, vectors, left_out = found
    candidates = Candidates(
        ids=[h.comment.id for h in hits],
        texts=[h.comment.text for h in hits],
        vectors=vectors,
        left_out=[(h.comment.id, h.comment.text) for h in left_out],
        parents=parents,
    )
    unread = (len(report.late) if report else 0) + len(left_out)
    logits, relevance = (report.logits, report.relevance) if report else ({}, {})
    return reading(ctx).submit(engine, archive_id, key, identity, claim, candidates, unread, logits, relevance)


def _identities(engine: Engine) -> tuple[str | None, str | None]:
    """Cache identities of the engine's z and relevance (hashing the model files once; worker thread)."""
    return engine.stance.logit_identity(), engine.stance.relevance_identity()


@dataclass(frozen=True)
class Counted:
    """One comment in a stance count: the engine's label, or a moderator's (`fixed`)."""

    comment: StoredComment
    highlighted: str | None
    label: Label
    score: float
    relevance: float
    fixed: bool = False


def _engine_rows(hits: list[SearchHit], report: StanceReport, fixes: dict[int, Label]) -> list[Counted]:
    rows = []
    for r in report.results:
        hit = hits[r.index]
        fixed = fixes.get(hit.comment.id)
        if fixed is not None:
            rows.append(Counted(hit.comment, hit.highlighted, fixed, 1.0, r.relevance, fixed=True))
        else:
            rows.append(Counted(hit.comment, hit.highlighted, r.stance, r.confidence, r.relevance))
    return rows


async def _fixed_rows(ctx: Context, fixes: dict[int, Label], counted: set[int]) -> list[Counted]:
    """Fixed comments the engine did not label (not retrieved, or not scored): they count with their fix."""
    missing = [comment_id for comment_id in fixes if comment_id not in counted]
    found = await ctx.stores.archives.get_comments(missing) if missing else []
    return [Counted(c, None, fixes[c.id], 1.0, 0.0, fixed=True) for c in found]



@dataclass
class Count:
    """A claim counted over one archive: a row per judged comment (fixed ones included), the notes a reply
    carries (what is still being read, what was left out), whether the labels are rough, and whether anything
    in the archive was about the claim at all."""

    rows: list[Counted] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rough: bool = False
    empty: bool = False
    reading: bool = False
    """Comments are still being read in the background: the count completes itself (commands.complete_stance)."""


async def count_claim(ctx: Context, space_key: str, archive: ArchiveInfo, claim: str, started: float) -> Count:
    """Count `claim` over `archive` as seen from `space_key` (its fixes), within the time left since `started`
    (perf_counter); what the budget leaves is handed to the background reader."""
    key = claim_key(claim)
    engine = await ctx.services.load_engine()
    identities = await asyncio.to_thread(_identities, engine)
    identity = identities[0]
    being_read = being_read_now(ctx, archive.id, key, identity)
    found = await candidates(ctx, archive, claim, embed_now=0 if being_read else EMBED_NOW)
    hits, vectors, left_out = found
    fixes = await fixed_labels(ctx, space_key, key, archive.id)
    if not hits and not fixes and not left_out:
        return Count(empty=True)
    parents = await ancestries(ctx, archive, [h.comment for h in hits + left_out])
    if not being_read:
        await stored_parents(ctx, engine, archive.id, [h.comment for h in hits])
    rows: list[Counted] = []
    notes: list[str] = []
    report: StanceReport | None = None
    late: list[int] = []
    if hits:
        budget: float | Callable[[], float] = 0.0 if being_read else partial(_nli_budget, started)
        report = await _classify(ctx, engine, claim, key, hits, vectors, budget, identities, parents)
        rows = _engine_rows(hits, report, fixes)
        notes = [report.note] if report.note else []
        late = [i for i in report.late if hits[i].comment.id not in fixes]
        unscored = [i for i in report.unscored if hits[i].comment.id not in fixes]
        if len(unscored) > len(late):
            notes.append(f"{len(unscored) - len(late)} more on-topic comments were not scored (too many to read).")
    submitted = False
    if being_read and identity is not None:
        notes.append(READING_NOTE.format(count=max(reading(ctx).unread(archive.id, key, identity), 1)))
    else:
        submitted = bool(late or left_out) and identity is not None and _read_later(
            ctx, engine, claim, key, archive.id, identity, found, report, parents
        )
        if left_out:
            notes.append((UNINDEXED_NOTE if submitted else UNINDEXED_LEFT_NOTE).format(count=len(left_out)))
        if late:
            notes.append((READING_NOTE if submitted else NOT_READ_NOTE).format(count=len(late)))
    if being_read or submitted:
        notes.append(COMPLETES_NOTE)
    rows += await _fixed_rows(ctx, fixes, {row.comment.id for row in rows})
    return Count(
        rows=rows, notes=notes, rough=report is not None and report.rough, reading=being_read or submitted
    )


async def read_on(ctx: Context, archive_id: int, claim: str) -> None:
    """Until the background reader has finished this claim of this archive (at once if it is not at it)."""
    await reading(ctx).wait_for(archive_id, claim_key(claim))


def best_row(rows: list[Counted], label: str) -> Counted | None:
    """The clearest comment with this label: highest score, then most relevant."""
    return max((r for r in rows if r.label == label), key=lambda r: (r.score, r.relevance), default=None)
