"""A whole number from the user (`prompt approve 3`, `session recap 2`, `reading remove 4`): ASCII digits
within a range, or a UsageError with the command's hint.

`str.isdigit()` alone accepts `①` and `²`, which `int()` then refuses, and a number beyond SQLite's integers
cannot be looked up; both would otherwise end as an internal error.
"""

from __future__ import annotations

from bot.errors import UsageError
from storage.sql import LARGEST_INTEGER


def whole_number(text: str, *, what: str, hint: str, low: int = 0, high: int = LARGEST_INTEGER) -> int:
    """`text` as a number from `low` to `high`, else a UsageError naming `text` and `what` it should be."""
    if not (text.isascii() and text.isdigit()):
        raise UsageError(f"`{text[:20]}` is not {what}.", hint=hint)
    if len(text.lstrip("0")) > len(str(high)) or int(text) > high:  # int() refuses over 4,300 digits
        raise UsageError(f"`{text[:20]}` is too large for {what}.", hint=hint)
    if int(text) < low:
        raise UsageError(f"`{text[:20]}` is not {what}.", hint=hint)
    return int(text)
