"""PostgreSQL twin of storage/migrations/m0021_slack_events.py: Slack event ids already taken on, so a
redelivered event is handled once across worker processes and restarts."""

VERSION = 21

SQL = """
CREATE TABLE slack_events (
    event_id TEXT PRIMARY KEY,
    claimed_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX slack_events_claimed_at ON slack_events (claimed_at);
"""
