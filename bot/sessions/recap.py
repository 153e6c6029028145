"""The recap of a closed session: duration, participants, vote, cited archive quotes, most-replied messages.

A recap is stored as JSON with the session, but the cited quotes are kept as comment ids and read back live,
so a comment removed later (`forget me`, a deleted archive) disappears from old recaps too.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.context import Context
from bot.models import TextReply, Vote
from bot.sessions.common import clock_time, local_zone, minutes_between, shorten
from bot.sessions.people import person_line, silent_names, spoke
from bot.times import from_iso
from storage.interface import StoredComment
from storage.session_store import SessionRow

TOP_MESSAGES = 3


class RecapPerson(BaseModel):
    name: str
    messages: int
    words: int
    turns: int


class RecapMessage(BaseModel):
    message_id: str
    author: str
    url: str | None = None
    replies: int


class Recap(BaseModel):
    topic: str
    claim: str | None = None
    started_at: str
    ended_at: str
    closed_by: str
    people: list[RecapPerson] = Field(default_factory=list)
    silent: list[str] = Field(default_factory=list)
    votes: dict[str, int] | None = None
    archive_summary: str | None = None
    top_messages: list[RecapMessage] = Field(default_factory=list)


async def build_recap(
    ctx: Context, session: SessionRow, *, ended_at: str, closed_by: str, archive_summary: str | None
) -> Recap:
    """Everything the recap needs, read while the session's votes and message metadata still exist."""
    store = ctx.stores.sessions
    people = await store.participants(session.id)
    expected = await store.expected(session.id)
    replied = await store.most_replied(session.id, TOP_MESSAGES)
    shown = await store.shown_between(session.space_key, session.channel, session.started_at, ended_at)
    await store.add_citations(session.id, shown)
    return Recap(
        topic=session.topic,
        claim=session.claim,
        started_at=session.started_at,
        ended_at=ended_at,
        closed_by=closed_by,
        people=[
            RecapPerson(name=p.display_name, messages=p.messages, words=p.words, turns=p.turns)
            for p in people
            if spoke(p) or p.turns
        ],
        silent=silent_names(people, expected),
        votes=await store.tally(session.id) if session.claim else None,
        archive_summary=archive_summary,
        top_messages=[
            RecapMessage(message_id=m.message_id, author=m.display_name, url=m.url, replies=m.replies)
            for m in replied
        ],
    )


def vote_line(votes: dict[str, int]) -> str:
    total = sum(votes.values())
    counts = " \u00b7 ".join(f"{choice} {votes.get(choice, 0)}" for choice in Vote)
    return f"Vote: {counts} ({total} vote{'s' if total != 1 else ''})"


def cited_line(comment: StoredComment) -> str:
    parts = [comment.author or "anonymous", f"archive {comment.archive}"]
    if comment.url:
        parts.append(comment.url)
    return f"\u201c{shorten(comment.text, 160)}\u201d \u2014 " + " \u00b7 ".join(parts)


async def render_recap(ctx: Context, session: SessionRow, recap: Recap) -> TextReply:
    start, end = from_iso(recap.started_at), from_iso(recap.ended_at)
    day = start.astimezone(local_zone(ctx)).strftime("%a %Y-%m-%d")
    text = (
        f"{day}, {clock_time(ctx, start)} to {clock_time(ctx, end)} ({minutes_between(start, end)} min); "
        f"closed by {recap.closed_by}."
    )
    lines: list[str] = []
    if recap.claim:
        lines.append(f"Claim: \u201c{recap.claim}\u201d")
    if recap.votes is not None:
        lines.append(vote_line(recap.votes))
    if recap.archive_summary:
        lines.append(recap.archive_summary)
    if recap.people:
        people = "; ".join(person_line(p.name, p.messages, p.words, p.turns) for p in recap.people)
        lines.append(f"Participants ({len(recap.people)}): {people}")
    else:
        lines.append("Nobody wrote during the session.")
    if recap.silent:
        lines.append("Did not speak: " + ", ".join(recap.silent))
    cited = await ctx.stores.archives.get_comments(await ctx.stores.sessions.citations(session.id))
    lines += [f"Cited: {cited_line(comment)}" for comment in cited]
    for message in recap.top_messages:
        where = message.url or f"message {message.message_id}"
        replies = f"{message.replies} repl{'ies' if message.replies != 1 else 'y'}"
        lines.append(f"Most replied-to: {message.author}'s message, {replies}: {where}")
    return TextReply(title=f"Recap: {recap.topic}", text=text, lines=lines)
