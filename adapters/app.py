"""Wiring: open the stores, make sure the sample is there, build the context, the feature units and the bot.

This is the composition root, so it is the one place that chooses the storage backend (through
`storage.stores.open_stores`) and the one place that starts and stops the bot's features.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.context import Context
from bot.core import Bot
from bot.features import FEATURES, build_registry
from bot.services import Services
from bot.settings import Settings
from bot.times import now_iso
from storage.sample import ensure_sample
from storage.stores import database_url, open_stores


@asynccontextmanager
async def open_bot(settings: Settings) -> AsyncIterator[Bot]:
    stores = await open_stores(settings.db, database_url(settings))
    bot: Bot | None = None
    try:
        context = Context(
            stores=stores,
            settings=settings,
            registry=build_registry(FEATURES),
            services=Services(settings),
        )
        await ensure_sample(stores.archives, now_iso(context))
        bot = Bot(context, FEATURES)
        await bot.start()
        yield bot
    finally:
        if bot is not None:
            await bot.stop()  # background work writes to the stores: stop it first
        await stores.close()
