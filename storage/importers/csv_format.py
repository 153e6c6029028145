"""CSV, TSV or semicolon-separated values: a header row naming the columns, then one comment per row.

Spreadsheets are the lowest-effort export a moderator can make, so the delimiter is guessed from the header
and column names follow the same aliases as generic JSON.
"""

from __future__ import annotations

import csv
import io
import itertools

from storage.importers.common import decode_utf8, finish, listed
from storage.importers.generic import TEXT_KEYS, RowMapper, Where
from storage.importers.records import ImportFormatError, ParsedThread

DELIMITERS = (",", "\t", ";", "|")


def guess_delimiter(header_line: str) -> str:
    """The delimiter that splits the header most (comma on ties): some locales write ";" for ","."""
    best = max(DELIMITERS, key=header_line.count)
    return best if header_line.count(best) else ","


def leading_rows(text: str, count: int = 2) -> list[list[str]]:
    """The first rows (header first) as this importer will read them; [] when they are not CSV at all."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(first_line))
    try:
        return [[cell.strip() for cell in row] for row in itertools.islice(reader, count)]
    except csv.Error:
        return []


def parse(data: bytes, name: str) -> ParsedThread:
    """Comments of a delimited file; blank rows are ignored, rows with extra cells are skipped and counted; a
    quote left open (which would swallow every later row into one comment) is refused naming its line."""
    text = decode_utf8(data, name)
    first_line = text.split("\n", 1)[0]
    delimiter = guess_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    thread = ParsedThread(format="csv")
    mapper = RowMapper(thread, name)
    try:
        columns = [cell.strip() for cell in next(reader, [])]
        if not any(column.casefold() in TEXT_KEYS for column in columns):
            raise ImportFormatError(
                f"{name}: no comment text found: the header (line 1) has no text column; expected one of "
                f"{', '.join(TEXT_KEYS)}; found columns: {listed(columns)}"
            )
        number, line = 0, reader.line_num + 1
        row_line = line
        for row in reader:
            row_line, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            number += 1
            if len(row) > len(columns):
                thread.skip("malformed_row")
                continue
            cells = row + [""] * (len(columns) - len(row))
            mapper.add(dict(zip(columns, cells, strict=True)), Where(number, row_line))
    except csv.Error as exc:
        raise ImportFormatError(f"{name}: broken CSV at line {reader.line_num}: {exc}") from None
    if line - row_line > 1 and _unterminated(text, row_line, delimiter):
        raise ImportFormatError(
            f"{name}: line {row_line} opens a quoted field that is never closed, so the {line - row_line - 1:,} "
            "lines after it would be read as part of one comment; close the quote, or write a quote inside a "
            'field as two ("")'
        )
    return finish(mapper.done(), name)


def _unterminated(text: str, row_line: int, delimiter: str) -> bool:
    """Whether the row starting at `row_line` (1-based), the file's last, ends inside a quoted field: the lenient
    reader then silently takes every following line into that field. Only the last row can: it runs to the end."""
    rest = "".join(io.StringIO(text, newline="").readlines()[row_line - 1 :])
    try:
        for _ in csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False
