"""Writes that only remember something for later (which quotes a channel has seen, a claim's id for its
buttons, model scores worth caching), made by commands that read: when the database cannot take them (busy,
full, read-only), the answer still goes out, and the log says what was not remembered and why."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from storage.sql import DatabaseWriteError

log = logging.getLogger(__name__)

T = TypeVar("T")

SHOWN = "which quotes this channel has seen (it may see them again)"
CLAIM = "the claim (the reply has no buttons)"


async def remember(what: str, write: Awaitable[T]) -> T | None:
    """The write's result, or None when the database refused it (already rolled back; logged)."""
    try:
        return await write
    except DatabaseWriteError as error:
        log.warning("could not remember %s; answering anyway: %s", what, error)
        return None
