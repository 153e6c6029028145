"""Claims a space has asked about (`stance`, `counter`, `stance fix`, `stance vote`), for autocomplete and buttons.

A claim is stored per space under its normalised key (casefolded, whitespace collapsed, trailing punctuation
stripped), with its latest wording, how often it was used and when. A button can then carry a short claim id
instead of the claim, and no space ever sees another's claims.
"""

from __future__ import annotations

from bot.context import Context
from bot.times import now_iso
from storage.sql import SqlDatabase
from storage.stance_store import StanceStore


def stance_store(ctx: Context) -> StanceStore:
    """The stance SQL, on the same database as the bot's store (the SQLite store exposes it as `.db`)."""
    db = getattr(ctx.store, "db", None)
    if not isinstance(db, SqlDatabase):
        raise RuntimeError("stance memory needs a store with a SQL database (`ctx.store.db`)")
    return StanceStore(db)


async def remember_claim(ctx: Context, space_key: str, text: str) -> int:
    """Record a use of `text` as a claim in this space; returns its id (the same id for the same normalised claim)."""
    return await stance_store(ctx).remember_claim(space_key, text, now_iso(ctx))


async def claim_text(ctx: Context, space_key: str, claim_id: int) -> str | None:
    """The latest wording of a stored claim of this space, or None (unknown id, or another space's claim)."""
    return await stance_store(ctx).claim_text(space_key, claim_id)


async def suggest_claims(ctx: Context, space_key: str, typed: str, limit: int = 25) -> list[str]:
    """This space's claims that contain what is typed; those starting with it first, then most used and recent."""
    return await stance_store(ctx).suggest_claims(space_key, typed, limit)
