"""Sentence vectors of comments, one per comment and embedding model, written in the background after import.

A vector belongs to its comment (deleted with it, and so with its archive) and names the model that made it, so
switching models re-embeds instead of mixing incompatible vectors. `archive_id` is copied from the comment so an
archive's vectors load without touching `comments`.
"""

VERSION = 10

SQL = """
CREATE TABLE comment_vectors (
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    archive_id INTEGER NOT NULL,
    vector BLOB NOT NULL,  -- float16, little-endian, unit length
    PRIMARY KEY (comment_id, model)
);
CREATE INDEX comment_vectors_by_archive ON comment_vectors (model, archive_id, comment_id);
"""
