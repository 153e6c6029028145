"""The process's engine, shared by every feature: loaded once, lazily, off the event loop.

Whichever feature asks first (stance, counter, retrieval, the indexer) loads it and the others reuse it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import cast

from bot.context import Context
from bot.engine.loader import Engine, load_engine

ENGINE = "engine"
ENGINE_LOCK = "engine-lock"


def loaded_engine(ctx: Context) -> Engine | None:
    """The engine if some feature already loaded it, without loading it."""
    return cast(Engine | None, ctx.services.get(ENGINE))


async def get_engine(ctx: Context) -> Engine:
    """The process's engine, loaded on first use in a worker thread (settings.model_dir, else installed models)."""
    engine = ctx.services.get(ENGINE)
    if engine is None:
        lock = ctx.services.setdefault(ENGINE_LOCK, asyncio.Lock())
        async with lock:
            engine = ctx.services.get(ENGINE)
            if engine is None:
                folder = ctx.settings.model_dir
                engine = await asyncio.to_thread(_load_with_identities, folder)
                ctx.services[ENGINE] = engine
    return cast(Engine, engine)


def _load_with_identities(folder: Path | None) -> Engine:
    """Load the engine and hash its model files now (worker thread), so the first cached answer is instant too."""
    engine = load_engine(folder, folder)
    engine.stance.logit_identity()
    engine.stance.relevance_identity()
    return engine
