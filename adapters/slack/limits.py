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
