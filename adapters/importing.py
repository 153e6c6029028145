"""`threadbot import`: parse every file first, then write them as one import (staged in short chunks, published
at once: storage/staging.py).

Parsing happens in a worker thread; a bad file stops the import before anything is written.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from storage.importers.detect import parse_file
from storage.importers.records import CommentRecord, ParsedThread
from storage.interface import ImportResult, Store
from storage.naming import archive_name_from, check_archive_name


@dataclass(slots=True)
class ImportReport:
    result: ImportResult
    parsed: list[tuple[Path, ParsedThread]] = field(default_factory=list)

    def skipped(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for _, thread in self.parsed:
            for reason, count in thread.skipped.items():
                totals[reason] = totals.get(reason, 0) + count
        if self.result.skipped_existing:
            totals["already in the archive"] = self.result.skipped_existing
        return totals


async def import_files(
    store: Store,
    paths: list[Path],
    *,
    space_key: str,
    archive: str | None,
    fmt: str | None,
    max_bytes: int,
    created_at: str,
    console: Console | None = None,
    raw: bool = False,
) -> ImportReport:
    """Import `paths` into one archive; `created_at` (stored text) dates it if it is new; `raw`: `--format
    text` takes JSON and XML files as text too."""
    name = check_archive_name(archive if archive is not None else archive_name_from(paths[0].stem))
    parsed: list[tuple[Path, ParsedThread]] = []
    for path in paths:
        if console:
            console.print(f"Reading {path} ...")
        thread = await asyncio.to_thread(parse_file, path, fmt, max_bytes, raw=raw)
        parsed.append((path, thread))
    records: list[CommentRecord] = [record for _, thread in parsed for record in thread.records]
    title = next((t.title for _, t in parsed if t.title), None)
    source = ", ".join(f"{p.name} ({t.format})" for p, t in parsed)
    if console is None:
        result = await store.import_records(
            space_key, name, records, created_at=created_at, title=title, source=source
        )
        return ImportReport(result=result, parsed=parsed)
    with Progress(
        TextColumn("Importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
    ) as bar:
        task = bar.add_task("import", total=len(records))

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = await store.import_records(
            space_key, name, records, created_at=created_at, title=title, source=source, progress=advance
        )
    return ImportReport(result=result, parsed=parsed)
