"""Claims on background work that several bot processes on one database would otherwise all do: embedding the
same batch of comments (bot/retrieval/indexer.py), reading the same claim on (bot/features/stance/reader.py).

`claim_work(db, key)` is entered around the work: True means this process has it until the block ends, False
that another process is doing it right now (skip it, come back later).

- PostgreSQL: a transaction-scoped advisory lock (`pg_try_advisory_xact_lock`), tried without waiting, in a
  transaction that takes no write lock and stays open while the work runs. It goes with the transaction: when
  the work ends, fails, or its process dies (kill -9, a lost connection: the server ends the session), the
  claim is free again at once. No lease to wait out, nothing left behind in a table.
- SQLite: always True. SQLite is the one-process setup; a second process on the same file may compute a batch
  twice, and its rows are still stored once (ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from storage.sql import SqlDatabase

WORK_CLAIM_CLASS = 7_245_164
"""First key of every work claim (the second is a hash of the work's name); the import lock uses 7_245_163."""
TRY_CLAIM = "SELECT pg_try_advisory_xact_lock(?, hashtext(?))"


@asynccontextmanager
async def claim_work(db: SqlDatabase, key: str) -> AsyncIterator[bool]:
    """Hold the work named `key` for the block: True if this process has it, False if another does.

    A hash collision of two names only makes one of them wait its turn, as if it were taken."""
    if db.dialect != "postgresql":
        yield True
        return
    transaction: Any = db.transaction
    async with transaction(exclusive=False) as conn:
        async with conn.execute(TRY_CLAIM, (WORK_CLAIM_CLASS, key)) as cursor:
            row = await cursor.fetchone()
        yield bool(row[0])
