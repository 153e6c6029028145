"""Neutral replies as Slack Block Kit messages, with a plain-text fallback; `packing` keeps them within limits.

One render function per reply type, chosen by one `match` over the `Reply` union (`blocks_and_text`), so a
reply type added to the core without a case here fails the type check; anything that is not a reply type of
the core is shown as its fields, so nothing is lost. Every piece of user text goes through `escape`, and
every text object is `verbatim`, so nothing in a quote can ping anyone. The only pings are the ones a reply
asks for: the one user of `TextReply.mention_user_id` and the one user group a prompt notifies (resolved by
the caller, see `mentions`). A reply is at most `MAX_MESSAGES_PER_REPLY` messages (`capping.within_cap`): a
longer one shows its first items and ends with a line saying how many it left out.
"""

from __future__ import annotations

from typing import assert_never

from adapters.capping import more_line, within_cap
from adapters.plain_render import is_reply, render_plain
from adapters.slack.escape import clip_escaped, escape
from adapters.slack.kit import (
    DIVIDER,
    MAX_FALLBACK_CHARS,
    Block,
    context,
    header,
    quote_blocks,
    section,
    split_line,
)
from adapters.slack.limits import MAX_MESSAGES_PER_REPLY, MAX_SECTION_CHARS
from adapters.slack.mentions import user_mention
from adapters.slack.packing import SlackMessage, fit, pack
from adapters.slack.prompt_render import fallback_prompt, render_prompt
from adapters.slack.stance_render import fallback_counter, fallback_stance, render_counter, render_stance
from adapters.text import group_lines
from bot.models import CounterReply, ErrorReply, PromptReply, QuotesReply, Reply, StanceReply, TextReply


def render_quotes(reply: QuotesReply) -> list[Block]:
    blocks: list[Block] = []
    if reply.query:
        blocks.append(context(f"Quotes about \u201c{escape(reply.query)}\u201d"))
    for index, quote in enumerate(reply.quotes):
        if index:
            blocks.append(DIVIDER)
        blocks.extend(quote_blocks(quote))
    if reply.note:
        blocks.append(context(escape(reply.note)))
    return blocks


def _list_sections(lines: list[str]) -> list[Block]:
    """Bulleted lines, packed into as few sections as the 3,000-character limit allows."""
    bullets = [f"\u2022 {escape(line)}" for line in lines]
    return [section("\n".join(group)) for group in group_lines(bullets, MAX_SECTION_CHARS)]


def _text_sections(text: str) -> list[Block]:
    return [section(chunk) for chunk in split_line(escape(text), MAX_SECTION_CHARS)] if text else []


def render_text(reply: TextReply) -> list[Block]:
    blocks: list[Block] = [header(reply.title)] if reply.title else []
    blocks += _text_sections(reply.text)
    blocks += _list_sections(reply.lines)
    return blocks


def render_error(reply: ErrorReply) -> list[Block]:
    blocks = [section(f":warning: {escape(reply.message)}")]
    if reply.hint:
        blocks.append(context(escape(reply.hint)))
    return blocks


def fallback_quotes(reply: QuotesReply) -> str:
    """A notification shows one line or two: the first quote and who said it, without highlight marks."""
    if not reply.quotes:
        return reply.note or "No quotes."
    first = reply.quotes[0]
    more = f" (+{len(reply.quotes) - 1} more)" if len(reply.quotes) > 1 else ""
    return f"\u201c{first.text}\u201d \u2014 {first.author or 'anonymous'}{more}"


def fallback_text(plain: str) -> str:
    """The notification and screen-reader text (the plain rendering for most replies), escaped and kept short."""
    return clip_escaped(escape(plain), MAX_FALLBACK_CHARS) or "Done."


def blocks_and_text(reply: Reply, group_id: str | None) -> tuple[list[Block], str]:
    """The reply's blocks and its notification text: the one place a reply type chooses its rendering."""
    match reply:
        case QuotesReply():
            return render_quotes(reply), fallback_text(fallback_quotes(reply))
        case TextReply():
            return render_text(reply), fallback_text(render_plain(reply))
        case ErrorReply():
            return render_error(reply), fallback_text(render_plain(reply))
        case PromptReply():
            return render_prompt(reply, group_id), fallback_prompt(reply, group_id)
        case StanceReply():
            return render_stance(reply), fallback_text(fallback_stance(reply))
        case CounterReply():
            return render_counter(reply), fallback_text(fallback_counter(reply))
        case _:
            assert_never(reply)


def with_mention(blocks: list[Block], mention: str) -> list[Block]:
    """`mention` in front of the first section (a header cannot hold one), or in a section of its own."""
    position = 1 if blocks and blocks[0]["type"] == "header" else 0
    if position < len(blocks) and blocks[position]["type"] == "section":
        text = str(blocks[position]["text"]["text"])
        if len(mention) + 1 + len(text) <= MAX_SECTION_CHARS:
            return [*blocks[:position], section(f"{mention} {text}"), *blocks[position + 1 :]]
    return [*blocks[:position], section(mention), *blocks[position:]]


SPACE_KEY = "slack:TEAM_ID"
"""How the `stance --all` hint names a workspace for `threadbot ask --space` (the id is the operator's to fill)."""


def render(reply: Reply, *, asked: str | None = None, group_id: str | None = None) -> SlackMessage:
    """The reply as one message of at most 50 blocks (with fewer items if need be, then cut). `asked` ("alice
    asked: quote tokens") is shown above a slash command's answer, which Slack does not echo; `group_id` is
    the user group a prompt may notify."""
    capped = _capped(reply, 1, asked=asked, group_id=group_id)
    if capped is not None:
        return capped[0]
    message = _unfitted(reply, asked=asked, group_id=group_id)
    message.blocks = fit(message.blocks)
    return message


def render_messages(
    reply: Reply, *, asked: str | None = None, group_id: str | None = None
) -> list[SlackMessage]:
    """The reply as one message, or several when its blocks exceed Slack's 50 (each continuation says so), at
    most `MAX_MESSAGES_PER_REPLY`: a longer reply shows its first items and ends saying how many it left out."""
    capped = _capped(reply, MAX_MESSAGES_PER_REPLY, asked=asked, group_id=group_id)
    return capped if capped is not None else pack(_unfitted(reply, asked=asked, group_id=group_id))


def _capped(reply: Reply, cap: int, *, asked: str | None, group_id: str | None) -> list[SlackMessage] | None:
    """The reply in at most `cap` messages with as many of its items as fit (`capping.within_cap`), or None."""

    def draw(shown: Reply, left: int) -> list[SlackMessage]:
        more = more_line(reply, left, cap, SPACE_KEY) if left else None
        return pack(_unfitted(shown, asked=asked, group_id=group_id, more=more), cap=None)

    return within_cap(reply, draw, cap) if is_reply(reply) else None


def _unfitted(
    reply: Reply, *, asked: str | None, group_id: str | None, more: str | None = None
) -> SlackMessage:
    """The reply's blocks uncounted: the `asked` line first, `more` (what a cap left out) last."""
    if is_reply(reply):
        blocks, text = blocks_and_text(reply, group_id)
    else:  # not a reply type of the core (yet): its fields as escaped text, so nothing is lost
        blocks, text = _text_sections(str(reply)), fallback_text(str(reply))
    if not blocks:
        blocks = [section(text)]
    mention = user_mention(reply)
    if mention is not None:
        blocks = with_mention(blocks, mention)
        text = f"{mention} {text}"
    if asked:
        blocks.insert(0, context(escape(asked)))
    if more is not None:
        blocks.append(context(escape(more)))
    return SlackMessage(text=text, blocks=blocks, ephemeral=bool(getattr(reply, "ephemeral", False)))
