"""`threadbot copy`: move a SQLite database into PostgreSQL, every table the stores use, ids kept.

The whole copy is one PostgreSQL transaction holding the write lock, so a run cut off midway leaves the
destination as it was, and running it again finishes the job. Each table streams from SQLite through COPY
into a temporary table, then goes in with `INSERT .. ON CONFLICT`: rows already there (from an earlier run) are
left alone, changed ones take the source's values, so a second run adds nothing and ends with the same rows.
A destination holding rows the source lacks (a bot already ran on it) is refused: merging two histories would
break the ids that rows refer to. Identity sequences are moved past the copied ids at the end.

The source is read in one SQLite read transaction (a consistent snapshot) while holding its import lock, so
no import is half-staged; an import that died earlier is discarded first, as the next import would.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycopg import sql

from storage.db import Database, open_database
from storage.postgres.database import PostgresConnection, PostgresDatabase, connect_pool
from storage.postgres.migrate import migrate_pg
from storage.sql import DatabaseError
from storage.staging import discard_staged, import_lock

log = logging.getLogger(__name__)

SQLITE_ONLY = frozenset({"comments_fts", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"})
"""Tables only SQLite has: its FTS5 index (PostgreSQL's tsvector column is generated from the text) and its
own bookkeeping. FTS5's shadow tables (`comments_fts_data`, ...) are left out with it."""
NOT_COPIED = frozenset({"schema_migrations", "search_terms", "search_archives"})
"""Each database records its own migrations (both are migrated to the same versions first); PostgreSQL's BM25
statistics (storage/postgres/search.py) are kept by triggers from the comments copied in."""
BATCH_ROWS = 2000
"""Rows read from SQLite per fetch (and between progress updates)."""

Progress = Callable[[int, int], None]
"""Called with (rows copied so far, rows in all)."""

TABLES_SQL = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
ORDER BY c.relname
"""
REFERENCES_SQL = """
SELECT src.relname, dst.relname FROM pg_constraint k
JOIN pg_class src ON src.oid = k.conrelid JOIN pg_class dst ON dst.oid = k.confrelid
JOIN pg_namespace n ON n.oid = src.relnamespace
WHERE k.contype = 'f' AND n.nspname = current_schema()
"""
COLUMNS_SQL = """
SELECT a.attname, a.attidentity, a.attgenerated FROM pg_attribute a
WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""
KEY_SQL = """
SELECT a.attname FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = to_regclass(%s) AND i.indisprimary
"""


class CopyError(DatabaseError):
    """The copy cannot go ahead; the message says why and what to do. Nothing was written."""


@dataclass(slots=True)
class TablePlan:
    name: str
    columns: list[str]
    """Columns written: every PostgreSQL column but generated ones (SQLite's implicit `rowid` included)."""
    key: list[str]
    identity: list[str]
    """Identity columns, whose sequences are reset after the copy."""
    always: set[str] = field(default_factory=set)
    """GENERATED ALWAYS identity columns: inserted with OVERRIDING SYSTEM VALUE, never updated."""


@dataclass(slots=True)
class TableResult:
    name: str
    source_rows: int
    added: int = 0
    updated: int = 0


@dataclass(slots=True)
class CopyResult:
    tables: list[TableResult]
    skipped: list[str]
    """Source tables not copied, with why (SQLite-only)."""

    @property
    def added(self) -> int:
        return sum(t.added for t in self.tables)

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.source_rows for t in self.tables)


def parse_source(text: str) -> Path:
    """`sqlite:PATH` (the only source there is) as a path; a `CopyError` saying how to write it otherwise."""
    if not text.startswith("sqlite:"):
        raise CopyError(f"--from takes sqlite:PATH (for example --from sqlite:threadbot.db), not {text!r}.")
    path = Path(text.removeprefix("sqlite:").removeprefix("//"))
    if not str(path) or str(path) == ".":
        raise CopyError("--from sqlite: needs the database file's path, e.g. --from sqlite:threadbot.db.")
    if not path.exists():
        raise CopyError(
            f"there is no SQLite database at {path}; check the path (the bot's file is THREADBOT_DB, "
            "threadbot.db by default)."
        )
    if path.is_dir():
        raise CopyError(
            f"{path} is a folder; --from takes the SQLite database file, e.g. sqlite:{path}/threadbot.db."
        )
    return path


def check_destination(url: str) -> str:
    """A postgresql:// URL (or libpq's `host=... dbname=...` form); a `CopyError` for anything else."""
    if url.startswith(("postgresql://", "postgres://")) or ("://" not in url and "=" in url):
        return url
    shown = url.split("@")[-1] if "@" in url else url  # never echo a password
    raise CopyError(
        f"--to takes a PostgreSQL URL, postgresql://user:password@host:port/name, not {shown!r}. "
        "Create the database first (createdb threadbot)."
    )


async def copy_sqlite_to_postgres(
    source: Path, url: str, *, progress: Progress | None = None, batch: int = BATCH_ROWS
) -> CopyResult:
    """Copy the SQLite file at `source` into the PostgreSQL database at `url` (both migrated first)."""
    check_destination(url)
    lite = await open_database(source)  # migrates the source to this threadbot's versions
    try:
        pg = await connect_pool(url, size=1)
        try:
            await migrate_pg(pg)
            await _check_versions(lite, pg)
            note = f"an import into {source.name} is running; the copy waits for it to finish"
            async with import_lock(lite.path, note):
                await discard_staged(lite)
                return await _copy(lite, pg, progress, batch)
        finally:
            await pg.close()
    finally:
        await lite.close()


async def _check_versions(lite: Database, pg: PostgresDatabase) -> None:
    mine = {int(r[0]) for r in await lite.fetchall("SELECT version FROM schema_migrations")}
    theirs = {int(r[0]) for r in await pg.fetchall("SELECT version FROM schema_migrations")}
    if mine != theirs:
        raise CopyError(
            f"{lite.path} and {pg.path} have different schema migrations after migrating "
            f"(only in the source: {sorted(mine - theirs)}, only in the destination: {sorted(theirs - mine)}); "
            "run the same threadbot version on both."
        )


async def _copy(lite: Database, pg: PostgresDatabase, progress: Progress | None, batch: int) -> CopyResult:
    await lite.conn.execute("BEGIN")  # one read snapshot of every table
    try:
        source_tables = {
            str(r[0]): {str(c[1]) for c in await lite.fetchall(f'PRAGMA table_info("{r[0]}")')}
            for r in await lite.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        async with pg.transaction() as conn:
            plans = await _plans(conn)
            skipped = sorted(name for name in source_tables if _sqlite_only(name))
            missing = [p.name for p in plans if p.name not in source_tables]
            if missing:
                raise CopyError(
                    f"{lite.path} lacks the tables {missing} after migrating; is it a threadbot database?"
                )
            counts = {p.name: await _count_sqlite(lite, p.name) for p in plans}
            total = sum(counts.values())
            done = 0
            results: list[TableResult] = []
            for plan in plans:
                result = TableResult(plan.name, counts[plan.name])
                rows = _source_rows(lite, plan, source_tables[plan.name], batch)
                async for copied in _stage(conn, plan, rows):
                    done += copied
                    if progress:
                        progress(done, total)
                await _merge(conn, plan, result)
                results.append(result)
            await _reset_sequences(conn, plans)
    finally:
        await lite.conn.execute("COMMIT")
    if progress:
        progress(total, total)
    return CopyResult(tables=results, skipped=skipped)


def _sqlite_only(name: str) -> bool:
    return name in SQLITE_ONLY or name.startswith("comments_fts_") or name.startswith("sqlite_")


async def _plans(conn: PostgresConnection) -> list[TablePlan]:
    """Every destination table, parents before children (so each row's references are already there)."""
    raw = conn.raw
    names = [str(r[0]) for r in await (await raw.execute(TABLES_SQL)).fetchall() if r[0] not in NOT_COPIED]
    parents: dict[str, set[str]] = {name: set() for name in names}
    for child, parent in await (await raw.execute(REFERENCES_SQL)).fetchall():
        if child in parents and parent != child:
            parents[child].add(str(parent))
    plans: list[TablePlan] = []
    for name in _parents_first(parents):
        columns = await (await raw.execute(COLUMNS_SQL, (name,))).fetchall()
        key = [str(r[0]) for r in await (await raw.execute(KEY_SQL, (name,))).fetchall()]
        if not key:
            raise CopyError(f"table {name} has no primary key, so a re-run could copy its rows twice.")
        plans.append(
            TablePlan(
                name=name,
                columns=[str(c[0]) for c in columns if not c[2]],
                key=key,
                identity=[str(c[0]) for c in columns if c[1]],
                always={str(c[0]) for c in columns if c[1] == "a"},
            )
        )
    return plans


def _parents_first(parents: dict[str, set[str]]) -> list[str]:
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(parents):
        ready = sorted(n for n, ps in parents.items() if n not in placed and ps <= placed)
        if not ready:
            raise CopyError(f"the tables {sorted(set(parents) - placed)} refer to each other in a cycle.")
        ordered += ready
        placed |= set(ready)
    return ordered


async def _count_sqlite(lite: Database, table: str) -> int:
    row = await lite.fetchone(f'SELECT count(*) FROM "{table}"')
    return int(row[0]) if row else 0


async def _source_rows(
    lite: Database, plan: TablePlan, source_columns: set[str], batch: int
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The table's rows in the destination's column order, a batch at a time. `rowid` is SQLite's implicit
    one where the destination keeps it as a column (insertion order)."""
    for column in plan.columns:
        if column not in source_columns and column != "rowid":
            raise CopyError(
                f"the source's table {plan.name} has no column {column}; is it a threadbot database?"
            )
    select = ", ".join(f'"{c}"' for c in plan.columns)
    order = ", ".join(f'"{c}"' for c in plan.key)
    async with lite.conn.execute(f'SELECT {select} FROM "{plan.name}" ORDER BY {order}') as cursor:
        while rows := await cursor.fetchmany(batch):
            yield [tuple(row) for row in rows]


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _staging_name(table: str) -> sql.Identifier:
    return sql.Identifier(f"threadbot_copy_{table}")


async def _stage(
    conn: PostgresConnection, plan: TablePlan, rows: AsyncIterator[list[tuple[Any, ...]]]
) -> AsyncIterator[int]:
    """COPY the source rows into a temporary table shaped like the destination; yields rows staged per batch."""
    raw = conn.raw
    staging = _staging_name(plan.name)
    await raw.execute(
        sql.SQL("CREATE TEMPORARY TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP").format(
            staging, _ident(plan.name)
        )
    )
    columns = sql.SQL(", ").join(map(_ident, plan.columns))
    async with raw.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, columns)) as copy:
        async for chunk in rows:
            for row in chunk:
                await copy.write_row(_clean(row))
            yield len(chunk)


def _clean(row: Sequence[Any]) -> list[Any]:
    """SQLite hands back `bytes` for BLOBs, as PostgreSQL's bytea wants; `memoryview`s become bytes too."""
    return [bytes(v) if isinstance(v, memoryview) else v for v in row]


async def _merge(conn: PostgresConnection, plan: TablePlan, result: TableResult) -> None:
    """Refuse rows in the destination the source lacks; insert the new rows; update the changed ones."""
    raw = conn.raw
    staging = _staging_name(plan.name)
    table = _ident(plan.name)
    match = sql.SQL(" AND ").join(sql.SQL("s.{k} = t.{k}").format(k=_ident(k)) for k in plan.key)
    extra = await (
        await raw.execute(
            sql.SQL("SELECT count(*) FROM {} t WHERE NOT EXISTS (SELECT 1 FROM {} s WHERE {})").format(
                table, staging, match
            )
        )
    ).fetchone()
    if extra and int(extra[0]):
        raise CopyError(
            f"the destination already holds {int(extra[0]):,} rows in {plan.name} that the source does not have "
            "(a bot has run on it, or it holds another database's copy). Copy into an empty database "
            "(dropdb, then createdb) or point --to at a new one; nothing was copied."
        )
    columns = sql.SQL(", ").join(map(_ident, plan.columns))
    updatable = [c for c in plan.columns if c not in plan.key and c not in plan.always]
    on_conflict: sql.Composable = sql.SQL("DO NOTHING")
    if updatable:
        assignments = sql.SQL(", ").join(sql.SQL("{c} = excluded.{c}").format(c=_ident(c)) for c in updatable)
        old = sql.SQL(", ").join(sql.SQL("{}.{}").format(table, _ident(c)) for c in updatable)
        new = sql.SQL(", ").join(sql.SQL("excluded.{}").format(_ident(c)) for c in updatable)
        on_conflict = sql.SQL("DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({})").format(
            assignments, sql.SQL("ROW({})").format(old), sql.SQL("ROW({})").format(new)
        )
    before = await (await raw.execute(sql.SQL("SELECT count(*) FROM {}").format(table))).fetchone()
    cursor = await raw.execute(
        sql.SQL(
            "INSERT INTO {table} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {staging} "
            "ON CONFLICT ({key}) {on_conflict}"
        ).format(
            table=table,
            columns=columns,
            staging=staging,
            key=sql.SQL(", ").join(map(_ident, plan.key)),
            on_conflict=on_conflict,
        )
    )
    after = await (await raw.execute(sql.SQL("SELECT count(*) FROM {}").format(table))).fetchone()
    result.added = int(after[0]) - int(before[0]) if after and before else 0
    result.updated = max(cursor.rowcount, 0) - result.added
    if int(after[0] if after else 0) != result.source_rows:
        raise CopyError(
            f"{plan.name} has {int(after[0] if after else 0):,} rows after the copy, the source {result.source_rows:,}; "
            "nothing was copied."
        )


async def _reset_sequences(conn: PostgresConnection, plans: Sequence[TablePlan]) -> None:
    """Move every identity sequence past the largest copied id, so the next row PostgreSQL numbers is new."""
    for plan in plans:
        for column in plan.identity:
            await conn.raw.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({c}), 0) + 1, false) FROM {t}"
                ).format(c=_ident(column), t=_ident(plan.name)),
                (plan.name, column),
            )
