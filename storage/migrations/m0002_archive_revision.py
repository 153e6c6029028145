"""A revision token per archive, changed by every write to its comments, so per-process caches of what an
archive holds (retrieval results, bot/retrieval/memo.py) can tell they are stale with one small query.

Random rather than counted: an archive deleted and re-created may get the same id, and must not get the same
revision. Imports set it in the store (one statement per import); deletes and edits set it in triggers.
"""

VERSION = 2

SQL = """
ALTER TABLE archives ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
UPDATE archives SET revision = random();

DROP TRIGGER comments_fts_delete;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
    UPDATE archives SET comment_count = comment_count - 1, revision = random() WHERE id = old.archive_id;
    INSERT INTO comments_fts (comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER comments_revision_update AFTER UPDATE ON comments BEGIN
    UPDATE archives SET revision = random() WHERE id IN (old.archive_id, new.archive_id);
END;
"""
