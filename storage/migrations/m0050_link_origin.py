"""Which linked thread each comment came from, so a re-import of the same link can apply edits and deletions.

`origin` is the thread's canonical key (e.g. `hn:17`, `reddit:1cebxh`), set by a link import (bot/fetch) and
NULL for comments imported from files. A sync only ever deletes comments of its own origin, so a file import
into the same archive is never touched by a link's re-import.
"""

VERSION = 50

SQL = """
ALTER TABLE comments ADD COLUMN origin TEXT;
CREATE INDEX comments_by_origin ON comments (archive_id, origin) WHERE origin IS NOT NULL;
"""
