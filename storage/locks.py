"""Named locks shared by every bot process on one database, for the few steps that must run one process at a
time (a Discord IDENTIFY per rate-limit bucket, the slash-command sync).

On PostgreSQL a lock is a session-level advisory lock, held on one pooled connection for as long as the block
runs; the server releases it if the process dies, so a crashed holder never blocks the others. On SQLite the
bot is one process, so an asyncio lock per name is enough. The adapters name the locks; nothing here knows why
they are taken.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from storage.postgres.database import PostgresDatabase

LOCK = "SELECT pg_advisory_lock(?)"
UNLOCK = "SELECT pg_advisory_unlock(?)"


class ProcessLocks(Protocol):
    """`async with locks.hold("name"):` runs the block while no other holder of "name" (in any process) does."""

    def hold(self, name: str) -> AbstractAsyncContextManager[None]: ...


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name (the same in every process and every run)."""
    digest = hashlib.blake2b(f"threadbot:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class LocalLocks:
    """One process (SQLite): an asyncio lock per name."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            yield


class AdvisoryLocks:
    """Several processes (PostgreSQL): `pg_advisory_lock` on a connection of the pool, kept for the block.

    A session's advisory locks stack (the same connection may take one twice), so callers in this process
    queue on an asyncio lock first: two holders here never share the server's lock by accident."""

    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db
        self._local = LocalLocks()

    @asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[None]:
        key = lock_key(name)
        async with self._local.hold(name), self.db.connection() as conn:
            await conn.execute(LOCK, (key,))
            try:
                yield
            finally:
                await conn.execute(UNLOCK, (key,))
