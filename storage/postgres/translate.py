"""The stores' SQL is written once, in the dialect both databases share; this turns its few SQLite spellings
into PostgreSQL's, so no store keeps two copies of a query.

What changes: `?` placeholders become psycopg's `%s` (and a literal `%` is doubled), SQLite's `random()` (a
64-bit integer, used for archive revisions) becomes a random bigint, and `instr(a, b)` becomes `strpos(a, b)`.
Everything else the stores use (`ON CONFLICT`, `RETURNING`, `excluded.`, `coalesce`) is the same in both.
"""

from __future__ import annotations

import re
from functools import lru_cache

RANDOM_BIGINT = "(floor(random() * 9.0e18))::bigint"
"""Non-negative, unlike SQLite's; a revision token only has to change, and this stays inside bigint."""
_FUNCTIONS = (
    (re.compile(r"\brandom\(\)", re.IGNORECASE), RANDOM_BIGINT),
    (re.compile(r"\binstr\(", re.IGNORECASE), "strpos("),
)


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """The same statement for psycopg. Text inside quotes keeps its `?` (it is not a placeholder)."""
    out: list[str] = []
    quote: str | None = None
    for part in re.split(r"('|\"|\?|%)", sql):
        if part in ("'", '"'):
            quote = None if quote == part else (quote or part)
            out.append(part)
        elif part == "%":
            out.append("%%")
        elif part == "?" and quote is None:
            out.append("%s")
        elif quote is None:
            out.append(_functions(part))
        else:
            out.append(part)
    return "".join(out)


def _functions(text: str) -> str:
    for pattern, replacement in _FUNCTIONS:
        text = pattern.sub(replacement, text)
    return text
