"""Cached dense relevance of a comment to a claim, per embedder identity, so a repeated `stance` embeds nothing.

Rows go with their comment (and so with its archive); a new embedder has another identity.
"""

VERSION = 12

SQL = """
CREATE TABLE relevance_cache (
    identity TEXT NOT NULL,
    claim_key TEXT NOT NULL,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    relevance REAL NOT NULL,
    PRIMARY KEY (identity, claim_key, comment_id)
) WITHOUT ROWID;
CREATE INDEX relevance_cache_by_comment ON relevance_cache (comment_id);
"""
