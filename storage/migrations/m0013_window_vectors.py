"""Sentence-window vectors of comments, written by the background indexer beside the comments' own vectors.

Stance reads a long comment sentence by sentence (bot/engine/evidence.py): its relevance is its best window's.
Embedding those windows while a member waits cost a new claim over fresh comments about 1.5 s, so the indexer
stores them: one row per comment and window model, the windows' float16 rows concatenated in window order.
`model` names the embedder and the way comments are cut into windows, so a change of either re-embeds.
"""

VERSION = 13

SQL = """
CREATE TABLE window_vectors (
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    windows INTEGER NOT NULL,  -- how many windows; 0 for a comment read whole (nothing more to store)
    vectors BLOB NOT NULL,     -- `windows` float16 rows, little-endian, unit length
    PRIMARY KEY (comment_id, model)
);
"""
