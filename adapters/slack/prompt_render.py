"""A discussion prompt (bot/prompts) as Block Kit: the question, a disagreement's counts, one cited quote per
side (a disagreement's claim sentence first), the archive.

The question comes first, after the one user group the prompt notifies (`<!subteam^S...>`, resolved by the
caller) or, if that group is unknown, its name as plain text. Each side is a section with its label, the quote
verbatim (escaped, so nothing in it pings) and who said it with a link; a context names the archive.
"""

from __future__ import annotations

from adapters.slack.escape import clip_escaped, escape
from adapters.slack.kit import (
    DIVIDER,
    MAX_FALLBACK_CHARS,
    Block,
    cited_sections,
    context,
    section,
)
from adapters.slack.mentions import group_mention
from adapters.text import one_line
from bot.models import PromptReply

QUESTION_MARK = ":speech_balloon:"
FALLBACK_QUOTE_CHARS = 280


def notify_markup(reply: PromptReply, group_id: str | None) -> str:
    """`<!subteam^S1>` for a resolved group, `@name` as inert text for an unresolved one, else nothing."""
    if not reply.notify_role:
        return ""
    if group_id is not None:
        return group_mention(group_id)
    return escape(f"@{reply.notify_role.lstrip('@')}")


def render_prompt(reply: PromptReply, group_id: str | None = None) -> list[Block]:
    notify = notify_markup(reply, group_id)
    question = f"{QUESTION_MARK} *{escape(reply.question)}*"
    blocks: list[Block] = [section(f"{notify} {question}" if notify else question)]
    if reply.suggested_by:
        blocks.append(context(f"Suggested by {escape(reply.suggested_by)}"))
    if reply.tally is not None:
        blocks.append(context(escape(reply.tally.line())))
    for side in reply.sides:
        blocks.append(DIVIDER)
        blocks.extend(cited_sections(side.quote, lead=f"*{escape(side.label)}*\n"))
    archives = list(dict.fromkeys(side.quote.archive for side in reply.sides))
    footer = [f"archive `{escape(name)}`" for name in archives]
    if reply.note:
        footer.append(escape(reply.note))
    if footer:
        blocks.append(context(" \u00b7 ".join(footer)))
    return blocks


def fallback_prompt(reply: PromptReply, group_id: str | None = None) -> str:
    """The notification text: the group (if any), the question, and each side's quote cut short, with author."""
    notify = notify_markup(reply, group_id)
    lines = [f"{notify} {escape(reply.question)}" if notify else escape(reply.question)]
    if reply.tally is not None:
        lines.append(escape(reply.tally.line()))
    for side in reply.sides:
        words = clip_escaped(escape(one_line(side.quote.text)), FALLBACK_QUOTE_CHARS)
        author = escape(side.quote.author or "anonymous")
        lines.append(f"{escape(side.label)}: \u201c{words}\u201d \u2014 {author}")
    return clip_escaped("\n".join(lines), MAX_FALLBACK_CHARS)
