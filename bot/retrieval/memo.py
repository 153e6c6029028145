"""Remembered retrieval results, so asking the same thing again skips the full-text search and the query's
embedding: on a 100k-comment archive those are most of a repeated `stance` (tens of ms), the rest is cached.

An entry is keyed by everything the result depends on: the query and options, each archive's revision (a
token storage changes on every import, delete or edit of its comments, migration 2) and how many vectors the
archive has (the indexer adds them over time). A stale entry is never served, so nothing needs invalidating;
the oldest entries go when there are more than `MAX_ENTRIES`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

MAX_ENTRIES = 128

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """A small least-recently-used map; one per process, kept in the context's services."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self._max = max_entries

    def get(self, key: Hashable) -> Value | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Value) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
