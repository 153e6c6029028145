"""Slack's documented limits, in one place, so rendering, splitting and the tests agree on the numbers."""

from __future__ import annotations

MAX_BLOCKS = 50
"""Blocks in one message."""
MAX_SECTION_CHARS = 3000
"""Characters of a section's text."""
MAX_CONTEXT_CHARS = 2000
"""Characters of a context element's text."""
MAX_HEADER_CHARS = 150
"""Characters of a header's plain text."""
MAX_VALUE_CHARS = 2000
"""Characters of a button's value."""

MAX_MESSAGES_PER_REPLY = 3
"""threadbot's own cap, not Slack's: a reply is at most this many messages, so a long answer cannot bury a
channel (three quotes of 1 MB were ten messages). A message holds 50 blocks of up to 3,000 characters, so three
list a `stance --all` of some 1,000 comments; a longer reply shows its first items and ends with how many it
left out (adapters/capping.py)."""
QUOTE_CHARS = 20_000
"""A quote longer than this is clipped with a note (`capping.clipped`) instead of filling messages: as long as
the longest comment an import stores (storage/splitting.py), about eight sections, so only a comment from
elsewhere is ever clipped and three of them still fit one message."""
