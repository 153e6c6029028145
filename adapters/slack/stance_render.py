"""`stance` and `counter` replies as Block Kit: the claim, the counts as a text bar chart, the cited quotes.

A stance reply shows the claim, the archive's counts (a bar per label in a code block), how sure the engine is,
the members' own tally when anyone voted, the clearest quote on each side with its author and link, the notes,
and its buttons (see `buttons`). With `--all` every counted comment follows as a bulleted line; the caller
splits a long list over several messages. Everything taken from the archive or the user is escaped.
"""

from __future__ import annotations

from adapters.plain_render import NO_COUNTER
from adapters.slack.buttons import actions_blocks
from adapters.slack.escape import clip_escaped, escape
from adapters.slack.kit import (
    DIVIDER,
    MAX_FALLBACK_CHARS,
    Block,
    cited_sections,
    context,
    header,
    section,
    split_line,
)
from adapters.slack.limits import MAX_SECTION_CHARS
from adapters.text import chart, group_lines, one_line
from bot.models import CounterReply, MemberVotes, StanceItem, StanceReply

ITEM_TEXT_CHARS = 280
"""Each `--all` line shows this much of its comment: the list is for scanning, the ids lead to the rest."""
FALLBACK_CLAIM_CHARS = 200


def claim_sections(lead: str, claim: str) -> list[Block]:
    """`lead` and the claim in quotes, over as many sections as a very long claim needs."""
    pieces = split_line(escape(one_line(claim)), MAX_SECTION_CHARS - len(lead) - 4)
    pieces[0] = f"{lead} \u201c{pieces[0]}"
    pieces[-1] += "\u201d"
    return [section(piece) for piece in pieces]


def counts_section(reply: StanceReply) -> Block:
    """Agree, disagree and neutral as shares of the on-topic comments; the unrelated ones are counted apart."""
    counts = reply.counts
    rows = [("agree", counts.agree), ("disagree", counts.disagree), ("neutral", counts.neutral)]
    on_topic = counts.agree + counts.disagree + counts.neutral
    title = (
        f"*In the archive*{archive_suffix(reply.archive)}: {on_topic} on-topic comments "
        f"({counts.unrelated} unrelated, not counted)"
    )
    return section(f"{title}\n{chart(rows)}")


def archive_suffix(archive: str | None) -> str:
    return f" `{escape(archive)}`" if archive else ""


def members_section(members: MemberVotes) -> Block:
    rows = [(vote.value, count) for vote, count in members.counts()]
    people = "member" if members.total == 1 else "members"
    return section(f"*Members' votes*: {members.total} {people}\n{chart(rows)}")


def confidence_text(reply: StanceReply) -> str | None:
    if reply.confidence is None:
        return None
    sure = f"Confidence {reply.confidence:.0%}"
    return sure + (" (rough: word-based, no model installed)" if reply.rough and not reply.note else "")


def item_line(item: StanceItem) -> str:
    words = clip_escaped(escape(one_line(item.text)), ITEM_TEXT_CHARS)
    return f"\u2022 `{item.label}` {item.score:.2f} \u00b7 #{item.comment_id} \u201c{words}\u201d"


def item_sections(items: list[StanceItem]) -> list[Block]:
    """Every counted comment on its own line, packed into sections of at most 3,000 characters."""
    lines = [item_line(item) for item in items]
    return [section("\n".join(group)) for group in group_lines(lines, MAX_SECTION_CHARS)]


def footer(reply: StanceReply) -> list[Block]:
    parts = [escape(text) for text in (confidence_text(reply), reply.note) if text]
    if reply.fixed_ids:
        count = len(reply.fixed_ids)
        parts.append(f"{count} label{'s' if count != 1 else ''} set by a moderator")
    return [context(" \u00b7 ".join(parts))] if parts else []


def render_stance(reply: StanceReply) -> list[Block]:
    blocks: list[Block] = [header("Where the thread stands"), *claim_sections("*Claim:*", reply.claim)]
    blocks.append(counts_section(reply))
    if reply.members is not None and reply.members.total:
        blocks.append(members_section(reply.members))
    for lead, quote in (("*Agrees*", reply.agree), ("*Disagrees*", reply.disagree)):
        if quote is not None:
            blocks.append(DIVIDER)
            blocks.extend(cited_sections(quote, lead=f"{lead}\n"))
    blocks += footer(reply)
    blocks += actions_blocks(f"stance-{reply.claim_id}", reply.actions)
    if reply.items:
        blocks.append(context(f"Every counted comment ({len(reply.items)}): label, score, id"))
        blocks += item_sections(reply.items)
    return blocks


def fallback_stance(reply: StanceReply) -> str:
    """The notification: the claim (cut short) and the counts, in words (escaped by the caller)."""
    counts = reply.counts
    claim = clip_escaped(one_line(reply.claim), FALLBACK_CLAIM_CHARS)
    text = (
        f"Stance toward \u201c{claim}\u201d: {counts.agree} agree, {counts.disagree} disagree, "
        f"{counts.neutral} neutral, {counts.unrelated} unrelated"
    )
    if reply.members is not None and reply.members.total:
        members = reply.members
        text += "; members: " + ", ".join(f"{count} {vote}" for vote, count in members.counts())
    return text + (" (rough)" if reply.rough else "")


def render_counter(reply: CounterReply) -> list[Block]:
    blocks = claim_sections("*Against*", reply.claim)
    if reply.quote is None:
        blocks.append(section(escape(reply.note or NO_COUNTER)))
    else:
        blocks.extend(cited_sections(reply.quote))
        notes = [f"archive `{escape(reply.quote.archive)}`"]
        if reply.note:
            notes.append(escape(reply.note))
        blocks.append(context(" \u00b7 ".join(notes)))
    return blocks + actions_blocks(f"counter-{reply.claim_id}", reply.actions)


def fallback_counter(reply: CounterReply) -> str:
    """The notification: the counter quote and its author, or the note (escaped by the caller)."""
    if reply.quote is None:
        return reply.note or NO_COUNTER
    words = clip_escaped(one_line(reply.quote.text), MAX_FALLBACK_CHARS - 200)
    return f"\u201c{words}\u201d \u2014 {clip_escaped(reply.quote.author or 'anonymous', 100)}"
