"""Cut a rendered reply into messages Slack accepts: at most 50 blocks a message, a long reply (`stance --all`)
over several messages, each continuation saying so, and no more than `MAX_MESSAGES_PER_REPLY` of them.

Renderers produce one list of blocks without counting; `fit` and `pack` do all the counting. `render` keeps a
reply with many items within the cap by showing fewer of them (adapters/capping.py); what still does not fit,
`paginate` cuts, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.slack.escape import clip_escaped
from adapters.slack.kit import MAX_FALLBACK_CHARS, Block, context
from adapters.slack.limits import MAX_BLOCKS, MAX_MESSAGES_PER_REPLY


@dataclass(slots=True)
class SlackMessage:
    """What `chat.postMessage` takes: Block Kit blocks plus the `text` shown in notifications."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    ephemeral: bool = False


def fit(blocks: list[Block]) -> list[Block]:
    """At most 50 blocks; when cut, the last one says so."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    return [*blocks[: MAX_BLOCKS - 1], context("\u2026 cut to fit Slack's 50-block limit.")]


def pack(whole: SlackMessage, cap: int | None = MAX_MESSAGES_PER_REPLY) -> list[SlackMessage]:
    """The message as it is, or several when its blocks exceed Slack's 50 (each continuation says so), at most
    `cap` of them (None: as many as it takes, to count them)."""
    pages = paginate(whole.blocks, cap)
    if len(pages) == 1:
        return [whole]
    messages = [SlackMessage(text=whole.text, blocks=pages[0], ephemeral=whole.ephemeral)]
    for number, blocks in enumerate(pages[1:], start=2):
        note = f"(continued, part {number} of {len(pages)})"
        messages.append(
            SlackMessage(
                text=clip_escaped(f"{whole.text} {note}", MAX_FALLBACK_CHARS),
                blocks=blocks,
                ephemeral=whole.ephemeral,
            )
        )
    return messages


def paginate(blocks: list[Block], cap: int | None = MAX_MESSAGES_PER_REPLY) -> list[list[Block]]:
    """Blocks in pages of at most 50, every page after the first opened by a "continued" context; at most
    `cap` pages (None: no limit), the last one then saying the reply was cut."""
    if len(blocks) <= MAX_BLOCKS:
        return [blocks]
    per_page = MAX_BLOCKS - 1
    pages = [blocks[:MAX_BLOCKS]]
    rest = blocks[MAX_BLOCKS:]
    while rest and (cap is None or len(pages) < cap):
        pages.append(rest[:per_page])
        rest = rest[per_page:]
    if rest:
        pages[-1] = [
            *pages[-1][: per_page - 1],
            context(f"\u2026cut here: a reply is at most {cap} messages."),
        ]
    total = len(pages)
    return [
        pages[0],
        *([context(f"Continued, part {n} of {total}"), *page] for n, page in enumerate(pages[1:], 2)),
    ]
