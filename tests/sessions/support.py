"""Session test helpers: a settable clock, a poster that records what the bot posts on its own, and `say`
for ordinary (non-command) channel messages, sent the way adapters send them: through `Bot.observe`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.models import ChannelMessage, Place, Reply, TextReply
from bot.posting import Posted
from bot.times import now_iso
from storage.importers.records import CommentRecord

START = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)  # a Monday evening
_ids = itertools.count(1)

THREAD = [
    CommentRecord(source_id="f1", text="Exactly right: chain of thought is just more tokens.", author="pat"),
    CommentRecord(source_id="a1", text="No, chain of thought is not just tokens; it's search.", author="kim"),
    CommentRecord(source_id="a2", text="Wrong. More tokens don't make thinking.", author="lee"),
    CommentRecord(source_id="n1", text="The weather at the conference was lovely.", author="sam"),
]


async def import_thread(bot: Bot, space_key: str = "console:local") -> None:
    """A small archive named `thread` with one comment for the test claim and two against."""
    await bot.context.stores.archives.import_records(space_key, "thread", THREAD, created_at=now_iso(bot.context))


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


@dataclass
class RecordingPoster:
    """Collects posts; with `open_thread` it answers with a new thread id, like Discord and Slack do."""

    posts: list[tuple[Place, Reply, str | None]] = field(default_factory=list)

    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        self.posts.append((place, reply, open_thread))
        number = len(self.posts)
        thread = f"thread-{number}" if open_thread else place.thread
        return Posted(place=place.model_copy(update={"thread": thread}), message_id=f"post-{number}")

    def texts(self) -> list[str]:
        return [render(reply) for _, reply, _ in self.posts]


def render(reply: Reply) -> str:
    """Everything a reply says, as one string, for assertions."""
    if isinstance(reply, TextReply):
        return "\n".join([reply.title or "", reply.text, *reply.lines])
    return reply.model_dump_json()


def member(bot: Bot, name: str, *, channel: str = "console", space: str = "local") -> ConsoleAdapter:
    """A member (not a moderator) typing at the console."""
    return ConsoleAdapter(bot, user=name, moderator=False, channel=channel, space=space)


def moderator(
    bot: Bot, name: str = "mod", *, channel: str = "console", space: str = "local"
) -> ConsoleAdapter:
    return ConsoleAdapter(bot, user=name, moderator=True, channel=channel, space=space)


async def say(
    bot: Bot,
    who: ConsoleAdapter,
    text: str,
    *,
    reply_to: str | None = None,
    message_id: str | None = None,
    thread: str | None = None,
) -> str:
    """An ordinary message in `who`'s channel (or a thread of it); returns its message id."""
    message_id = message_id or f"msg-{next(_ids)}"
    place = who.place.model_copy(update={"thread": thread}) if thread else who.place
    await bot.observe(
        ChannelMessage(
            actor=who.actor,
            place=place,
            message_id=message_id,
            text=text,
            reply_to_message_id=reply_to,
            url=f"https://chat.example/{place.channel}/{message_id}",
        )
    )
    return message_id
