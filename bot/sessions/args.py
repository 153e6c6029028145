"""Reading what a moderator typed: `session start <topic> [claim: ...] [minutes]`, dates, vote choices."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.errors import UsageError
from bot.models import Vote, either

MIN_MINUTES = 5
MAX_MINUTES = 480
_CLAIM = re.compile(r"\bclaim\s*:", re.IGNORECASE)
_MINUTES = re.compile(r"^(\d{1,4})(?:m|min|mins|minutes)?$", re.IGNORECASE)
_MINUTE_WORDS = frozenset({"m", "min", "mins", "minute", "minutes"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
START_USAGE = (
    "Usage: `session start <topic> [claim: <a claim to vote on>] [minutes]`, e.g. "
    "`session start Part two claim: chain of thought is just more tokens 45`"
)

CHOICES: dict[str, Vote] = {
    **{vote.value: vote for vote in Vote},
    "yes": Vote.AGREE,
    "for": Vote.AGREE,
    "+": Vote.AGREE,
    "+1": Vote.AGREE,
    "no": Vote.DISAGREE,
    "against": Vote.DISAGREE,
    "-": Vote.DISAGREE,
    "-1": Vote.DISAGREE,
    "abstain": Vote.PASS,
    "skip": Vote.PASS,
}
"""Every word a vote may be typed as, and the vote it means."""


@dataclass(frozen=True, slots=True)
class StartArgs:
    topic: str
    claim: str | None
    minutes: int | None


def parse_start(text: str, minutes_option: str | bool | None) -> StartArgs:
    """Split the topic, an optional `claim: ...` and a trailing duration ("45", "45m", "45 minutes").

    With `--minutes N` the text is taken as it is, so a claim may end in a number."""
    words = text.split()
    minutes: int | None = None
    if isinstance(minutes_option, str):
        minutes = _minutes(minutes_option)
    elif words:
        if len(words) >= 2 and words[-1].casefold() in _MINUTE_WORDS and words[-2].isdigit():
            minutes = _minutes(words[-2])
            words = words[:-2]
        elif _MINUTES.match(words[-1]) and len(words) >= 2:
            minutes = _minutes(words[-1])
            words = words[:-1]
    rest = " ".join(words)
    found = _CLAIM.search(rest)
    topic, claim = (rest[: found.start()], rest[found.end() :]) if found else (rest, None)
    topic = topic.strip(" -\u2014:")
    if not topic:
        raise UsageError("A session needs a topic.", hint=START_USAGE)
    if claim is not None:
        claim = claim.strip()
        if not claim:
            raise UsageError(
                "`claim:` is empty: write the claim after it, or leave it out.", hint=START_USAGE
            )
    return StartArgs(topic=topic[:200], claim=claim[:300] if claim else None, minutes=minutes)


def _minutes(text: str) -> int:
    found = _MINUTES.match(text.strip())
    if not found:
        raise UsageError(f"`{text[:20]}` is not a number of minutes.", hint=START_USAGE)
    value = int(found.group(1))
    if not MIN_MINUTES <= value <= MAX_MINUTES:
        raise UsageError(
            f"A session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes, not {value}.",
            hint="A topic or claim that ends in a number (`Chapter 2`)? Add the time after it "
            "(`session start Chapter 2 60`) or give it as `--minutes 60`.",
        )
    return value


def parse_choice(text: str) -> Vote:
    choice = CHOICES.get(text.strip().casefold())
    if choice is None:
        votes = either(f"`vote {vote}`" for vote in Vote)
        raise UsageError(f"`{text[:20]}` is not a vote.", hint=f"Vote with {votes}.")
    return choice


def parse_due(text: str, today: date) -> tuple[str, date]:
    """Split `<title> <date>`: the date is the last word (YYYY-MM-DD, `today`, `tomorrow` or a weekday)."""
    words = text.split()
    hint = "Usage: `reading add <title or section> <date>`, e.g. `reading add Part 2 2025-03-14` or `... fri`"
    if len(words) < 2:
        raise UsageError("A reading needs a title and a date.", hint=hint)
    word = words[-1].casefold()
    due: date | None = None
    if word == "today":
        due = today
    elif word == "tomorrow":
        due = today + timedelta(days=1)
    elif word in _WEEKDAYS or (len(word) == 3 and any(d.startswith(word) for d in _WEEKDAYS)):
        index = next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(word[:3]))
        ahead = (index - today.weekday()) % 7 or 7
        due = today + timedelta(days=ahead)
    else:
        try:
            due = date.fromisoformat(words[-1])
        except ValueError:
            raise UsageError(f"`{words[-1][:20]}` is not a date I can read.", hint=hint) from None
    if due < today:
        raise UsageError(f"{due.isoformat()} is in the past.", hint=hint)
    return " ".join(words[:-1])[:200], due
