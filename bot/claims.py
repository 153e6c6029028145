"""Claims a space has asked about (`stance`, `counter`, `stance fix`, `stance vote`), for autocomplete and buttons.

A claim is stored per space under its normalised key (casefolded, whitespace collapsed, trailing punctuation
stripped), with its latest wording, how often it was used and when. A button can then carry a short claim id
instead of the claim, and no space ever sees another's claims.
"""

from __future__ import annotations

from bot.context import Context
from bot.times import now_iso


async def remember_claim(ctx: Context, space_key: str, text: str) -> int:
    """Record a use of `text` as a claim in this space; returns its id (the same id for the same normalised claim)."""
    return await ctx.stores.stance.remember_claim(space_key, text, now_iso(ctx))


async def claim_text(ctx: Context, space_key: str, claim_id: int) -> str | None:
    """The latest wording of a stored claim of this space, or None (unknown id, or another space's claim)."""
    return await ctx.stores.stance.claim_text(space_key, claim_id)


async def suggest_claims(ctx: Context, space_key: str, typed: str, limit: int = 25) -> list[str]:
    """This space's claims that contain what is typed; those starting with it first, then most used and recent."""
    return await ctx.stores.stance.suggest_claims(space_key, typed, limit)
