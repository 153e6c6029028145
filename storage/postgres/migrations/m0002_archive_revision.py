"""PostgreSQL's words for storage/migrations/m0002_archive_revision.py (the archive revision token): the
triggers that change it on every delete and edit are plpgsql functions here."""

VERSION = 2

SQL = """
ALTER TABLE archives ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
UPDATE archives SET revision = (floor(random() * 9.0e18))::bigint;

CREATE OR REPLACE FUNCTION threadbot_comment_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE archives SET comment_count = comment_count - 1, revision = (floor(random() * 9.0e18))::bigint
    WHERE id = OLD.archive_id;
    RETURN NULL;
END $$;
CREATE FUNCTION threadbot_comment_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE archives SET revision = (floor(random() * 9.0e18))::bigint WHERE id IN (OLD.archive_id, NEW.archive_id);
    RETURN NULL;
END $$;
CREATE TRIGGER comments_revision_update AFTER UPDATE ON comments
    FOR EACH ROW EXECUTE FUNCTION threadbot_comment_updated();
"""
