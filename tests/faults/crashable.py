"""`python -m tests.faults.crashable ARGS...`: the real `threadbot ARGS...`, with faults switched on from the
environment, so a test can freeze it at a named point and kill -9 it there, or give it a full disk or a
read-only database. Nothing of this is in the bot itself: it patches the process before `adapters.cli.main`.

    FAULT_POINT=name       freeze there: append `name` to FAULT_SIGNAL, then block the event loop (kill expected)
    FAULT_BATCH=n          for `embed-commit`: the n-th batch of vectors (default 2)
    FAULT_SIGNAL=path      points reached, and `tick` after each background pass, one line each
    FAULT_FREE_PAGES=n     each database connection may grow the file by n pages (PRAGMA max_page_count): a
                           full disk, as SQLite reports it (SQLITE_FULL)
    FAULT_READ_ONLY=1      each database connection is read-only (PRAGMA query_only): SQLITE_READONLY
    FAULT_EMBEDDER_ONLY=1  the engine loads the embedding model and no stance model (4 s saved; the indexer
                           uses only the embedder)
    FAULT_INDEXER_IDLE=s   the background indexer looks for new comments every s seconds (default 5), says
                           `indexing` when it starts and `indexed ID,ID,...` for each batch it stored
    FAULT_CLOCK=path       the background loop runs on a simulated clock: a named pipe the test writes instants
                           to (ISO 8601, one a line); each is one pass at that time, then `ticked N` (N counts
                           the passes); the bot's clock reads the last one

Points: `vote-commit` (a vote's transaction is written, COMMIT not sent), `vote-committed` (committed, the reply
not printed), `prompt-claimed` (a scheduled prompt's day is claimed, nothing handed to the platform),
`prompt-posted` (the console printed the prompt, its outcome not recorded), `embed-commit` (a batch's vectors
computed and written, COMMIT not sent; SQLite), `embed-save` (with FAULT_INDEXER_IDLE: the indexer's n-th
batch computed, its block claimed, nothing written; either database).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

POINT = os.environ.get("FAULT_POINT", "")
BATCH = int(os.environ.get("FAULT_BATCH", "2"))
SIGNAL = os.environ.get("FAULT_SIGNAL")
FREEZE_SECONDS = 600


def announce(line: str) -> None:
    if SIGNAL:
        with Path(SIGNAL).open("a", encoding="utf-8") as out:
            out.write(line + "\n")


def reach(point: str) -> None:
    """Freeze the whole process here (the event loop blocks: nothing after this point runs)."""
    if point != POINT:
        return
    announce(point)
    time.sleep(FREEZE_SECONDS)
    raise SystemExit(f"{point}: not killed within {FREEZE_SECONDS} s")


class Watch:
    """What the open transaction has written, by the statements sent on the connection."""

    vote = False
    vectors = False
    saves = 0
    indexed = 0


def _after(result: Awaitable[Any], point: str) -> Awaitable[Any]:
    async def then() -> Any:
        value = await result
        reach(point)
        return value

    return then()


def patch_connection() -> None:
    execute, executemany = aiosqlite.Connection.execute, aiosqlite.Connection.executemany

    def watched(sql: str) -> str | None:
        """The point to reach before (`commit`) or after (`committed`) this statement, if any."""
        if "INSERT INTO stance_votes" in sql:
            Watch.vote = True
        elif "INSERT INTO comment_vectors" in sql:
            Watch.vectors = Watch.saves == BATCH
        elif sql in ("COMMIT", "ROLLBACK"):
            vote, vectors = Watch.vote, Watch.vectors
            Watch.vote = Watch.vectors = False
            if sql == "COMMIT" and vote:
                return "vote-commit"
            if sql == "COMMIT" and vectors:
                return "embed-commit"
        return None

    def patched_execute(self: aiosqlite.Connection, sql: str, parameters: Any = None) -> Any:
        point = watched(sql)
        if point == "vote-commit" and POINT == "vote-committed":
            return _after(execute(self, sql, parameters), "vote-committed")
        if point is not None:
            reach(point)
        return execute(self, sql, parameters)

    def patched_executemany(self: aiosqlite.Connection, sql: str, parameters: Any) -> Any:
        watched(sql)
        return executemany(self, sql, parameters)

    aiosqlite.Connection.execute = patched_execute  # type: ignore[method-assign,assignment]
    aiosqlite.Connection.executemany = patched_executemany  # type: ignore[method-assign,assignment]


def patch_points() -> None:
    from adapters.console import ConsoleAdapter
    from bot.background import Background
    from storage.embedding_store import EmbeddingStore
    from storage.prompt_store import PromptStore

    mark, post, save, run_once = PromptStore.mark_sending, ConsoleAdapter.post, EmbeddingStore.save, Background.run_once

    async def claimed(self: PromptStore, *args: Any, **kwargs: Any) -> bool:
        reach("prompt-claimed")  # the intent is committed (on either database); nothing was marked or sent
        return await mark(self, *args, **kwargs)

    async def posted(self: ConsoleAdapter, *args: Any, **kwargs: Any) -> Any:
        result = await post(self, *args, **kwargs)
        reach("prompt-posted")
        return result

    async def saved(self: EmbeddingStore, *args: Any, **kwargs: Any) -> None:
        Watch.saves += 1
        await save(self, *args, **kwargs)
        announce(f"saved {Watch.saves}")

    async def ticked(self: Background, *args: Any, **kwargs: Any) -> None:
        await run_once(self, *args, **kwargs)
        announce("tick")

    PromptStore.mark_sending = claimed  # type: ignore[method-assign]
    ConsoleAdapter.post = posted  # type: ignore[method-assign]
    EmbeddingStore.save = saved  # type: ignore[method-assign]
    Background.run_once = ticked  # type: ignore[method-assign]


def patch_disk() -> None:
    """Each database this process opens is limited (or read-only) once it is open and migrated."""
    import storage.stores

    pages, read_only = os.environ.get("FAULT_FREE_PAGES"), os.environ.get("FAULT_READ_ONLY") == "1"
    if pages is None and not read_only:
        return
    opened: Callable[..., Any] = storage.stores.open_database

    async def open_limited(path: Any) -> Any:
        database = await opened(path)
        if pages is not None:
            row = await database.fetchone("PRAGMA page_count")
            await database.fetchone(f"PRAGMA max_page_count = {int(row[0]) + int(pages)}")
        if read_only:
            await database.fetchone("PRAGMA query_only = ON")
        return database

    storage.stores.open_database = open_limited  # type: ignore[assignment]


def patch_engine() -> None:
    if os.environ.get("FAULT_EMBEDDER_ONLY") == "1":
        import bot.engine.modelfiles

        bot.engine.modelfiles.default_nli_files = lambda: None  # type: ignore[assignment]


def patch_clock() -> None:
    path = os.environ.get("FAULT_CLOCK")
    if not path:
        return
    from bot.background import Background

    async def stepped(self: Background) -> None:
        source = await asyncio.to_thread(open, path, encoding="utf-8")  # a pipe: waits for the test to open it
        try:
            passes = 0
            while line := await asyncio.to_thread(source.readline):
                now = datetime.fromisoformat(line.strip())
                self.context.clock = lambda moment=now: moment
                await self.run_once(now)
                passes += 1
                announce(f"ticked {passes}")
        finally:
            source.close()
        await asyncio.Event().wait()  # the test closed the clock: no more passes, the bot stays up

    Background.run_forever = stepped  # type: ignore[method-assign]


def patch_indexer() -> None:
    idle = os.environ.get("FAULT_INDEXER_IDLE")
    if idle is None:
        return
    import bot.retrieval.indexer
    from storage.embedding_store import EmbeddingStore

    run_in_turn, embed = bot.retrieval.indexer.run_in_turn, bot.retrieval.indexer.Indexer._embed

    async def indexed(self: bot.retrieval.indexer.Indexer, rows: list[tuple[int, str]]) -> int:
        """A batch of the comment indexer, as `Indexer._embed` does it, with the `embed-save` point between
        computing and storing (the window indexer's batches go through unchanged)."""
        if self.write is not None:
            return await embed(self, rows)
        Watch.indexed += 1
        ids, listed = [cid for cid, _ in rows], ",".join(str(cid) for cid, _ in rows)
        vectors = await asyncio.to_thread(self.embedder.embed, [text for _, text in rows])
        if Watch.indexed == BATCH and POINT == "embed-save":
            announce(f"computed {listed}")
            reach("embed-save")
        assert isinstance(self.store, EmbeddingStore)
        await self.store.save(ids, vectors)
        self.embedded += len(ids)
        announce(f"indexed {listed}")
        return len(ids)

    async def announced(
        indexers: Any, idle_seconds: float = 0.0, retry_seconds: float = 10.0, turn: Any = None
    ) -> None:
        announce("indexing")
        await run_in_turn(indexers, float(idle), retry_seconds, turn)

    bot.retrieval.indexer.run_in_turn = announced  # type: ignore[assignment]
    bot.retrieval.indexer.Indexer._embed = indexed  # type: ignore[method-assign]


def main() -> int:
    patch_indexer()
    patch_clock()
    patch_connection()
    patch_points()
    patch_disk()
    patch_engine()
    from adapters.cli import main as threadbot

    return threadbot(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
