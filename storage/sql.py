"""The one SQL database protocol every store is written against (archives, prompts, sessions, stance, vectors,
Slack installations).

`storage.db.Database` (SQLite) satisfies it, so no store names a SQLite class and a PostgreSQL database with the
same methods can stand in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol, runtime_checkable

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

    dialect: str
    """"sqlite" or "postgresql": for the few statements only one of them has (row locks, advisory locks)."""

    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    async def fetchall(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> Sequence[Row]: ...

    async def fetchone(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> Row | None: ...


BUSY_MESSAGE = "The database is busy (an import is running); your vote or change was not stored."
BUSY_HINT = "Try again in a moment."


class DatabaseError(RuntimeError):
    """The database file cannot be used; the message says which file and what to do."""


class DatabaseWriteError(DatabaseError):
    """A change was not stored (its transaction was rolled back, so nothing of it was written).

    `message` and `hint` are for the user: the core replies with them, as for its own user-facing errors."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class DatabaseBusyError(DatabaseWriteError):
    """Another process kept the database locked for longer than a write may wait; nothing was written."""

    def __init__(self, message: str = BUSY_MESSAGE, hint: str | None = BUSY_HINT) -> None:
        super().__init__(message, hint)


Unwritable = Literal["full", "read-only"]

_FOR_MEMBERS: dict[Unwritable, tuple[str, str]] = {
    "full": (
        "The bot's database is full (its disk has no space left); your vote or change was not stored.",
        "Reading commands still work. Tell the bot's operator: free disk space where its database is.",
    ),
    "read-only": (
        "The bot's database is read-only; your vote or change was not stored.",
        "Reading commands still work. Tell the bot's operator: make the database file and its folder writable.",
    ),
}
_FOR_OPERATORS: dict[Unwritable, str] = {
    "full": "the disk is full",
    "read-only": "it is read-only",
}
_FIXES: dict[Unwritable, str] = {
    "full": "free disk space there (or move the database: --db, THREADBOT_DB) and try again",
    "read-only": "make the file and its folder writable for this user (or choose another --db) and try again",
}


class DatabaseUnwritableError(DatabaseWriteError):
    """The database refused to write: the disk is full or the file is read-only; nothing was written.

    `message` and `hint` tell a chat member (who cannot see the server) that the change was not stored and
    whom to tell; `str(error)` tells the operator, in the log or on the command line, which file and the fix."""

    def __init__(self, path: object, reason: Unwritable, detail: str) -> None:
        message, hint = _FOR_MEMBERS[reason]
        super().__init__(message, hint)
        self.reason = reason
        self.path = path
        self.operator_message = (
            f"cannot write to {path}: {_FOR_OPERATORS[reason]} (SQLite: {detail}). Fix: {_FIXES[reason]}."
        )

    def __str__(self) -> str:
        return self.operator_message
