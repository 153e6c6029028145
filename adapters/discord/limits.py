"""Discord's documented limits, in one place, so rendering, splitting and the tests agree on the numbers."""

from __future__ import annotations

MESSAGE_CHARS = 2000
"""Characters of a message's `content`."""

EMBED_TITLE_CHARS = 256
EMBED_DESCRIPTION_CHARS = 4096
EMBED_FOOTER_CHARS = 2048
EMBED_AUTHOR_CHARS = 256
EMBED_TOTAL_CHARS = 6000
"""Title, description, field names and values, footer and author of all embeds of one message together."""
EMBEDS_PER_MESSAGE = 10

COMMAND_NAME_CHARS = 32
COMMAND_DESCRIPTION_CHARS = 100
OPTIONS_PER_COMMAND = 25
TOP_LEVEL_COMMANDS = 100
STRING_OPTION_MAX = 6000
AUTOCOMPLETE_CHOICES = 25
CHOICE_CHARS = 100

INTERACTION_DEADLINE = 3.0
"""Seconds Discord waits for the first response to an interaction before it fails with 10062."""
FOLLOWUP_TOKEN_TTL = 15 * 60.0
"""Seconds an interaction token stays valid for follow-ups and edits after the interaction."""

IDENTIFY_SPACING = 5.0
"""Seconds between two IDENTIFYs of one rate-limit bucket (shard id % `max_concurrency`): Discord's rule."""
IDENTIFY_MARGIN = 0.25
"""Kept on top of the spacing: the hold starts as IDENTIFY is sent, Discord's count as it arrives."""

MAX_MESSAGES_PER_REPLY = 5
"""threadbot's own cap, not Discord's: a reply is at most this many messages. Without it three quotes of 1 MB
were 732 messages, burying the channel and the rate limit. A message holds only 6,000 characters of embeds, so
five are what a `stance --all` list of some 200 comments needs; a longer reply shows its first items and ends
with how many it left out (adapters/capping.py)."""
