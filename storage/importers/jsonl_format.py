"""JSON Lines: one comment object per line, the shape most tools stream large exports in.

Errors name the line, since that is how a user finds the bad record in a file too big to open comfortably.
"""

from __future__ import annotations

import json

from storage.importers.common import decode_utf8, finish
from storage.importers.generic import RowMapper, Where
from storage.importers.records import ImportFormatError, ParsedThread


def parse(data: bytes, name: str) -> ParsedThread:
    """Comments of a JSON Lines file; blank lines are ignored."""
    thread = ParsedThread(format="jsonl")
    mapper = RowMapper(thread, name)
    number = 0
    # split on "\n" only: str.splitlines would also cut at U+2028, which JSON strings may hold raw
    for line_number, line in enumerate(decode_utf8(data, name).split("\n"), 1):
        if not line.strip():
            continue
        number += 1
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(
                f"{name}: broken JSON at line {line_number}, column {exc.colno}: {exc.msg}"
            ) from None
        except RecursionError:
            raise ImportFormatError(f"{name}: line {line_number} is nested too deeply to import") from None
        if not isinstance(row, dict):
            raise ImportFormatError(
                f"{name}: record {number} (line {line_number}) is a JSON {type(row).__name__}; "
                "each line must be one comment object"
            )
        mapper.add(row, Where(number, line_number))
    return finish(mapper.done(), name)
