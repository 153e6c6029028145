"""PostgreSQL's schema, in the same numbered steps as SQLite's (storage/migrations): `mNNNN_name.py` with the
same `VERSION` and name as its SQLite twin, so both ledgers list the same migrations.
"""
