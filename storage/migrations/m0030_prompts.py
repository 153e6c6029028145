"""Daily discussion prompts: schedules, one row per schedule and local day (the at-most-once guard), the prompts
each channel has seen, and members' suggestions. Everything is scoped by space key and channel."""

VERSION = 30

SQL = """
CREATE TABLE prompt_schedules (
    id INTEGER PRIMARY KEY,
    space_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    place_json TEXT NOT NULL,
    cron TEXT NOT NULL,
    description TEXT NOT NULL,
    timezone TEXT NOT NULL,
    archive_name TEXT,
    notify_role TEXT,
    open_thread INTEGER NOT NULL DEFAULT 1,
    paused INTEGER NOT NULL DEFAULT 0,
    paused_reason TEXT,
    active_from TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (space_key, channel)
);

CREATE TABLE prompt_posts (
    id INTEGER PRIMARY KEY,
    schedule_id INTEGER NOT NULL REFERENCES prompt_schedules(id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,
    due_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('intent', 'sent', 'skipped', 'missed', 'failed', 'unconfirmed')),
    prompt_key TEXT,
    claimed_by TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    finished_at TEXT,
    message_id TEXT,
    thread TEXT,
    detail TEXT,
    UNIQUE (schedule_id, local_date)
);
CREATE INDEX prompt_posts_intents ON prompt_posts (claimed_at) WHERE state = 'intent';

CREATE TABLE prompt_history (
    space_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    prompt_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    shown_at TEXT NOT NULL,
    PRIMARY KEY (space_key, channel, prompt_key)
);
CREATE INDEX prompt_history_latest ON prompt_history (space_key, channel, shown_at);

CREATE TABLE prompt_suggestions (
    id INTEGER PRIMARY KEY,
    space_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    text TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    suggested_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX prompt_suggestions_by_channel ON prompt_suggestions (space_key, channel, state, id);
"""
