"""The one SQL database protocol every store is written against (archives, prompts, sessions, stance, vectors,
Slack installations).

`storage.db.Database` (SQLite) satisfies it, so no store names a SQLite class and a PostgreSQL database with the
same methods can stand in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, runtime_checkable

LARGEST_INTEGER = 2**63 - 1  # SQLite's INTEGER (and so every id); a larger Python int cannot be bound


class Row(Protocol):
    """A result row: by column index or name, or unpacked in column order."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The connection a write transaction hands out."""

    def execute(self, sql: str, parameters: Iterable[Any] | None = None, /) -> Any:
        """Run one statement; the result can be awaited or entered (`async with`) for its cursor."""
        ...


@runtime_checkable
class SqlDatabase(Protocol):
    """What a store needs from a database: one write transaction at a time, and reads."""

    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    async def fetchall(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> Sequence[Row]: ...

    async def fetchone(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> Row | None: ...


BUSY_MESSAGE = "The database is busy (an import is running); your vote or change was not stored."
BUSY_HINT = "Try again in a moment."

class DatabaseError(RuntimeError):
    """The database file cannot be used; the message says which file and what to do."""


class DatabaseBusyError(DatabaseError):
    """Another process kept the database locked for longer than a write may wait; nothing was written.

    `message` and `hint` are for the user (the core replies with them, as for its own user-facing errors)."""

    def __init__(self, message: str = BUSY_MESSAGE, hint: str | None = BUSY_HINT) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
