"""PostgreSQL's words for storage/migrations/m0030_prompts.py (daily discussion prompts): `prompt_history`
has a `rowid` column, since the store reads the latest prompt shown in insertion order as SQLite's rowid gives."""

from storage.migrations import m0030_prompts as sqlite
from storage.postgres.translate import postgres_schema, with_insertion_order

VERSION = sqlite.VERSION

SQL = with_insertion_order(postgres_schema(sqlite.SQL), "prompt_history")
