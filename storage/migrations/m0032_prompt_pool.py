"""The prompt pool: what each archive offers as prompts, mined in the background (bot/prompts/mining.py): its
disagreements (a claim sentence, the comments read against it, a quote per side), its much-replied comments and
its quotable ones. Cached per archive and keyed by its revision, so `prompt next` answers from here at once and a
re-import (a new revision) rebuilds it; and the items moderators dropped from a space's pool (`prompt drop`).
Everything goes with its archive or comment."""

VERSION = 32

SQL = """
CREATE TABLE prompt_pools (
    archive_id INTEGER PRIMARY KEY REFERENCES archives(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    identity TEXT NOT NULL,
    mined_at TEXT NOT NULL,
    seconds REAL NOT NULL,
    comments_read INTEGER NOT NULL,
    claims_weighed INTEGER NOT NULL,
    complete INTEGER NOT NULL
);

CREATE TABLE prompt_pool_items (
    id INTEGER PRIMARY KEY,
    archive_id INTEGER NOT NULL REFERENCES archives(id) ON DELETE CASCADE,
    prompt_key TEXT NOT NULL,
    rank INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('mined', 'reply', 'discussed', 'quote')),
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    claim TEXT NOT NULL,
    score REAL NOT NULL,
    rough INTEGER NOT NULL,
    agree_id INTEGER,
    disagree_id INTEGER,
    judged_json TEXT NOT NULL,
    UNIQUE (archive_id, prompt_key)
);
CREATE INDEX prompt_pool_items_by_rank ON prompt_pool_items (archive_id, rank);
CREATE INDEX prompt_pool_items_by_comment ON prompt_pool_items (comment_id);

CREATE TABLE prompt_pool_drops (
    space_key TEXT NOT NULL,
    prompt_key TEXT NOT NULL,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    dropped_by TEXT NOT NULL,
    dropped_at TEXT NOT NULL,
    PRIMARY KEY (space_key, prompt_key)
);
CREATE INDEX prompt_pool_drops_by_comment ON prompt_pool_drops (comment_id);
"""
