"""PostgreSQL twin of storage/migrations/m0050_link_origin.py: which linked thread each comment came from, so a re-import of the same link can apply edits and deletions."""

VERSION = 50

SQL = """
ALTER TABLE comments ADD COLUMN origin TEXT;
CREATE INDEX comments_by_origin ON comments (archive_id, origin) WHERE origin IS NOT NULL;
"""
