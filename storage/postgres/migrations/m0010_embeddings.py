"""PostgreSQL twin of storage/migrations/m0010_embeddings.py: sentence vectors of comments, one per comment and embedding model, written in the background after import."""

VERSION = 10

SQL = """
CREATE TABLE comment_vectors (
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    archive_id BIGINT NOT NULL,
    vector BYTEA NOT NULL,  -- float16, little-endian, unit length
    PRIMARY KEY (comment_id, model)
);
CREATE INDEX comment_vectors_by_archive ON comment_vectors (model, archive_id, comment_id);
"""
