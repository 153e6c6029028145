"""Reading a schedule as people write it: `09:00 mon,wed,fri Europe/Berlin`, `9am weekdays`, or a cron line.

Every form becomes one `Rule`: a five-field cron expression on the local wall clock (minute and hour fixed, so
it fires at most once a day) plus an IANA time zone. Errors say what was wrong and show a form that works.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

from bot.errors import UsageError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    "monday": 0, "mon": 0, "mo": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "tu": 1,
    "wednesday": 2, "wed": 2, "we": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "th": 3,
    "friday": 4, "fri": 4, "fr": 4,
    "saturday": 5, "sat": 5, "sa": 5,
    "sunday": 6, "sun": 6, "su": 6,
}  # fmt: skip
_DAY_SETS = {
    "daily": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_FILLER = frozenset({"every", "day", "days", "on", "at", "and", "in"})
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?]+$")
_CRON_CLOCK_FIELD = re.compile(r"^[\d*/,\-]+$")
_CRON_MACROS = {
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
TIME_HINT = "Use HH:MM like 09:00 (or 9am, 6:30pm)."
ZONE_HINT = "Use an IANA time zone name like Europe/Berlin, America/New_York or UTC."
CRON_HINT = (
    "A cron line has five fields, minute hour day month weekday, like `cron 0 9 * * 1-5 Europe/Berlin`."
)
USAGE = "Usage: `prompt schedule 09:00 mon,wed,fri Europe/Berlin` or `prompt schedule cron 0 9 * * 1-5 UTC`."


@dataclass(frozen=True, slots=True)
class Rule:
    """When a schedule fires: `cron` on the wall clock of `timezone`. `description` is for people."""

    cron: str
    timezone: str
    description: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_rule(words: list[str], default_zone: str) -> Rule:
    """A rule from the words after `prompt schedule`, or a UsageError that says how to fix them."""
    words = [w.strip("`\"'") for w in words if w.strip("`\"'")]
    if not words:
        raise UsageError("When should the prompt post?", hint=USAGE)
    if words[0].lower() == "cron":
        return _cron_rule(words[1:], default_zone)
    if words[0].lower() in _CRON_MACROS or (len(words) >= 5 and _looks_like_cron(words[:5])):
        return _cron_rule(words, default_zone)
    hour, minute = parse_time(words[0])
    rest = words[1:]
    zone = default_zone
    if rest and _is_zone_word(rest[-1]):
        zone = rest.pop()
    days = parse_days(rest)
    zone_name = parse_zone(zone)
    cron = f"{minute} {hour} * * {_cron_days(days)}"
    return Rule(cron=cron, timezone=zone_name, description=f"{hour:02d}:{minute:02d} {describe_days(days)}")


def parse_time(word: str) -> tuple[int, int]:
    """`09:00`, `9:00`, `9am`, `6:30pm` as (hour, minute); anything else is a UsageError."""
    found = _TIME.match(word.strip())
    if found is None:
        raise UsageError(f"`{word[:20]}` is not a time.", hint=TIME_HINT)
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    meridiem = (found.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise UsageError(f"`{word[:20]}` is not a time: with am/pm the hour is 1 to 12.", hint=TIME_HINT)
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif found.group(2) is None:
        raise UsageError(f"`{word[:20]}` is not a time: say the minutes too.", hint=TIME_HINT)
    if hour > 23 or minute > 59:
        raise UsageError(f"`{word[:20]}` is not a time.", hint=TIME_HINT)
    return hour, minute


def parse_days(words: list[str]) -> frozenset[int]:
    """Weekdays (0 = Monday) from `mon,wed,fri`, `mon-fri`, `weekdays`, `daily` ...; none given means daily."""
    days: set[int] = set()
    for word in words:
        for part in re.split(r"[,\s]+", word.lower()):
            if not part or part in _FILLER:
                continue
            days |= _day_part(part)
    return frozenset(days) if days else _DAY_SETS["daily"]


def _day_part(part: str) -> frozenset[int]:
    if part in _DAY_SETS:
        return _DAY_SETS[part]
    if part in _DAY_ALIASES:
        return frozenset({_DAY_ALIASES[part]})
    if "-" in part:
        first, _, last = part.partition("-")
        if first in _DAY_ALIASES and last in _DAY_ALIASES:
            start, end = _DAY_ALIASES[first], _DAY_ALIASES[last]
            span = (end - start) % 7
            return frozenset((start + step) % 7 for step in range(span + 1))
    close = difflib.get_close_matches(part, [*_DAY_ALIASES, *_DAY_SETS], n=1)
    suggestion = f" Did you mean `{close[0]}`?" if close else ""
    raise UsageError(
        f"`{part[:20]}` is not a day.{suggestion}",
        hint="Days are mon, tue, wed, thu, fri, sat, sun, ranges like mon-fri, or daily, weekdays, weekends.",
    )


def describe_days(days: frozenset[int]) -> str:
    if days == _DAY_SETS["daily"]:
        return "daily"
    if days == _DAY_SETS["weekdays"]:
        return "weekdays"
    if days == _DAY_SETS["weekends"]:
        return "weekends"
    return ",".join(DAY_NAMES[d] for d in sorted(days))


def _cron_days(days: frozenset[int]) -> str:
    if days == _DAY_SETS["daily"]:
        return "*"
    return ",".join(str(d) for d in sorted((d + 1) % 7 for d in days))  # cron: 0 = Sunday


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def _is_zone_word(word: str) -> bool:
    """Whether the last word names a time zone rather than days (a typo of a day stays a day error)."""
    lowered = word.lower()
    if "/" in word or lowered in _zones():
        return True
    if any(
        part in _DAY_ALIASES or part in _DAY_SETS or part in _FILLER for part in re.split(r"[,\-]", lowered)
    ):
        return False
    return not difflib.get_close_matches(lowered, [*_DAY_ALIASES, *_DAY_SETS], n=1)


def parse_zone(word: str) -> str:
    """The canonical IANA name for `word` (any case), or a UsageError with the closest names."""
    name = _zones().get(word.lower())
    if name is not None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            name = None
    if name is None:
        city = [zone for zone in sorted(_zones().values()) if zone.lower().endswith("/" + word.lower())]
        close = city[:2] or difflib.get_close_matches(word, sorted(_zones().values()), n=2, cutoff=0.6)
        suggestion = " Did you mean " + " or ".join(f"`{c}`" for c in close) + "?" if close else ""
        raise UsageError(f"`{word[:40]}` is not a time zone I know.{suggestion}", hint=ZONE_HINT)
    return name


def _looks_like_cron(fields: list[str]) -> bool:
    clock = all(_CRON_CLOCK_FIELD.match(field) for field in fields[:2])
    return clock and all(_CRON_FIELD.match(field) for field in fields[2:])


def _cron_rule(words: list[str], default_zone: str) -> Rule:
    if words and words[0].lower() in _CRON_MACROS:
        fields, rest = _CRON_MACROS[words[0].lower()].split(), words[1:]
    else:
        fields, rest = words[:5], words[5:]
    if len(fields) < 5:
        raise UsageError("That cron line is missing fields.", hint=CRON_HINT)
    if len(rest) > 1:
        raise UsageError(
            f"After the five cron fields I expected at most a time zone, not `{' '.join(rest)[:40]}`.",
            hint=CRON_HINT,
        )
    expression = " ".join(fields)
    try:
        croniter(expression, datetime(2000, 1, 1)).get_next(datetime)
    except CroniterBadCronError as error:
        raise UsageError(
            f"`{expression}` is not a cron line I can read ({error}).", hint=CRON_HINT
        ) from error
    except CroniterBadDateError as error:
        raise UsageError(f"`{expression}` never fires.", hint=CRON_HINT) from error
    if not (fields[0].isdigit() and fields[1].isdigit()):
        raise UsageError(
            f"`{expression}` can fire more than once a day; a prompt posts at most once a day.",
            hint="Give one minute and one hour, like `cron 0 9 * * 1-5`.",
        )
    zone_name = parse_zone(rest[0] if rest else default_zone)
    return Rule(cron=expression, timezone=zone_name, description=f"cron {expression}")
