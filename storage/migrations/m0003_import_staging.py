"""Imports write in short chunks into a staging area and publish in one short transaction (storage/staging.py).

A row here marks an import in progress (or one killed mid-way): its comments are those with id >= `first_id`,
which every read leaves out, and an archive it created (`new_archive`) is hidden until published. The next
import deletes what a dead one left behind.
"""

VERSION = 3

SQL = """
CREATE TABLE import_staging (
    archive_id INTEGER PRIMARY KEY REFERENCES archives(id) ON DELETE CASCADE,
    first_id INTEGER NOT NULL,
    new_archive INTEGER NOT NULL,
    started_at TEXT NOT NULL
);
"""
