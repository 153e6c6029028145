"""PostgreSQL's own words for the SQLite migrations (storage/migrations) whose schema needs more than
translated column types: search and its statistics (m0001), trigger functions (m0002), and a `rowid` column
where rows are read back in insertion order (m0030, m0040). Each module has the `VERSION` and name of its
SQLite twin; every other migration is its SQLite schema through `storage.postgres.translate.postgres_schema`
(storage/postgres/migrate.py `load_pg_migrations`). Both ledgers list the same migrations.
"""
