"""One IDENTIFY per rate-limit bucket at a time, across every process that runs shards of this bot.

Discord lets a bot start `max_concurrency` sessions per 5 seconds: shard `n` is in bucket `n % max_concurrency`,
and each bucket may IDENTIFY once per 5 seconds. Processes running different shard ranges coordinate through a
lock per bucket in the shared database (storage/locks.py): a shard takes its bucket's lock before it
identifies and the lock is let go only `spacing` seconds later, so the next IDENTIFY of that bucket, from
whichever process, comes at least that long after.
"""

from __future__ import annotations

import asyncio
import logging

from adapters.discord.limits import IDENTIFY_MARGIN, IDENTIFY_SPACING
from storage.locks import ProcessLocks

log = logging.getLogger(__name__)


def bucket_of(shard_id: int, max_concurrency: int) -> int:
    return shard_id % max(1, max_concurrency)


def lock_name(bucket: int) -> str:
    return f"discord:identify:{bucket}"


class IdentifyGate:
    """`await gate.before_identify(shard_id)` returns when this shard may IDENTIFY now; call it right before."""

    def __init__(
        self, locks: ProcessLocks, *, spacing: float = IDENTIFY_SPACING, margin: float = IDENTIFY_MARGIN
    ) -> None:
        self.locks = locks
        self.spacing = spacing
        self.margin = margin
        self.max_concurrency = 1
        """Set from Discord's `session_start_limit` once logged in; 1 (every shard one bucket) is always safe."""
        self._holds: set[asyncio.Task[None]] = set()

    async def before_identify(self, shard_id: int | None) -> None:
        bucket = bucket_of(shard_id or 0, self.max_concurrency)
        taken = asyncio.get_running_loop().create_future()
        hold = asyncio.create_task(self._hold(bucket, taken), name=f"identify-bucket-{bucket}")
        self._holds.add(hold)
        hold.add_done_callback(self._holds.discard)
        taken.add_done_callback(lambda _: hold.cancel() if taken.cancelled() else None)  # no longer wanted
        await taken
        log.info("shard %s identifies (bucket %d of %d)", shard_id, bucket, self.max_concurrency)

    async def _hold(self, bucket: int, taken: asyncio.Future[None]) -> None:
        """Take the bucket's lock, say so, and keep it for the spacing after the IDENTIFY that follows."""
        try:
            async with self.locks.hold(lock_name(bucket)):
                if not taken.done():
                    taken.set_result(None)
                await asyncio.sleep(self.spacing + self.margin)
        except asyncio.CancelledError:
            taken.cancel()
            raise
        except Exception as error:  # the database went away: this IDENTIFY fails, discord.py retries it
            if not taken.done():
                taken.set_exception(error)
            else:
                log.warning("lost the IDENTIFY lock of bucket %d early: %s", bucket, error)

    async def close(self) -> None:
        """Let go of any lock still held (the client is closing)."""
        for hold in list(self._holds):
            hold.cancel()
        await asyncio.gather(*self._holds, return_exceptions=True)
