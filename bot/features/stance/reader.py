"""Reading on after a `stance` reply: what its time budget left undone is finished in the background.

A new claim over a big archive has more on-topic comments than the NLI model reads within the platforms'
patience, and right after an import most comments have no vector yet, so `stance` answers with what it managed
(stance.py) and hands the rest here: the candidates it left out for want of a vector are embedded (and stored,
as the indexer would), so are the candidates' sentence windows (windows.py), then the claim is classified again
over all candidates in short budgeted steps until no comment is left unread, each step's z and relevance going
to the SQLite cache. The next ask of the claim counts them without running a model; an ask while reading goes on
answers from the cache at once and says so.

Several processes on one database (PostgreSQL) asked the same claim do not both read it: the reading is claimed
(storage/work_claims.py); a process that finds it claimed waits, then goes on from what the other cached.

Commands come first: reading pauses while `stance` or `counter` runs (NLI already takes both cores), finishing
only the step it is in; and answers completing themselves come before bulk work: the indexer waits between its
batches while a claim is read (`quiet`, at most a minute a batch). One claim is read at a time; at most
`MAX_WAITING` wait, and a claim beyond that is left to be read by its own next ask.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import numpy as np

from bot.context import Context
from bot.engine.loader import Engine
from bot.engine.replies import Ancestry
from bot.features.stance.cache import cached_by_index, remember_new
from bot.features.stance.windows import embed_windows
from bot.retrieval.cache import FloatMatrix
from bot.retrieval.indexer import embed_and_store
from bot.retrieval.search import vector_store

log = logging.getLogger(__name__)

STEP_SECONDS = 0.3
STEP_BATCH = 4
"""NLI per background step: one pass over 4 comments (their most relevant sentences, ~0.2-0.3 s on 2 cores), so
a command arriving mid-step shares the cores only that long. Passes of 2 cost half as much again per comment."""
EMBED_BATCH = 4
MAX_WAITING = 8
CLAIMED_RETRY_SECONDS = 1.0
"""How often a claim another process is reading is looked at again (it is read from the cache once free)."""


@dataclass
class Candidates:
    """A claim's candidate comments as `stance` judged them: ids and texts in retrieval order, their vectors
    (None without an embedder), those it left out for want of a vector, and the threads replies are read
    through."""

    ids: list[int]
    texts: list[str]
    vectors: FloatMatrix | None
    left_out: list[tuple[int, str]] = field(default_factory=list)
    parents: dict[int, Ancestry] = field(default_factory=dict)  # comment id -> what it answers (its thread)


@dataclass
class _Job:
    claim: str
    key: str
    engine: Engine
    candidates: Candidates
    unread: int  # comments still to embed or to read, for the replies meanwhile
    logits: dict[int, float] = field(default_factory=dict)  # by index into the candidates
    relevance: dict[int, float] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)  # set once read (or given up, or closed)


JobKey = tuple[int, str, str]  # archive id, claim key, NLI cache identity
BULK_WAIT_SECONDS = 60.0
"""Longest a batch of bulk work (indexing) waits for commands and in-place completions to end."""
QUIET_POLL_SECONDS = 0.2


class StanceReading:
    """The background reader of one bot process; `stance` hands it work, `close` stops it."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._jobs: dict[JobKey, _Job] = {}
        self._commands = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._worker: asyncio.Task[None] | None = None
        self._closed = False

    def reading_now(self, archive_id: int, key: str, identity: str) -> bool:
        """Whether this claim is being read (or waits to be)."""
        return (archive_id, key, identity) in self._jobs

    def unread(self, archive_id: int, key: str, identity: str) -> int:
        """How many of this claim's comments are still to be read (0: nothing is being read for it)."""
        job = self._jobs.get((archive_id, key, identity))
        return job.unread if job else 0

    async def wait_for(self, archive_id: int, key: str) -> None:
        """Until this claim (of this archive, under any model) is no longer being read: read, given up or
        closed. Returns at once when it is not being read."""
        for job_key, job in list(self._jobs.items()):
            if job_key[:2] == (archive_id, key):
                await job.done.wait()

    def submit(
        self,
        engine: Engine,
        archive_id: int,
        key: str,
        identity: str,
        claim: str,
        candidates: Candidates,
        unread: int,
        logits: Mapping[int, float],
        relevance: Mapping[int, float],
    ) -> bool:
        """Finish this claim in the background, starting from the z and relevance the reply computed (by index
        into the candidates). False when it is being read already, or too many claims wait (or it is closed)."""
        job_key = (archive_id, key, identity)
        if self._closed or job_key in self._jobs or len(self._jobs) >= MAX_WAITING:
            return False
        self._jobs[job_key] = _Job(
            claim, key, engine, candidates, unread, dict(logits), dict(relevance)
        )
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._read_all(), name="threadbot-stance-reading")
        return True

    @asynccontextmanager
    async def command(self) -> AsyncIterator[None]:
        """Hold while a command runs: reading waits (after its current step) until no command does, so the
        command has both cores."""
        self._commands += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._commands -= 1
            if self._commands == 0:
                self._idle.set()

    async def _no_command(self) -> None:
        """Until no command runs. Checked again on waking: a command may have begun between the event being set
        and this task running, and an `Event.wait` already woken does not notice it was cleared."""
        while not self._idle.is_set():
            await self._idle.wait()

    async def idle(self) -> None:
        """Until no command runs: other background work (the prompt miner) waits here between its steps too."""
        await self._no_command()

    async def quiet(self, at_most: float = BULK_WAIT_SECONDS) -> None:
        """Until no command runs and no answer is completing itself, for at most `at_most` seconds: bulk work a
        member is not waiting for (the indexer) waits here between its batches. Bounded, so a busy channel
        never stops the indexing its later answers need."""
        deadline = asyncio.get_running_loop().time() + at_most
        while self._jobs or not self._idle.is_set():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return
            await asyncio.sleep(min(QUIET_POLL_SECONDS, left))

    async def wait_until_read(self) -> None:
        """Until nothing is left to read (tests and benchmarks)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    async def close(self) -> None:
        """Stop reading; what was read so far stays cached."""
        self._closed = True
        for job in self._jobs.values():
            job.done.set()
        self._jobs.clear()
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _read_all(self) -> None:
        while self._jobs:
            job_key = next(iter(self._jobs))
            try:
                await self._read_claimed(job_key, self._jobs[job_key])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reading on for a claim failed; its next ask reads the rest itself")
            finished = self._jobs.pop(job_key, None)
            if finished is not None:
                finished.done.set()

    async def _read_claimed(self, job_key: JobKey, job: _Job) -> None:
        """Read the claim once no other process is reading it (storage/work_claims.py), starting from what is
        cached by then: asked the same claim, two processes read each comment once between them, not twice."""
        store = self._ctx.stores.stance
        while True:
            async with store.claim_reading(*job_key) as mine:
                if mine:
                    await self._embed_left_out(job)
                    await self._catch_up(job_key, job)
                    await self._embed_windows(job)
                    await self._classify_until_read(job_key, job)
                    return
            log.debug("another process is reading %r; waiting for it", job.claim)
            await asyncio.sleep(CLAIMED_RETRY_SECONDS)

    async def _catch_up(self, job_key: JobKey, job: _Job) -> None:
        """Take the values other processes cached since the reply read the cache: they are not read again."""
        found, store = job.candidates, self._ctx.stores.stance
        logits = await cached_by_index(store.cached_logits, job_key[2], job.key, found.ids)
        relevance_identity = job.engine.stance.relevance_identity()
        relevance = await cached_by_index(store.cached_relevance, relevance_identity, job.key, found.ids)
        job.logits = logits | job.logits
        job.relevance = relevance | job.relevance

    async def _embed_windows(self, job: _Job) -> None:
        """Embed the candidates' windows relevance still needs, in short steps (windows.py): no classification
        step then embeds a whole claim's sentences at once while a command waits for it."""
        found = job.candidates
        if len(job.relevance) >= len(found.ids):  # relevance cached by another process: NLI embeds what it reads
            return
        await embed_windows(self._ctx, job.engine, found.ids, found.texts, self._no_command)

    async def _embed_left_out(self, job: _Job) -> None:
        """Give the comments left out for want of a vector one (stored for every later command), batch by batch;
        one left out only for want of its sentence windows keeps the vector it has (its windows come next)."""
        found = job.candidates
        embedder = job.engine.embedder
        store = vector_store(self._ctx)
        if embedder is None or store is None or found.vectors is None:
            return
        while found.left_out:
            await self._no_command()
            batch = found.left_out[:EMBED_BATCH]
            stored = await store.vectors([cid for cid, _ in batch])
            todo = [(cid, text) for cid, text in batch if cid not in stored]
            if todo:
                fresh = await embed_and_store(store, embedder, [cid for cid, _ in todo], [text for _, text in todo])
                stored.update(zip((cid for cid, _ in todo), fresh, strict=True))
            rows = np.vstack([np.asarray(stored[cid], dtype=np.float32) for cid, _ in batch])
            found.ids += [cid for cid, _ in batch]
            found.texts += [text for _, text in batch]
            found.vectors = np.vstack([found.vectors, rows.astype(np.float32)])
            del found.left_out[: len(batch)]
            job.unread -= len(batch)

    async def _classify_until_read(self, job_key: JobKey, job: _Job) -> None:
        """Classify over every candidate in short steps until none is left unread, caching as it goes."""
        found = job.candidates
        store = self._ctx.stores.stance
        nli_identity = job_key[2]
        relevance_identity = job.engine.stance.relevance_identity()
        while True:
            await self._no_command()
            report = await asyncio.to_thread(
                job.engine.stance.classify,
                job.claim,
                found.texts,
                embeddings=found.vectors,
                known_logits=job.logits,
                known_relevance=job.relevance,
                budget_seconds=STEP_SECONDS,
                budget_batch=STEP_BATCH,
                parents=[found.parents.get(cid) for cid in found.ids],
            )
            await remember_new(store.store_logits, nli_identity, job.key, found.ids, report.logits, job.logits)
            await remember_new(
                store.store_relevance, relevance_identity, job.key, found.ids, report.relevance, job.relevance
            )
            job.logits.update(report.logits)
            job.relevance.update(report.relevance)
            job.unread = len(report.late)
            if not report.late:
                return


def reading(ctx: Context) -> StanceReading:
    """The process's background reader, made on first use."""
    if ctx.services.reader is None:
        ctx.services.reader = StanceReading(ctx)
    return ctx.services.reader


async def finish_reading(ctx: Context) -> None:
    """Wait until the background reader has nothing left: a one-shot process (`threadbot ask`, a script) does
    this before it exits, so "ask again in a few seconds" holds for its next run too."""
    if ctx.services.reader is not None:
        await ctx.services.reader.wait_until_read()


async def close_reading(ctx: Context) -> None:
    """Stop the background reader if one was made (before the store closes)."""
    reader, ctx.services.reader = ctx.services.reader, None
    if reader is not None:
        await reader.close()
