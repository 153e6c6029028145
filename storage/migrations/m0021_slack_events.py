"""Slack event ids already taken on, so a redelivered event (Slack's retries) is handled once across worker
processes and restarts. `claimed_at` is Unix seconds; old rows are pruned (storage/slack_events.py)."""

VERSION = 21

SQL = """
CREATE TABLE slack_events (
    event_id TEXT PRIMARY KEY,
    claimed_at REAL NOT NULL
);
CREATE INDEX slack_events_claimed_at ON slack_events (claimed_at);
"""
