"""Reading on after a `stance` reply: the comments its time budget left unread are scored in the background.

A new claim over a big archive has more on-topic comments than the NLI model reads within the platforms'
patience, so `stance` answers with what it read in time (stance.py) and hands the rest here. They are read in a
worker thread, a few at a time, most relevant first, and each batch's z goes to the SQLite cache at once; the
next ask of the claim counts them without running the model, and while reading goes on a repeated ask answers
from the cache straight away and says how many comments are still being read.

Commands come first: reading pauses while `stance` or `counter` runs (NLI already takes both cores). One claim
is read at a time; at most `MAX_WAITING` wait, and a claim beyond that is left to be read by its next ask.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.claims import stance_store
from bot.context import Context
from bot.engine.loader import Engine

log = logging.getLogger(__name__)

READING = "stance-reading"
READ_BATCH = 2
"""Comments per NLI step: small, so a command arriving mid-step waits little for a core."""
MAX_WAITING = 8


@dataclass
class _Job:
    """The unread comments of one claim over one archive, best first: (comment id, text)."""

    claim: str
    engine: Engine
    comments: list[tuple[int, str]] = field(default_factory=list)


JobKey = tuple[int, str, str]  # archive id, claim key, NLI cache identity


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

    def unread(self, archive_id: int, key: str, identity: str) -> int:
        """How many of this claim's comments are waiting to be read (0: nothing is being read for it)."""
        job = self._jobs.get((archive_id, key, identity))
        return len(job.comments) if job else 0

    def submit(
        self,
        engine: Engine,
        archive_id: int,
        key: str,
        identity: str,
        claim: str,
        comments: Sequence[tuple[int, str]],
    ) -> bool:
        """Queue comments of a claim to be read; ones already queued are not added twice. False when the queue is
        full (or closed): the caller's next ask reads them instead."""
        if self._closed or not comments:
            return False
        job_key = (archive_id, key, identity)
        job = self._jobs.get(job_key)
        if job is None:
            if len(self._jobs) >= MAX_WAITING:
                return False
            job = self._jobs[job_key] = _Job(claim, engine)
        queued = {comment_id for comment_id, _ in job.comments}
        job.comments.extend((cid, text) for cid, text in comments if cid not in queued)
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

    async def wait_until_read(self) -> None:
        """Until nothing is left to read (tests and benchmarks)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    async def close(self) -> None:
        """Stop reading; what was read so far stays cached."""
        self._closed = True
        self._jobs.clear()
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _read_all(self) -> None:
        while self._jobs:
            job_key = next(iter(self._jobs))
            try:
                await self._read(job_key, self._jobs[job_key])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reading on for a claim failed; its next ask reads the rest itself")
            self._jobs.pop(job_key, None)

    async def _read(self, job_key: JobKey, job: _Job) -> None:
        _, key, identity = job_key
        store = stance_store(self._ctx)
        while job.comments:
            await self._idle.wait()
            batch = job.comments[:READ_BATCH]
            texts = [text for _, text in batch]
            logits = await asyncio.to_thread(
                job.engine.stance.complete_logits, job.claim, texts, list(range(len(batch))), None
            )
            await store.store_logits(identity, key, {cid: logits[i] for i, (cid, _) in enumerate(batch)})
            del job.comments[: len(batch)]


def reading(ctx: Context) -> StanceReading:
    """The process's background reader, made on first use."""
    reader = ctx.services.get(READING)
    if not isinstance(reader, StanceReading):
        reader = ctx.services[READING] = StanceReading(ctx)
    return reader


async def close_reading(ctx: Context) -> None:
    """Stop the background reader if one was made (before the store closes)."""
    reader = ctx.services.pop(READING, None)
    if isinstance(reader, StanceReading):
        await reader.close()
