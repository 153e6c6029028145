"""PostgreSQL twin of storage/migrations/m0003_import_staging.py: imports write in short chunks into a staging area and publish in one short transaction (storage/staging.py)."""

VERSION = 3

SQL = """
CREATE TABLE import_staging (
    archive_id BIGINT PRIMARY KEY REFERENCES archives(id) ON DELETE CASCADE,
    first_id BIGINT NOT NULL,
    new_archive BIGINT NOT NULL,
    started_at TEXT NOT NULL
);
"""
