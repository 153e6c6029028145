"""PostgreSQL twin of storage/migrations/m0013_window_vectors.py: sentence-window vectors of comments, written by the background indexer beside the comments' own vectors."""

VERSION = 13

SQL = """
CREATE TABLE window_vectors (
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    windows BIGINT NOT NULL,  -- how many windows; 0 for a comment read whole (nothing more to store)
    vectors BYTEA NOT NULL,     -- `windows` float16 rows, little-endian, unit length
    PRIMARY KEY (comment_id, model)
);
"""
