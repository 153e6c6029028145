"""Followed threads: a link re-imported on a schedule (`archive follow`), kept across restarts.

`running_since`/`running_by` are a lease: a run claims the row with one conditional UPDATE before it fetches,
so two ticks, two tasks or two processes never run the same follow at once; a lease older than the longest an
import may take belongs to a process that died, and may be claimed again.
"""

VERSION = 51

SQL = """
CREATE TABLE link_follows (
    id INTEGER PRIMARY KEY,
    space_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    place_json TEXT NOT NULL,
    url TEXT NOT NULL,
    origin TEXT NOT NULL,
    archive_name TEXT NOT NULL,
    every_seconds INTEGER NOT NULL,
    next_run_at TEXT NOT NULL,
    running_since TEXT,
    running_by TEXT,
    last_run_at TEXT,
    last_result TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (space_key, origin, archive_name)
);
CREATE INDEX link_follows_due ON link_follows (next_run_at);
"""
