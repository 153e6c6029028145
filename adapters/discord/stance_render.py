"""`stance` and `counter` replies for Discord: the counts as a small monospace bar chart, the clearest quote on
each side cited like a quote, and with `--all` every counted comment, listed across as many messages as the
limits require. Chosen by `render.pieces_of`; `buttons.buttons_for` adds the buttons under them.
"""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from adapters.discord.kit import FOOTER_CHARS, TEXT_COLOUR, side_embed
from adapters.discord.limits import EMBED_TITLE_CHARS
from adapters.discord.packing import Piece
from adapters.plain_render import NO_COUNTER
from adapters.text import chart, clip_line, group_lines
from bot.models import CounterReply, MemberVotes, Quote, StanceCounts, StanceItem, StanceReply

STANCE_COLOUR = discord.Colour(0x57F287)
COUNTER_COLOUR = discord.Colour(0xED4245)
CLAIM_CHARS = 600
"""At most this much of the claim (then an ellipsis): the claim is what the user typed, shown for reference."""
NOTE_CHARS = 800
SIDE_QUOTE_CHARS = 1800
"""Each side's quote is cut here (the title links the whole comment), so a stance reply is one message."""
COUNTER_QUOTE_CHARS = 3500
ITEM_TEXT_CHARS = 90
ITEMS_EMBED_CHARS = 2900
"""Characters of listed items per embed: two such embeds fit in one message's 6,000."""
ARCHIVE_LABELS = ("agree", "disagree", "neutral", "unrelated")


def archive_chart(counts: StanceCounts) -> str:
    return chart([(label, int(getattr(counts, label))) for label in ARCHIVE_LABELS])


def members_chart(members: MemberVotes) -> str:
    return chart([(vote.value, count) for vote, count in members.counts()])


def shown_claim(claim: str, limit: int = CLAIM_CHARS) -> str:
    """The claim on one line, cut to `limit` and markdown-escaped so it shows as typed."""
    return escape_markdown(clip_line(claim, limit))


def _footer(reply: StanceReply) -> str:
    parts = []
    if reply.confidence is not None:
        parts.append(f"confidence {reply.confidence:.0%}")
    if reply.rough:
        parts.append("rough: no stance model, labels guessed from words")
    if reply.fixed_ids:
        count = len(reply.fixed_ids)
        parts.append(f"{count} label{'s' if count != 1 else ''} set by moderators")
    return " \u00b7 ".join(parts)


def stance_header(reply: StanceReply) -> discord.Embed:
    """The claim, the archive's counts beside the members' votes, and how sure the engine is."""
    description = f"**\u201c{shown_claim(reply.claim)}\u201d**"
    if reply.note:
        description += "\n\n" + escape_markdown(clip_line(reply.note, NOTE_CHARS))
    embed = discord.Embed(title="Where the thread stands", description=description, colour=STANCE_COLOUR)
    archive = f"Comments in `{reply.archive}`" if reply.archive else "Comments"
    embed.add_field(
        name=clip_line(archive, EMBED_TITLE_CHARS), value=archive_chart(reply.counts), inline=True
    )
    if reply.members is not None and reply.members.total:
        embed.add_field(name="Members' votes", value=members_chart(reply.members), inline=True)
    footer = _footer(reply)
    if footer:
        embed.set_footer(text=clip_line(footer, FOOTER_CHARS))
    return embed


def item_line(item: StanceItem, fixed: bool = False) -> str:
    """One counted comment: its label (marked when a moderator set it), its number (what `stance fix` takes)
    and score, and the start of its words."""
    text = escape_markdown(clip_line(item.text, ITEM_TEXT_CHARS))
    mark = " (fixed)" if fixed else ""
    return f"`{item.label:<9}`{mark} #{item.comment_id} \u00b7 {item.score:.2f} \u00b7 {text}"


def item_embeds(items: list[StanceItem], fixed_ids: frozenset[int] = frozenset()) -> list[discord.Embed]:
    """Every item, a line each, in embeds of at most `ITEMS_EMBED_CHARS`, numbered so a reader can follow."""
    listed = [item_line(item, item.comment_id in fixed_ids) for item in items]
    groups = group_lines(listed, ITEMS_EMBED_CHARS) or [[]]
    title = f"Every counted comment ({len(items)})"
    return [
        discord.Embed(
            title=title if len(groups) == 1 else f"{title}, part {index} of {len(groups)}",
            description="\n".join(lines),
            colour=TEXT_COLOUR,
        )
        for index, lines in enumerate(groups, start=1)
    ]


def numbered_side(label: str, quote: Quote, limit: int) -> discord.Embed:
    """A cited quote (`kit.side_embed`) whose footer also gives the comment's number, for `stance fix`."""
    embed = side_embed(label, quote, limit)
    embed.set_footer(text=clip_line(f"{embed.footer.text} \u00b7 #{quote.comment_id}", FOOTER_CHARS))
    return embed


def render_stance(reply: StanceReply) -> list[Piece]:
    pieces: list[Piece] = [stance_header(reply)]
    for label, quote in (("Agrees", reply.agree), ("Disagrees", reply.disagree)):
        if quote is not None:
            pieces.append(numbered_side(label, quote, SIDE_QUOTE_CHARS))
    if reply.items:
        pieces += item_embeds(reply.items, frozenset(reply.fixed_ids))
    return pieces


def render_counter(reply: CounterReply) -> list[Piece]:
    """The comment that argues against the claim, cited like a quote; or why there is none."""
    if reply.quote is None:
        return [escape_markdown(reply.note or NO_COUNTER)]
    embed = numbered_side(
        f"Against \u201c{clip_line(reply.claim, 50)}\u201d", reply.quote, COUNTER_QUOTE_CHARS
    )
    embed.colour = COUNTER_COLOUR
    pieces: list[Piece] = [escape_markdown(reply.note)] if reply.note else []
    return [*pieces, embed]
