"""All SQL of stance memory (bot/claims.py, bot/features/stance*.py), as named statements.

Written against the small `SqlDatabase` protocol (storage/sql.py). Claims, fixes and votes are scoped by space
key and keyed by `claim_key`, so "Remote work is better." and "remote work is  better" are one claim. One logical write is one transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from storage.interface import SHARED_SPACE
from storage.sql import LARGEST_INTEGER, Connection, SqlDatabase
from storage.work_claims import claim_work

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.!?,;:\u2026]+$")
ID_CHUNK = 500  # ids per `IN (...)`: well under SQLite's variable limit


def claim_key(text: str) -> str:
    """The claim as stored and matched: casefolded, whitespace collapsed, trailing punctuation stripped."""
    return _TRAILING.sub("", _SPACES.sub(" ", text.casefold()).strip())


def voter_key(space_key: str, user_id: str) -> str:
    """A one-way id for a voter: lets a member change their vote without the table listing who voted."""
    return hashlib.sha256(f"{space_key}\0{user_id}".encode()).hexdigest()


UPSERT_CLAIM = """
INSERT INTO stance_claims (space_key, claim_key, text, uses, last_used) VALUES (?, ?, ?, 1, ?)
ON CONFLICT (space_key, claim_key) DO UPDATE SET
    text = excluded.text, uses = stance_claims.uses + 1, last_used = excluded.last_used
RETURNING id
"""
SELECT_CLAIM_TEXT = "SELECT text FROM stance_claims WHERE space_key = ? AND id = ?"
SELECT_CLAIMS_MATCHING = """
SELECT text FROM stance_claims
WHERE space_key = ? AND instr(claim_key, ?) > 0
ORDER BY instr(claim_key, ?) = 1 DESC, uses DESC, last_used DESC, id DESC
LIMIT ?
"""

SELECT_FIXES = """
SELECT f.comment_id, f.label FROM stance_fixes AS f JOIN comments AS c ON c.id = f.comment_id
WHERE f.space_key = ? AND f.claim_key = ? AND c.archive_id = ?
"""
SELECT_ARCHIVE_FIXES = """
SELECT f.claim_key, f.comment_id, f.label FROM stance_fixes AS f JOIN comments AS c ON c.id = f.comment_id
WHERE f.space_key = ? AND c.archive_id = ?
"""
SELECT_FIX = "SELECT label FROM stance_fixes WHERE space_key = ? AND claim_key = ? AND comment_id = ?"
UPSERT_FIX = """
INSERT INTO stance_fixes (space_key, claim_key, comment_id, label, fixed_by, fixed_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (space_key, claim_key, comment_id) DO UPDATE SET
    label = excluded.label, fixed_by = excluded.fixed_by, fixed_at = excluded.fixed_at
"""
DELETE_FIX = "DELETE FROM stance_fixes WHERE space_key = ? AND claim_key = ? AND comment_id = ?"
SELECT_COMMENT_PLACE = """
SELECT a.space_key, a.name FROM comments AS c JOIN archives AS a ON a.id = c.archive_id WHERE c.id = ?
"""

SELECT_VOTE = "SELECT choice FROM stance_votes WHERE space_key = ? AND claim_key = ? AND voter = ?"
UPSERT_VOTE = """
INSERT INTO stance_votes (space_key, claim_key, voter, choice, voted_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (space_key, claim_key, voter) DO UPDATE SET choice = excluded.choice, voted_at = excluded.voted_at
"""
SELECT_TALLY = """
SELECT choice, count(*) FROM stance_votes WHERE space_key = ? AND claim_key = ? GROUP BY choice
"""

SELECT_LOGITS = "SELECT comment_id, z FROM nli_cache WHERE identity = ? AND claim_key = ? AND comment_id IN ({marks})"
# Through `comments`, so a comment deleted meanwhile (its archive removed) is skipped rather than failing the write.
UPSERT_LOGIT = """
INSERT INTO nli_cache (identity, claim_key, comment_id, z) SELECT ?, ?, id, ? FROM comments WHERE id = ?
ON CONFLICT (identity, claim_key, comment_id) DO UPDATE SET z = excluded.z
"""
SELECT_RELEVANCE = """
SELECT comment_id, relevance FROM relevance_cache WHERE identity = ? AND claim_key = ? AND comment_id IN ({marks})
"""
UPSERT_RELEVANCE = """
INSERT INTO relevance_cache (identity, claim_key, comment_id, relevance) SELECT ?, ?, id, ? FROM comments WHERE id = ?
ON CONFLICT (identity, claim_key, comment_id) DO UPDATE SET relevance = excluded.relevance
"""


@dataclass(frozen=True, slots=True)
class CommentPlace:
    """Where a comment lives: its archive's space and name."""

    space_key: str
    archive: str

    def visible_from(self, space_key: str) -> bool:
        return self.space_key in (space_key, SHARED_SPACE)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


class StanceStore:
    """Claims, fixes, votes and cached NLI logits on one database."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    # claims
    async def remember_claim(self, space_key: str, text: str, now: str) -> int:
        """Record one use of a claim (its latest wording kept) and return its id in this space."""
        async with self.db.transaction() as conn:
            return await self._use_claim(conn, space_key, text, now)

    @staticmethod
    async def _use_claim(conn: Connection, space_key: str, text: str, now: str) -> int:
        key = claim_key(text)
        if not key:
            raise ValueError("a claim needs some words")
        async with conn.execute(UPSERT_CLAIM, (space_key, key, text, now)) as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def claim_text(self, space_key: str, claim_id: int) -> str | None:
        row = await self.db.fetchone(SELECT_CLAIM_TEXT, (space_key, claim_id))
        return None if row is None else str(row[0])

    async def suggest_claims(self, space_key: str, typed: str, limit: int) -> list[str]:
        """Claims containing what is typed, those starting with it first, then the most used and recent."""
        needle = claim_key(typed)
        rows = await self.db.fetchall(SELECT_CLAIMS_MATCHING, (space_key, needle, needle, max(limit, 0)))
        return [str(r[0]) for r in rows]

    # fixes
    async def comment_place(self, comment_id: int) -> CommentPlace | None:
        if not 0 < comment_id <= LARGEST_INTEGER:  # a number no comment can have (and SQLite cannot bind)
            return None
        row = await self.db.fetchone(SELECT_COMMENT_PLACE, (comment_id,))
        return None if row is None else CommentPlace(str(row[0]), str(row[1]))

    async def fixes(self, space_key: str, key: str, archive_id: int) -> dict[int, str]:
        """Moderator-set labels for a claim on one archive's comments: comment id -> label."""
        rows = await self.db.fetchall(SELECT_FIXES, (space_key, key, archive_id))
        return {int(r[0]): str(r[1]) for r in rows}

    async def archive_fixes(self, space_key: str, archive_id: int) -> dict[str, dict[int, str]]:
        """Every moderator-set label of this space on one archive's comments: claim key -> comment id -> label."""
        found: dict[str, dict[int, str]] = {}
        for row in await self.db.fetchall(SELECT_ARCHIVE_FIXES, (space_key, archive_id)):
            found.setdefault(str(row[0]), {})[int(row[1])] = str(row[2])
        return found

    async def set_fix(
        self, space_key: str, claim: str, comment_id: int, label: str | None, by: str, now: str
    ) -> str | None:
        """Set (or with None, clear) a comment's label for a claim, and record the claim's use, in one
        transaction; returns the label it had before, if any."""
        key = claim_key(claim)
        async with self.db.transaction() as conn:
            await self._use_claim(conn, space_key, claim, now)
            async with conn.execute(SELECT_FIX, (space_key, key, comment_id)) as cur:
                row = await cur.fetchone()
            if label is None:
                await conn.execute(DELETE_FIX, (space_key, key, comment_id))
            else:
                await conn.execute(UPSERT_FIX, (space_key, key, comment_id, label, by, now))
        return None if row is None else str(row[0])

    # votes
    async def vote(self, space_key: str, claim: str, voter: str, choice: str, now: str) -> str | None:
        """Record a member's vote on a claim, and the claim's use, in one transaction: a vote that was not
        stored leaves nothing behind. Returns their previous choice, if they had voted."""
        key = claim_key(claim)
        async with self.db.transaction() as conn:
            await self._use_claim(conn, space_key, claim, now)
            async with conn.execute(SELECT_VOTE, (space_key, key, voter)) as cur:
                row = await cur.fetchone()
            await conn.execute(UPSERT_VOTE, (space_key, key, voter, choice, now))
        return None if row is None else str(row[0])

    async def tally(self, space_key: str, key: str) -> dict[str, int]:
        """Votes per choice for a claim in this space (counts only)."""
        rows = await self.db.fetchall(SELECT_TALLY, (space_key, key))
        return {str(r[0]): int(r[1]) for r in rows}

    def claim_reading(self, archive_id: int, key: str, identity: str) -> AbstractAsyncContextManager[bool]:
        """Hold the background reading of one claim over one archive under one model (storage/work_claims.py):
        False while another process reads it, so two processes asked the same claim do not both read it."""
        return claim_work(self.db, f"stance:{archive_id}:{identity}:{key}")

    # model caches: NLI logits (z) and dense relevance
    async def cached_logits(self, identity: str, key: str, comment_ids: Sequence[int]) -> dict[int, float]:
        """Cached z of the given comments for a claim under one model+calibration identity (missing: absent)."""
        return await self._cached(SELECT_LOGITS, identity, key, comment_ids)

    async def store_logits(self, identity: str, key: str, logits: Mapping[int, float]) -> None:
        """Remember computed z values (one transaction)."""
        await self._store(UPSERT_LOGIT, identity, key, logits)

    async def cached_relevance(self, identity: str, key: str, comment_ids: Sequence[int]) -> dict[int, float]:
        """Cached dense relevance of the given comments to a claim under one embedder identity."""
        return await self._cached(SELECT_RELEVANCE, identity, key, comment_ids)

    async def store_relevance(self, identity: str, key: str, relevance: Mapping[int, float]) -> None:
        await self._store(UPSERT_RELEVANCE, identity, key, relevance)

    async def _cached(self, select: str, identity: str, key: str, comment_ids: Sequence[int]) -> dict[int, float]:
        found: dict[int, float] = {}
        for chunk in _chunks(list(dict.fromkeys(comment_ids))):
            sql = select.format(marks=",".join("?" * len(chunk)))
            for row in await self.db.fetchall(sql, [identity, key, *chunk]):
                found[int(row[0])] = float(row[1])
        return found

    async def _store(self, upsert: str, identity: str, key: str, values: Mapping[int, float]) -> None:
        if not values:
            return
        async with self.db.transaction() as conn:
            for comment_id, value in values.items():
                await conn.execute(upsert, (identity, key, float(value), comment_id))
