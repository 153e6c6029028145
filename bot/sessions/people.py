"""Who took part in a session and who has not spoken yet, as far as the bot can know.

The bot cannot list a channel's members on every platform, so "not spoken yet" covers only people who joined
the session (raised a hand, voted, wrote) or whom a moderator named with `session expect`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.sessions.common import user_key
from storage.session_store import ParticipantRow

UNKNOWN_MEMBERS_NOTE = (
    "I only know people who joined the session (raised a hand, voted or wrote) or whom a moderator "
    "named with `session expect`; I can't see the channel's member list."
)


def spoke(person: ParticipantRow) -> bool:
    return person.messages > 0


def silent_names(people: Sequence[ParticipantRow], expected: Sequence[str]) -> list[str]:
    """Joined-but-silent participants, then expected names matching nobody who wrote (by id or name)."""
    silent = [p.display_name for p in people if not spoke(p)]
    known = {key for p in people for key in (p.user_id.casefold(), p.display_name.casefold())}
    spoken = {key for p in people if spoke(p) for key in (p.user_id.casefold(), p.display_name.casefold())}
    for name in expected:
        key = user_key(name)
        if key not in spoken and key not in known:
            silent.append(name)
    return silent


def person_line(name: str, messages: int, words: int, turns: int) -> str:
    """`ann: 4 messages, 120 words, called 1×`."""
    parts = [f"{messages} message{'s' if messages != 1 else ''}", f"{words} word{'s' if words != 1 else ''}"]
    if turns:
        parts.append(f"called {turns}\u00d7")
    return f"{name}: " + ", ".join(parts)
