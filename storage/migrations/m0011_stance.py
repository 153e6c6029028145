"""Stance memory: claims asked per space, moderators' label fixes, members' votes, and the NLI cache.

Claims, fixes and votes are scoped by space key and keyed by the normalised claim (`stance_store.claim_key`).
The cache keeps the engine's agree logit z per (model + calibration identity, claim, comment); a new model or
calibration simply has another identity. Fixes and cache rows go with their comment (and so with its archive).
"""

VERSION = 11

SQL = """
CREATE TABLE stance_claims (
    id INTEGER PRIMARY KEY,
    space_key TEXT NOT NULL,
    claim_key TEXT NOT NULL,
    text TEXT NOT NULL,
    uses INTEGER NOT NULL DEFAULT 1,
    last_used TEXT NOT NULL,
    UNIQUE (space_key, claim_key)
);
CREATE INDEX stance_claims_popular ON stance_claims (space_key, uses DESC, last_used DESC);

CREATE TABLE stance_fixes (
    space_key TEXT NOT NULL,
    claim_key TEXT NOT NULL,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    label TEXT NOT NULL CHECK (label IN ('agree', 'disagree', 'neutral', 'unrelated')),
    fixed_by TEXT NOT NULL,
    fixed_at TEXT NOT NULL,
    PRIMARY KEY (space_key, claim_key, comment_id)
);
CREATE INDEX stance_fixes_by_comment ON stance_fixes (comment_id);

CREATE TABLE stance_votes (
    space_key TEXT NOT NULL,
    claim_key TEXT NOT NULL,
    voter TEXT NOT NULL,  -- a one-way hash of the member's id: enough to change a vote, not to list voters
    choice TEXT NOT NULL CHECK (choice IN ('agree', 'disagree', 'pass')),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (space_key, claim_key, voter)
);

CREATE TABLE nli_cache (
    identity TEXT NOT NULL,
    claim_key TEXT NOT NULL,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    z REAL NOT NULL,
    PRIMARY KEY (identity, claim_key, comment_id)
) WITHOUT ROWID;
CREATE INDEX nli_cache_by_comment ON nli_cache (comment_id);
"""
