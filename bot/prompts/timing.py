"""When a rule fires, as instants, correct across daylight-saving changes.

A rule's cron line is walked on the naive local wall clock (croniter never sees a UTC offset), and each wall
time is then placed in the zone with zoneinfo:
- a wall time that does not exist (02:30 on a spring-forward day) fires at the first valid instant after the
  gap (03:00), on the same local day, so no day is skipped;
- a wall time that exists twice (01:30 on a fall-back day) fires at the first of the two, and only then: each
  local day has one occurrence, and the store keys posts by local day, so no day is doubled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from bot.prompts.rules import Rule

_MAX_STEPS = 4000  # sparse rules (29 February) still end; a rule that never fires was refused when parsed


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One firing: the local day it belongs to, the wall time asked for, and the UTC instant it posts."""

    local_date: date
    wall: datetime  # naive, on the zone's wall clock
    due: datetime  # aware, UTC

    @property
    def day_key(self) -> str:
        return self.local_date.isoformat()


def wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock reading of an aware instant in `zone`."""
    return moment.astimezone(zone).replace(tzinfo=None)


def to_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant a wall time fires at: its first occurrence, or the end of the gap it falls in."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if wall_clock(first, zone) == wall:
        return first  # fold=0 is the earlier of two readings on a fall-back day
    # In a gap the two folds give instants on either side of the transition: the earlier one reads before
    # the wall time, the later one after it. The transition is the first second that reads at or after it.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = int(min(first, other).timestamp()), int(max(first, other).timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if wall_clock(datetime.fromtimestamp(middle, UTC), zone) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def occurrence(wall: datetime, zone: ZoneInfo) -> Occurrence:
    return Occurrence(local_date=wall.date(), wall=wall, due=to_instant(wall, zone))


def _walls(rule: Rule, start: datetime, forward: bool) -> Iterator[datetime]:
    walker = croniter(rule.cron, start)
    for _ in range(_MAX_STEPS):
        yield walker.get_next(datetime) if forward else walker.get_prev(datetime)


def next_occurrences(rule: Rule, after: datetime, count: int = 1) -> list[Occurrence]:
    """The first `count` occurrences due strictly after the instant `after`."""
    zone = rule.zone
    found: list[Occurrence] = []
    # Start a day early on the wall clock: a gap can push a wall time's instant past `after`.
    for wall in _walls(rule, wall_clock(after, zone) - timedelta(days=1), forward=True):
        current = occurrence(wall, zone)
        if current.due > after:
            found.append(current)
            if len(found) >= count:
                break
    return found


def next_occurrence(rule: Rule, after: datetime) -> Occurrence | None:
    found = next_occurrences(rule, after, 1)
    return found[0] if found else None


def previous_occurrence(rule: Rule, now: datetime) -> Occurrence | None:
    """The latest occurrence due at or before `now`: the one the scheduler may owe."""
    zone = rule.zone
    for wall in _walls(rule, wall_clock(now, zone) + timedelta(days=1), forward=False):
        current = occurrence(wall, zone)
        if current.due <= now:
            return current
    return None


def local_label(moment: datetime, zone: ZoneInfo) -> str:
    """`Mon 30 Mar 2026 09:00 CEST (07:00 UTC)`."""
    local = moment.astimezone(zone)
    utc = moment.astimezone(UTC)
    zone_name = local.tzname() or str(zone)
    if zone_name == "UTC":
        return f"{local:%a %d %b %Y %H:%M} UTC"
    return f"{local:%a %d %b %Y %H:%M} {zone_name} ({utc:%H:%M} UTC)"
