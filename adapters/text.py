"""Text helpers every renderer shares (console, Discord, Slack): clipping to a limit with an ellipsis, text on one
line, the small bar chart of stance counts, and lines grouped under a size limit.

Pure functions over strings; each platform adds its own escaping around them (Discord markdown, Slack's `&<>`).
"""

from __future__ import annotations

from collections.abc import Callable

ELLIPSIS = "\u2026"
BAR_WIDTH = 10


def one_line(text: str) -> str:
    """The text on one line: every run of whitespace (newlines too) as a single space, none at the ends."""
    return " ".join(text.split())


def clip(text: str, limit: int, *, back_off: Callable[[str, int], int] | None = None) -> str:
    """`text` if it fits in `limit` characters, else its start and an ellipsis, `limit` characters in all.

    `back_off(text, cut)` may move the cut earlier: before the spaces it follows (`before_spaces`), or before
    markup it would split (Slack's `&amp;` entities)."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    if back_off is not None:
        cut = back_off(text, cut)
    return text[:cut] + ELLIPSIS


def before_spaces(text: str, cut: int) -> int:
    """The cut moved back before any spaces in front of it, so no space is left before the ellipsis."""
    return len(text[:cut].rstrip())


def clip_line(text: str, limit: int, *, empty: str = "-") -> str:
    """The text on one line, clipped to `limit` with no space before the ellipsis; `empty` for blank text
    (Discord rejects an empty description or field)."""
    return clip(one_line(text) or empty, limit, back_off=before_spaces)


def bar(count: int, total: int, width: int = BAR_WIDTH) -> str:
    """A small text bar: `████░░` filled in proportion to count/total."""
    filled = round(width * count / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def chart(rows: list[tuple[str, int]], width: int = BAR_WIDTH) -> str:
    """Labelled bars with counts, aligned in a code block: `agree     ██████░░░░  12` (nothing to escape)."""
    total = sum(count for _, count in rows)
    label_width = max(len(label) for label, _ in rows)
    digits = max(len(str(count)) for _, count in rows)
    lines = [f"{label:<{label_width}} {bar(count, total, width)} {count:>{digits}}" for label, count in rows]
    return "```\n" + "\n".join(lines) + "\n```"


def group_lines(lines: list[str], limit: int) -> list[list[str]]:
    """The lines in order, in groups that each fit in `limit` characters joined by newlines (a longer line is a
    group of its own); no lines, no groups."""
    groups: list[list[str]] = []
    size = 0
    for line in lines:
        if not groups or size + len(line) + 1 > limit:
            groups.append([])
            size = 0
        groups[-1].append(line)
        size += len(line) + 1
    return groups
