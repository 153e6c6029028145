"""The model results cache (z and relevance per claim and comment, in SQLite) as the stance features use it:
values by index into the command's candidates, read before the engine runs and the new ones written after.
Shared by the `stance` and `counter` commands (stance.py) and the background reader (stance_reading.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from bot.remembering import remember

CachedFetch = Callable[[str, str, Sequence[int]], Awaitable[dict[int, float]]]
CachedStore = Callable[[str, str, Mapping[int, float]], Awaitable[None]]


async def cached_by_index(
    fetch: CachedFetch, identity: str | None, key: str, ids: Sequence[int]
) -> dict[int, float]:
    """Cached values (z or relevance) by index into `ids`; nothing without an identity (no model)."""
    if identity is None or not ids:
        return {}
    by_id = await fetch(identity, key, ids)
    return {i: by_id[cid] for i, cid in enumerate(ids) if cid in by_id}


async def remember_new(
    store: CachedStore,
    identity: str | None,
    key: str,
    ids: Sequence[int],
    values: Mapping[int, float],
    known: Mapping[int, float],
) -> None:
    """Store the values the engine has just computed (by index into `ids`; those in `known` are cached already)."""
    new = {ids[i]: v for i, v in values.items() if i not in known}
    if identity is not None and new:
        await remember("model scores (they are computed again next time)", store(identity, key, new))
