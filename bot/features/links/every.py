"""How often `archive follow --every` re-imports: `30m`, `2h`, `1h30m`, `1d` or a number of minutes."""

from __future__ import annotations

import re

from bot.errors import UsageError

DEFAULT_SECONDS = 30 * 60
MAX_SECONDS = 7 * 24 * 3600
_PART = re.compile(r"(\d+)\s*(d|h|m|min|mins|minutes?|hours?|days?)", re.IGNORECASE)
_UNIT = {"d": 86400, "h": 3600, "m": 60}
USAGE = "Give `--every` as minutes or hours, e.g. `--every 30m`, `--every 2h`, `--every 1h30m` or `--every 1d`."


def parse_every(text: str | bool | None, min_minutes: int) -> int:
    """Seconds between re-imports; UsageError for what is not a duration, or too short or too long."""
    seconds = DEFAULT_SECONDS if text is None or isinstance(text, bool) else _seconds(text.strip())
    if seconds < min_minutes * 60:
        raise UsageError(
            f"`--every {label(seconds)}` is too often: threads are re-imported at most every {min_minutes} "
            "minutes, to stay polite to the sites.",
            hint=USAGE,
        )
    if seconds > MAX_SECONDS:
        raise UsageError("`--every` can be at most 7 days.", hint=USAGE)
    return seconds


def _seconds(text: str) -> int:
    if text.isdigit():
        return int(text) * 60
    compact = text.replace(" ", "")
    parts = _PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts).lower() != compact.lower():
        raise UsageError(f"`{text[:20]}` is not a duration.", hint=USAGE)
    return sum(int(number) * _UNIT[unit[0].lower()] for number, unit in parts)


def label(seconds: int) -> str:
    """`30 min`, `2 h`, `1 h 30 min`, `1 d`."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    words = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return " ".join(words) or f"{seconds} s"
