"""The prompt miner: mines each archive's pool in the background (mining.py) and keeps it in SQLite, keyed by
the archive's revision and the engine's identity (storage/pool_store.py).

- Under `threadbot run` its job looks at every archive each `POLL_SECONDS`: one whose pool is missing or stale
  (another revision: an import or a deletion since; another identity: models installed or changed) is mined
  again, newest archive first, one at a time; a reading group's own recording only when a prompt asks for it.
- In any entry point, a prompt command that finds no pool, or a stale one, asks for that archive (`kick`) and
  answers at once from what there is; a one-shot process waits for the mining before it exits (`finish`), so
  its next run finds the pool.
Mining pauses while a stance command runs or an answer completes itself in place (the stance reader's `quiet`;
the waits are not counted in its time bound); a run that fails is logged and not retried for the same revision
in this process. Several processes on one database (PostgreSQL) mine each archive once: mining is claimed per
archive (storage/work_claims.py), and one that finds it claimed leaves it.
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot.archive_choice import GROUP_ARCHIVE_PREFIX
from bot.context import Context
from bot.engine.loader import Engine
from bot.prompts.mining import Bounds, mine
from bot.times import now_iso
from storage.pool_store import ArchiveMining, PoolState
from storage.sql import DatabaseWriteError

log = logging.getLogger(__name__)

MINER_VERSION = "mining:v1"
POLL_SECONDS = 10.0
START_SECONDS = 5.0
"""The job's first look waits this long: the adapters connect and the engine loads first."""


def identity(engine: Engine) -> str:
    """What a pool depends on besides the archive: this miner and the models it read with (worker thread)."""
    return f"{MINER_VERSION}|{engine.stance.logit_identity() or 'words'}|{engine.stance.relevance_identity() or 'words'}"


def stale(state: ArchiveMining, current: str | None) -> bool:
    """Whether an archive's pool needs mining: never mined, another revision, or (when known) another identity."""
    if state.pool_revision is None or state.pool_revision != state.revision:
        return True
    return current is not None and state.pool_identity != current


class PromptMiner:
    """The process's miner: a queue of archives, mined one at a time by one task."""

    def __init__(self, ctx: Context, bounds: Bounds | None = None) -> None:
        self._ctx = ctx
        self.bounds = bounds or Bounds()
        self._queue: list[int] = []
        self._worker: asyncio.Task[None] | None = None
        self._failed: set[tuple[int, int]] = set()
        self._closed = False

    def busy(self, archive_id: int) -> bool:
        """Whether this archive is being mined or waits to be."""
        return archive_id in self._queue

    def kick(self, archive_id: int) -> None:
        """Mine this archive in the background if its pool is stale (checked when its turn comes)."""
        if self._closed or archive_id in self._queue:
            return
        self._queue.append(archive_id)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="threadbot-prompt-mining")

    async def mine_now(self, archive_id: int) -> None:
        """Mine this archive if stale and wait until it is done (tests, benchmarks, `finish`)."""
        self.kick(archive_id)
        await self.wait()

    async def wait(self) -> None:
        """Until nothing is queued."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    async def close(self) -> None:
        """Stop mining; a pool being mined is not stored (the next start mines it again, mostly from cache)."""
        self._closed = True
        self._queue.clear()
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _work(self) -> None:
        while self._queue:
            archive_id = self._queue[0]
            try:
                await self._mine_if_stale(archive_id)
            except asyncio.CancelledError:
                raise
            except DatabaseWriteError as error:  # a full disk, a read-only file: one line that says which and the fix
                log.warning("the prompt pool of archive %s could not be stored (%s); its prompts are quotes for now",
                            archive_id, error)  # fmt: skip
            except Exception:
                log.exception("mining the prompt pool of archive %s failed; its prompts are quotes for now", archive_id)
            finally:
                if self._queue and self._queue[0] == archive_id:
                    self._queue.pop(0)

    async def _mine_if_stale(self, archive_id: int) -> None:
        """Mine the archive unless its pool is fresh, or another process is mining it (then that one stores
        it; this one's next look finds it fresh)."""
        async with self._ctx.stores.pools.claim_mining(archive_id) as mine:
            if mine:
                await self._mine_claimed(archive_id)
            else:
                log.debug("archive %s is being mined by another process", archive_id)

    async def _mine_claimed(self, archive_id: int) -> None:
        ctx = self._ctx
        pipeline = ctx.services.stance
        if pipeline is None:
            return
        engine = await ctx.services.load_engine()
        current = await asyncio.to_thread(identity, engine)
        found = await ctx.stores.pools.archives(archive_id)  # under the claim: one mined just now is fresh
        if not found or not stale(found[0], current) or (archive_id, found[0].revision) in self._failed:
            return
        state = found[0]
        self._failed.add((archive_id, state.revision))  # until it succeeds
        started = time.perf_counter()
        mined = await mine(ctx, state.archive, pipeline, self.bounds)
        pool = PoolState(
            archive_id=archive_id,
            revision=state.revision,
            identity=current,
            mined_at=now_iso(ctx),
            seconds=round(time.perf_counter() - started, 2),
            comments_read=mined.comments_read,
            claims_weighed=mined.claims_weighed,
            complete=mined.complete,
        )
        await ctx.stores.pools.replace(pool, mined.items)
        self._failed.discard((archive_id, state.revision))
        disagreements = sum(item.source in ("mined", "reply") for item in mined.items)
        log.info("prompt pool of `%s` stored: %d disagreements, %d other prompts, %.0f s%s", state.archive.name,
                 disagreements, len(mined.items) - disagreements, pool.seconds,
                 "" if mined.complete else " (bounded)")  # fmt: skip


def miner(ctx: Context) -> PromptMiner:
    """The process's miner, made on first use."""
    if ctx.services.miner is None:
        ctx.services.miner = PromptMiner(ctx)
    return ctx.services.miner


async def run_miner(ctx: Context, poll_seconds: float = POLL_SECONDS) -> None:
    """The long-running job `threadbot run` starts: mine every archive whose pool is stale, forever."""
    await asyncio.sleep(START_SECONDS)
    the_miner = miner(ctx)
    while True:
        try:
            engine = await ctx.services.load_engine()
            current = await asyncio.to_thread(identity, engine)
            for state in await ctx.stores.pools.archives():
                if stale(state, current) and not state.archive.name.startswith(GROUP_ARCHIVE_PREFIX):
                    the_miner.kick(state.archive.id)
            await the_miner.wait()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("looking for archives to mine failed; trying again in %.0f s", poll_seconds)
        await asyncio.sleep(poll_seconds)


async def start_mining(ctx: Context) -> None:
    """The prompts unit's start hook: make the miner."""
    miner(ctx)


async def finish_mining(ctx: Context) -> None:
    """A one-shot process waits for mining a prompt command asked for, so its next run finds the pool."""
    if ctx.services.miner is not None:
        await ctx.services.miner.wait()


async def stop_mining(ctx: Context) -> None:
    the_miner, ctx.services.miner = ctx.services.miner, None
    if the_miner is not None:
        await the_miner.close()
