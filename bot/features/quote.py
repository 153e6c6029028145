"""`quote`: what people in the thread actually said about a topic, verbatim and cited."""

from __future__ import annotations

from bot.archive_choice import ARCHIVE_OPTION, resolve_archive
from bot.context import Context
from bot.feature import Feature
from bot.models import Command, QuotesReply, Reply
from bot.quoting import to_quote
from bot.registry import Param, Registry
from bot.remembering import SHOWN, remember
from bot.retrieval import retrieve
from bot.times import now_iso
from storage.interface import ArchiveInfo, SearchHit

commands = Registry()

CANDIDATES = 50
QUOTE_SIMILARITY = 0.4  # a comment no query word matched is quoted only when its meaning is this close


@commands.command("quote", param=Param("query", "words to look for in the thread"), options=[ARCHIVE_OPTION])
async def quote(ctx: Context, command: Command) -> Reply:
    """Quote what people in the thread said about a topic, verbatim, with who and where.

    With no query, a random comment. In a channel the same quote is not repeated until the relevant ones run out.
    """
    archive = await resolve_archive(ctx, command)
    if not command.text:
        return await _random_quote(ctx, command, archive)
    hits = (await retrieve(ctx, [archive.id], command.text, CANDIDATES, min_similarity=QUOTE_SIMILARITY)).hits
    if not hits:
        return QuotesReply(
            query=command.text,
            quotes=[],
            note=f"Nothing in the archive `{archive.name}` matches \u201c{command.text[:200]}\u201d.",
        )
    chosen, started_over = await _fresh(ctx, command, hits)
    note = "Every matching quote has been shown in this channel; starting over." if started_over else None
    return QuotesReply(
        query=command.text,
        quotes=[to_quote(hit.comment, hit.highlighted, hit.score) for hit in chosen],
        note=note,
    )


async def _fresh(ctx: Context, command: Command, hits: list[SearchHit]) -> tuple[list[SearchHit], bool]:
    """The best hits not yet shown in this channel; when none are left, forget them and start over."""
    place = command.place
    ids = [hit.comment.id for hit in hits]
    shown = await ctx.stores.archives.shown_in_channel(place.space_key, place.channel, ids)
    fresh = [hit for hit in hits if hit.comment.id not in shown]
    started_over = False
    if not fresh:
        await remember(SHOWN, ctx.stores.archives.forget_shown(place.space_key, place.channel, ids))
        fresh, started_over = hits, True
    chosen = fresh[: ctx.settings.quotes_per_reply]
    await remember(
        SHOWN,
        ctx.stores.archives.record_shown(
            place.space_key, place.channel, [h.comment.id for h in chosen], now_iso(ctx)
        ),
    )
    return chosen, started_over


async def _random_quote(ctx: Context, command: Command, archive: ArchiveInfo) -> Reply:
    """A random comment this channel has not seen yet (starting over once it has seen them all)."""
    place = command.place
    shown = await ctx.stores.archives.shown_ids(place.space_key, place.channel, [archive.id])
    comment = await ctx.stores.archives.random_comment([archive.id], exclude=shown)
    note = None
    if comment is None and shown:
        await remember(SHOWN, ctx.stores.archives.forget_shown(place.space_key, place.channel, sorted(shown)))
        comment = await ctx.stores.archives.random_comment([archive.id], exclude=set())
        note = "Every comment has been shown in this channel; starting over."
    if comment is None:
        return QuotesReply(quotes=[], note=f"The archive `{archive.name}` is empty.")
    await remember(
        SHOWN, ctx.stores.archives.record_shown(place.space_key, place.channel, [comment.id], now_iso(ctx))
    )
    return QuotesReply(quotes=[to_quote(comment)], note=note)


feature = Feature(name="quote", commands=commands)
