"""The operator's subcommands: `threadbot migrate` (see or apply the schema) and `threadbot copy` (move a SQLite
database into PostgreSQL). docs/deploy.md describes when to use them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.settings import Settings
from storage.schema import SchemaStatus, migrate_postgres, migrate_sqlite, postgres_status, sqlite_status
from storage.stores import database_url

REPORTING_ACTIONS = ("migrate", "copy")
"""Subcommands whose output is a report: their log lines stay at WARNING unless a level is set."""
URL_HELP = (
    "PostgreSQL database, postgresql://user:password@host:port/name (default: THREADBOT_DATABASE_URL; "
    "prefer the variable, a password on the command line is visible to other users)"
)


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    migrate = sub.add_parser(
        "migrate",
        parents=[common],
        help="list the schema migrations the database has and lacks, and apply the missing ones",
    )
    migrate.add_argument("--database-url", help=URL_HELP)
    migrate.add_argument(
        "--dry-run", action="store_true", help="only report what would be applied; write nothing"
    )
    copy = sub.add_parser(
        "copy",
        parents=[common],
        help="copy a SQLite database into PostgreSQL (ids kept; safe to run again)",
    )
    copy.add_argument(
        "--from",
        dest="source",
        metavar="sqlite:PATH",
        help="the SQLite database to copy (default: sqlite: and THREADBOT_DB or --db)",
    )
    copy.add_argument("--to", dest="destination", metavar="postgresql://...", help=URL_HELP)


async def migrate_command(args: argparse.Namespace, settings: Settings) -> int:
    url = args.database_url or database_url(settings)
    if args.dry_run:
        status = await postgres_status(url) if url else sqlite_status(Path(settings.db))
        print(_describe(status, dry_run=True))
        if status.refusal():
            print(f"threadbot: {status.refusal()}", file=sys.stderr)
            return 1
        return 0
    before = await postgres_status(url) if url else sqlite_status(Path(settings.db))
    after = await migrate_postgres(url) if url else await migrate_sqlite(Path(settings.db))
    print(_describe(after, dry_run=False, before=before))
    return 0


def _describe(status: SchemaStatus, *, dry_run: bool, before: SchemaStatus | None = None) -> str:
    kind = "PostgreSQL" if status.backend == "postgresql" else "SQLite"
    lines = [
        f"{status.where} ({kind})" + ("" if status.exists else ": no such file yet (migrate creates it)")
    ]
    added = [] if before is None else [name for name in status.applied if name not in before.applied]
    for name in status.applied:
        lines.append(f"  {'applied now' if name in added else 'applied':<12} {name}")
    for name in status.pending:
        lines.append(f"  {'pending':<12} {name}")
    for version in status.newer:
        lines.append(f"  {'unknown':<12} {version} (written by a newer threadbot)")
    total = len(status.applied) + len(status.pending)
    if dry_run:
        tail = (
            f"{len(status.pending)} of {total} migrations pending; `threadbot migrate` applies them."
            if status.pending
            else f"Up to date: all {total} migrations applied."
        )
    elif added:
        tail = f"Applied {len(added)} migration{'s' if len(added) != 1 else ''}; all {total} are in place."
    else:
        tail = f"Up to date: all {total} migrations were already applied."
    lines.append(tail)
    return "\n".join(lines)


async def copy_command(args: argparse.Namespace, settings: Settings) -> int:
    from storage.postgres.copy import CopyError, check_destination, copy_sqlite_to_postgres, parse_source

    try:
        source = parse_source(args.source or f"sqlite:{settings.db}")
        url = args.destination or database_url(settings)
        if not url:
            raise CopyError(
                "say where to copy to: --to postgresql://user:password@host:port/name "
                "(or set THREADBOT_DATABASE_URL)."
            )
        check_destination(url)
    except CopyError as error:
        print(f"threadbot: {error}", file=sys.stderr)
        return 2
    err = Console(stderr=True)
    err.print(f"Copying {source} ...")
    with Progress(
        TextColumn("Copying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err
    ) as bar:
        task = bar.add_task("copy", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = await copy_sqlite_to_postgres(source, url, progress=advance)
    for table in result.tables:
        if table.added or table.updated:
            print(
                f"  {table.name}: {table.added:,} added, {table.updated:,} updated ({table.source_rows:,} rows)"
            )
    if result.added or result.updated:
        print(
            f"Copied {result.rows:,} rows in {len(result.tables)} tables: {result.added:,} added, "
            f"{result.updated:,} updated. Ids kept; the bot can now run with THREADBOT_DATABASE_URL."
        )
    else:
        print(
            f"Nothing to copy: the destination already has all {result.rows:,} rows of the "
            f"{len(result.tables)} tables."
        )
    print("Not copied (SQLite's own): " + ", ".join(result.skipped))
    return 0
