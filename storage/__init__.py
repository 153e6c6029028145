"""Storage: SQLite via aiosqlite (schema, migrations, importers) behind the async interface in `interface`."""
