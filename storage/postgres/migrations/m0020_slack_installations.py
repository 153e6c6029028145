"""PostgreSQL twin of storage/migrations/m0020_slack_installations.py: slack installations (one bot per workspace, one row per installing user), and OAuth `state` values."""

VERSION = 20

SQL = """
CREATE TABLE slack_installations (
    client_id TEXT NOT NULL,
    enterprise_id TEXT NOT NULL DEFAULT '',
    team_id TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL,
    app_id TEXT,
    enterprise_name TEXT,
    enterprise_url TEXT,
    team_name TEXT,
    bot_token TEXT,
    bot_id TEXT,
    bot_user_id TEXT,
    bot_scopes TEXT,
    bot_refresh_token TEXT,
    bot_token_expires_at BIGINT,
    user_token TEXT,
    user_scopes TEXT,
    user_refresh_token TEXT,
    user_token_expires_at BIGINT,
    incoming_webhook_url TEXT,
    incoming_webhook_channel TEXT,
    incoming_webhook_channel_id TEXT,
    incoming_webhook_configuration_url TEXT,
    is_enterprise_install BIGINT NOT NULL DEFAULT 0,
    token_type TEXT,
    installed_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (client_id, enterprise_id, team_id, user_id)
);
CREATE INDEX slack_installations_latest ON slack_installations (client_id, enterprise_id, team_id, installed_at);

CREATE TABLE slack_bots (
    client_id TEXT NOT NULL,
    enterprise_id TEXT NOT NULL DEFAULT '',
    team_id TEXT NOT NULL DEFAULT '',
    app_id TEXT,
    enterprise_name TEXT,
    team_name TEXT,
    bot_token TEXT NOT NULL,
    bot_id TEXT,
    bot_user_id TEXT,
    bot_scopes TEXT,
    bot_refresh_token TEXT,
    bot_token_expires_at BIGINT,
    is_enterprise_install BIGINT NOT NULL DEFAULT 0,
    installed_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (client_id, enterprise_id, team_id)
);

CREATE TABLE slack_oauth_states (
    state TEXT PRIMARY KEY,
    expires_at DOUBLE PRECISION NOT NULL
);
"""
