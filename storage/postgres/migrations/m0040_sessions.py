"""PostgreSQL's words for storage/migrations/m0040_sessions.py (reading-group sessions): `session_expected`
and `session_citations` have a `rowid` column, since the store reads them back in insertion order."""

from storage.migrations import m0040_sessions as sqlite
from storage.postgres.translate import postgres_schema, with_insertion_order

VERSION = sqlite.VERSION

SQL = with_insertion_order(postgres_schema(sqlite.SQL), "session_expected", "session_citations")
