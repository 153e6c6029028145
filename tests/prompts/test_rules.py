"""Reading schedules as people write them, and the errors that say how to fix them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UsageError
from bot.prompts.rules import parse_days, parse_rule, parse_time


def test_time_days_and_zone_become_a_local_cron_line() -> None:
    """`09:00 mon,wed,fri Europe/Berlin` is minute 0, hour 9, cron weekdays 1,3,5, in Berlin."""
    rule = parse_rule(["09:00", "mon,wed,fri", "Europe/Berlin"], "UTC")
    assert (rule.cron, rule.timezone, rule.description) == (
        "0 9 * * 1,3,5",
        "Europe/Berlin",
        "09:00 mon,wed,fri",
    )


@pytest.mark.parametrize(
    ("words", "cron", "zone"),
    [
        (["9am"], "0 9 * * *", "UTC"),
        (["6:30pm", "weekdays", "america/new_york"], "30 18 * * 1,2,3,4,5", "America/New_York"),
        (["12am", "sun"], "0 0 * * 0", "UTC"),
        (["07:05", "every", "day"], "5 7 * * *", "UTC"),
        (["08:00", "mon-fri", "UTC"], "0 8 * * 1,2,3,4,5", "UTC"),
        (["08:00", "fri-mon"], "0 8 * * 0,1,5,6", "UTC"),
        (["08:00", "Monday", "Wednesday"], "0 8 * * 1,3", "UTC"),
        (["cron", "30", "8", "*", "*", "1-5", "Asia/Tokyo"], "30 8 * * 1-5", "Asia/Tokyo"),
        (["0", "9", "1", "*", "*"], "0 9 1 * *", "UTC"),
        (["@weekly"], "0 0 * * 0", "UTC"),
        (["`cron", "0", "9", "*", "*", "*`"], "0 9 * * *", "UTC"),
    ],
)
def test_forms_that_work(words: list[str], cron: str, zone: str) -> None:
    """Twelve-hour times, ranges that wrap, full day names, cron lines and macros all parse."""
    rule = parse_rule(words, "UTC")
    assert (rule.cron, rule.timezone) == (cron, zone)


def test_default_zone_comes_from_settings() -> None:
    """With no zone named, the configured default zone is used."""
    assert parse_rule(["09:00"], "Europe/Paris").timezone == "Europe/Paris"


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["25:00"], "`25:00` is not a time"),
        (["9:60"], "`9:60` is not a time"),
        (["13pm"], "the hour is 1 to 12"),
        (["9"], "say the minutes too"),
        (["09:00", "mnday"], "Did you mean `monday`?"),
        (["09:00", "mon", "Europe/Berln"], "Did you mean `Europe/Berlin`"),
        (["09:00", "Berlin"], "Did you mean `Europe/Berlin`"),
        (["cron", "0", "9-17", "*", "*", "*"], "more than once a day"),
        (["cron", "*/5", "9", "*", "*", "*"], "more than once a day"),
        (["cron", "0", "25", "*", "*", "*"], "not a cron line"),
        (["cron", "0", "9", "30", "2", "*"], "never fires"),
        (["cron", "0", "9"], "missing fields"),
        (["cron", "0", "9", "*", "*", "*", "UTC", "extra"], "at most a time zone"),
        ([], "When should the prompt post?"),
    ],
)
def test_errors_say_what_is_wrong_and_how_to_fix_it(words: list[str], message: str) -> None:
    """Each bad schedule names the wrong word and carries a hint with a working form."""
    with pytest.raises(UsageError) as caught:
        parse_rule(words, "UTC")
    assert message in caught.value.message
    assert caught.value.hint


def test_the_time_error_reads_like_the_issue_asks() -> None:
    """`25:00` gets "is not a time" and "use HH:MM like 09:00"."""
    with pytest.raises(UsageError) as caught:
        parse_time("25:00")
    assert caught.value.message.startswith("`25:00` is not a time")
    assert "HH:MM like 09:00" in (caught.value.hint or "")


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_clock_time_round_trips(hour: int, minute: int) -> None:
    """Every HH:MM of the day parses to itself, with or without a leading zero."""
    assert parse_time(f"{hour:02d}:{minute:02d}") == (hour, minute)
    assert parse_time(f"{hour}:{minute:02d}") == (hour, minute)


@given(st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1))
def test_day_lists_in_any_order(days: set[str]) -> None:
    """A comma list gives exactly its days (0 = Monday), whatever the order."""
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert parse_days([",".join(sorted(days))]) == frozenset(names.index(d) for d in days)
