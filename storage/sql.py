"""The small SQL database protocol the feature stores (vectors, stance memory) are written against.

`storage.db.Database` satisfies it, so those stores name no SQLite class and a PostgreSQL database with the
same three methods can stand in.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, runtime_checkable


class Row(Protocol):
    def __getitem__(self, key: int | str, /) -> Any: ...


@runtime_checkable
class SqlDatabase(Protocol):
    """What a store needs from a database: one write transaction at a time, and reads."""

    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    async def fetchall(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> Sequence[Row]: ...

    async def fetchone(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> Row | None: ...
