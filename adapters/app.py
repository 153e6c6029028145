"""Wiring: open the store, make sure the sample is there, build the registry and the bot.

This is the composition root, so it is the one place that names the concrete SQLite store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.context import Context
from bot.core import Bot
from bot.features import build_registry
from bot.features.stance_reading import close_reading
from bot.settings import Settings
from bot.times import now_iso
from storage.sample import ensure_sample
from storage.sqlite_store import SqliteStore


@asynccontextmanager
async def open_bot(settings: Settings) -> AsyncIterator[Bot]:
    store = await SqliteStore.open(settings.db)
    context: Context | None = None
    try:
        context = Context(store=store, settings=settings, registry=build_registry())
        await ensure_sample(store, now_iso(context))
        yield Bot(context)
    finally:
        if context is not None:
            await close_reading(context)  # background NLI writes to the store: stop it first
        await store.close()
