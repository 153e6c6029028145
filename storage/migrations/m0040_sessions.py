"""Reading-group sessions: sessions with their recaps, participation counts, the speaking queue, votes, the
group archive's author labels, ping opt-ins and the reading plan. Everything is scoped by space and channel."""

VERSION = 40

SQL = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    space_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    place_json TEXT NOT NULL,
    topic TEXT NOT NULL,
    claim TEXT,
    archive_name TEXT,
    started_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    recap_json TEXT
);
CREATE UNIQUE INDEX sessions_one_open ON sessions (space_key, channel) WHERE closed_at IS NULL;
CREATE INDEX sessions_by_channel ON sessions (space_key, channel, started_at);
CREATE INDEX sessions_open_by_end ON sessions (ends_at) WHERE closed_at IS NULL;

CREATE TABLE session_participants (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    words INTEGER NOT NULL DEFAULT 0,
    turns INTEGER NOT NULL DEFAULT 0,
    joined_at TEXT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE session_expected (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (session_id, name)
);

CREATE TABLE session_queue (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE session_votes (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    choice TEXT NOT NULL CHECK (choice IN ('agree', 'disagree', 'pass')),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE session_messages (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    reply_to TEXT,
    url TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (session_id, message_id)
);
CREATE INDEX session_messages_by_reply ON session_messages (session_id, reply_to);

CREATE TABLE session_citations (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, comment_id)
);
CREATE INDEX session_citations_by_comment ON session_citations (comment_id);

CREATE TABLE session_notify (
    space_key TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (space_key, user_id)
);

CREATE TABLE group_authors (
    space_key TEXT NOT NULL,
    archive_name TEXT NOT NULL,
    author TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (space_key, archive_name, author)
);
CREATE INDEX group_authors_by_user ON group_authors (space_key, user_id);

CREATE TABLE group_optouts (
    space_key TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (space_key, user_id)
);

CREATE TABLE readings (
    id INTEGER PRIMARY KEY,
    space_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    place_json TEXT NOT NULL,
    title TEXT NOT NULL,
    due_date TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    reminded_at TEXT
);
CREATE INDEX readings_by_channel ON readings (space_key, channel, due_date);
CREATE INDEX readings_pending ON readings (due_date) WHERE reminded_at IS NULL;
"""
