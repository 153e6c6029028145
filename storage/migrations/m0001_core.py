"""Archives, comments with their FTS5 index, and per-channel memory (quotes shown, settings)."""

VERSION = 1

SQL = """
CREATE TABLE archives (
    id INTEGER PRIMARY KEY,
    space_key TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    source TEXT,
    created_at TEXT NOT NULL,
    comment_count INTEGER NOT NULL DEFAULT 0,  -- kept by the store on import and by a trigger on delete
    UNIQUE (space_key, name)
);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    archive_id INTEGER NOT NULL REFERENCES archives(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL,
    parent_source_id TEXT,
    author TEXT,
    created_at TEXT,
    url TEXT,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    UNIQUE (archive_id, source_id)
);
CREATE INDEX comments_by_hash ON comments (archive_id, content_hash);
CREATE INDEX comments_by_parent ON comments (archive_id, parent_source_id);

CREATE VIRTUAL TABLE comments_fts USING fts5(
    text,
    content = 'comments',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- No insert trigger: the store indexes each import's new rows in one INSERT ... SELECT (4x faster in bulk).
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
    UPDATE archives SET comment_count = comment_count - 1 WHERE id = old.archive_id;
    INSERT INTO comments_fts (comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF text ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO comments_fts (rowid, text) VALUES (new.id, new.text);
END;

-- Each import writes one contiguous run of comment ids (it holds the write lock); searches use these runs as
-- rowid ranges, which FTS5 seeks to directly instead of joining every match against `comments`.
CREATE TABLE archive_segments (
    archive_id INTEGER NOT NULL REFERENCES archives(id) ON DELETE CASCADE,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    PRIMARY KEY (archive_id, first_id)
);

CREATE TABLE quote_history (
    space_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    shown_at TEXT NOT NULL,
    PRIMARY KEY (space_key, channel, comment_id)
);
CREATE INDEX quote_history_by_comment ON quote_history (comment_id);

CREATE TABLE channel_settings (
    space_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (space_key, channel, key)
);
"""
