"""PostgreSQL twin of storage/migrations/m0012_stance_relevance.py: cached dense relevance of a comment to a claim, per embedder identity, so a repeated `stance` embeds nothing."""

VERSION = 12

SQL = """
CREATE TABLE relevance_cache (
    identity TEXT NOT NULL,
    claim_key TEXT NOT NULL,
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    relevance DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (identity, claim_key, comment_id)
);
CREATE INDEX relevance_cache_by_comment ON relevance_cache (comment_id);
"""
