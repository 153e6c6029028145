"""When a rule fires across daylight-saving changes: no skipped day, no doubled day, gaps and folds handled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.prompts.rules import parse_rule
from bot.prompts.timing import local_label, next_occurrences, previous_occurrence, to_instant
from tests.prompts.support import utc

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_berlin_spring_forward_gap_posts_at_the_first_valid_instant() -> None:
    """02:30 does not exist on 2026-03-29 in Berlin: it posts at 03:00 CEST, on that same day."""
    assert to_instant(datetime(2026, 3, 29, 2, 30), BERLIN) == utc(2026, 3, 29, 1, 0)
    rule = parse_rule(["02:30", "daily", "Europe/Berlin"], "UTC")
    found = next_occurrences(rule, utc(2026, 3, 27, 12), 3)
    assert [o.local_date for o in found] == [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]
    assert [o.due for o in found] == [
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 30, 0, 30),
    ]


def test_berlin_fall_back_ambiguous_hour_posts_once_at_the_first() -> None:
    """02:30 happens twice on 2026-10-25 in Berlin: the occurrence is the first (CEST), and only one that day."""
    assert to_instant(datetime(2026, 10, 25, 2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)
    rule = parse_rule(["02:30", "daily", "Europe/Berlin"], "UTC")
    found = next_occurrences(rule, utc(2026, 10, 24, 12), 2)
    assert [(o.local_date, o.due) for o in found] == [
        (date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),
        (date(2026, 10, 26), utc(2026, 10, 26, 1, 30)),
    ]
    # At the second 02:30 (01:30 UTC) the latest occurrence owed is still the same day's first one.
    assert previous_occurrence(rule, utc(2026, 10, 25, 1, 30)) == found[0]


def test_nine_oclock_follows_the_wall_clock_across_both_changes() -> None:
    """09:00 Berlin is 08:00 UTC in winter and 07:00 UTC in summer, on consecutive days around each change."""
    rule = parse_rule(["09:00", "Europe/Berlin"], "UTC")
    spring = next_occurrences(rule, utc(2026, 3, 28), 2)
    autumn = next_occurrences(rule, utc(2026, 10, 24), 2)
    assert [o.due.hour for o in spring] == [8, 7]
    assert [o.due.hour for o in autumn] == [7, 8]


def test_new_york_changes() -> None:
    """02:15 on 2026-03-08 posts at 03:00 EDT; 01:30 on 2026-11-01 posts at the first (EDT) 01:30."""
    assert to_instant(datetime(2026, 3, 8, 2, 15), NEW_YORK) == utc(2026, 3, 8, 7, 0)
    assert to_instant(datetime(2026, 11, 1, 1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)
    rule = parse_rule(["cron", "30", "1", "*", "*", "*", "America/New_York"], "UTC")
    found = next_occurrences(rule, utc(2026, 10, 31), 3)
    assert [o.local_date.day for o in found] == [31, 1, 2]


def test_weekday_rules_skip_other_days() -> None:
    """`mon,wed,fri` never fires on the days between."""
    rule = parse_rule(["09:00", "mon,wed,fri", "Europe/Berlin"], "UTC")
    found = next_occurrences(rule, utc(2026, 3, 28), 6)
    assert [o.local_date.strftime("%a") for o in found] == ["Mon", "Wed", "Fri", "Mon", "Wed", "Fri"]


def test_label_shows_local_and_utc() -> None:
    """Previews say the local time with its zone abbreviation and the UTC time."""
    assert local_label(utc(2026, 3, 30, 7), BERLIN) == "Mon 30 Mar 2026 09:00 CEST (07:00 UTC)"


ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
    "UTC",
]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1)),
)
def test_one_occurrence_per_local_day_in_order(zone: str, hour: int, minute: int, start: datetime) -> None:
    """For any zone and time: consecutive local days, strictly increasing instants, each on or just after its
    wall time (later only inside a gap), and `previous_occurrence` agrees with `next_occurrences`."""
    rule = parse_rule([f"{hour:02d}:{minute:02d}", zone], "UTC")
    after = start.replace(tzinfo=UTC)
    found = next_occurrences(rule, after, 10)
    assert len(found) == 10
    assert found[0].due > after
    for earlier, later in pairwise(found):
        assert later.local_date - earlier.local_date == timedelta(days=1)
        assert later.due > earlier.due
    tz = ZoneInfo(zone)
    for occurrence in found:
        local = occurrence.due.astimezone(tz).replace(tzinfo=None)
        assert timedelta(0) <= local - occurrence.wall <= timedelta(hours=1)
        assert previous_occurrence(rule, occurrence.due) == occurrence
        assert previous_occurrence(rule, occurrence.due - timedelta(seconds=1)) != occurrence
