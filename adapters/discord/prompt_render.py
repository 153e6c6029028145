"""A discussion prompt (bot/prompts) for Discord: the question (who suggested it, or a disagreement's counts) in
one embed, then one embed per side with its cited quote (a disagreement's claim sentence, then the quote on each
side), sized so that a prompt with up to three sides fits one message.

The role a prompt notifies is put in front of it by `render` (see `mentions`), never by this module.
"""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from adapters.discord.kit import FOOTER_CHARS, side_embed
from adapters.discord.limits import EMBED_TOTAL_CHARS
from adapters.discord.packing import Piece
from adapters.text import clip_line
from bot.models import PromptReply

PROMPT_COLOUR = discord.Colour(0xFEE75C)
PROMPT_TITLE = "Discussion prompt"
QUESTION_CHARS = 1000
SIDE_QUOTE_CHARS = 1500
"""At most this much of each side's quote (then an ellipsis; the title links the whole comment), so a
prompt with two sides stays one message, and its thread opens under all of it."""
SIDE_QUOTE_MIN = 200


def render_prompt(reply: PromptReply) -> list[Piece]:
    """The question embed, then a side embed per side, each side's quote cut to share what room is left."""
    question = clip_line(escape_markdown(reply.question), QUESTION_CHARS)
    description = f"**{question}**"
    if reply.tally is not None:
        description += f"\n{reply.tally.line()}"
    if reply.note:
        description += f"\n\n{clip_line(reply.note, QUESTION_CHARS)}"
    header = discord.Embed(title=PROMPT_TITLE, description=description, colour=PROMPT_COLOUR)
    if reply.suggested_by:
        header.set_footer(text=clip_line(f"Suggested by {reply.suggested_by}", FOOTER_CHARS))
    if not reply.sides:
        return [header]
    overhead = sum(
        len(side_embed(side.label, side.quote.model_copy(update={"text": ""}), 1)) for side in reply.sides
    )
    room = (EMBED_TOTAL_CHARS - len(header) - overhead) // len(reply.sides)
    limit = max(SIDE_QUOTE_MIN, min(SIDE_QUOTE_CHARS, room))
    return [header, *(side_embed(side.label, side.quote, limit) for side in reply.sides)]
