"""Test helpers for prompts: a recording poster, a settable clock, a small thread with replies, and mining."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.models import Place, PromptReply, Reply
from bot.posting import ChannelGoneError, Posted
from bot.prompts import tick
from bot.times import now_iso
from storage.importers.records import CommentRecord

SPACE = "console:local"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@dataclass(slots=True)
class Clock:
    """The bot's clock, moved by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass(slots=True)
class Sent:
    place: Place
    reply: Reply
    open_thread: str | None
    at: datetime | None


@dataclass(slots=True)
class RecordingPoster:
    """A poster that records what it would send. `gone` channels raise ChannelGoneError; `fail_after_send`
    raises after recording (as if the platform accepted it and the answer was lost)."""

    clock: Clock | None = None
    sent: list[Sent] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    fail_after_send: BaseException | None = None

    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        if place.channel in self.gone:
            raise ChannelGoneError(f"channel {place.channel} was deleted")
        self.sent.append(Sent(place, reply, open_thread, self.clock.now if self.clock else None))
        if self.fail_after_send is not None:
            raise self.fail_after_send
        message_id = uuid.uuid4().hex[:8]
        return Posted(place=place.model_copy(update={"thread": message_id if open_thread else None}),
                      message_id=message_id)  # fmt: skip

    def prompts(self) -> list[PromptReply]:
        return [s.reply for s in self.sent if isinstance(s.reply, PromptReply)]

    def prompt_keys(self) -> list[str]:
        return [
            f"{p.kind}:{p.question}:{'|'.join(s.quote.source_id for s in p.sides)}" for p in self.prompts()
        ]


def attach(bot: Bot, start: datetime) -> tuple[Clock, RecordingPoster, ConsoleAdapter]:
    """A clock and a recording poster on the bot, and a moderator's console in channel `daily`."""
    clock = Clock(start)
    bot.context.clock = clock
    poster = RecordingPoster(clock)
    bot.context.posters.register("console", poster)
    return clock, poster, ConsoleAdapter(bot, channel="daily")


async def run_until(bot: Bot, clock: Clock, end: datetime, step: timedelta = timedelta(minutes=5)) -> None:
    """Tick like the background loop would, every `step`, until `end` (no real sleeping)."""
    while clock.now < end:
        clock.now = min(clock.now + step, end)
        await tick(bot.context, clock.now)


def debate_thread() -> list[CommentRecord]:
    """Claims with replies: two push back (one strongly), one only agrees, one claim draws many replies."""
    return [
        CommentRecord("c1", "Chain-of-thought tokens are mostly wasted compute and should be cut hard.", author="ann",
                      url="https://t.example/c1"),
        CommentRecord("r1", "I disagree: the long reasoning is exactly where the accuracy gains come from.",
                      parent_id="c1", author="bob", url="https://t.example/r1"),
        CommentRecord("r1b", "Yes, and the bills show it clearly every single month for us.", parent_id="c1",
                      author="cat"),
        CommentRecord("c2", "LeCun is right that autoregressive models cannot plan in any real sense.", author="dan",
                      url="https://t.example/c2"),
        CommentRecord("r2", "Actually, search on top of them plans fine in practice; not really a limit.",
                      parent_id="c2", author="eve", url="https://t.example/r2"),
        CommentRecord("c3", "Tokenmaxxing is just a new name for vanity metrics in engineering teams.", author="fay",
                      url="https://t.example/c3"),
        CommentRecord("r3a", "Great point, I have seen the same thing in my own company.", parent_id="c3",
                      author="gus"),
        CommentRecord("r3b", "So true, dashboards full of token counts everywhere now.", parent_id="c3", author="hal"),
        CommentRecord("r3c", "This matches what our finance people keep asking about.", parent_id="c3", author="ivy"),
        CommentRecord("c4", "The essay's point about distillation and revenue deserves its own post.", author="jon"),
    ]  # fmt: skip


async def import_debate(bot: Bot, name: str = "debate", space: str = SPACE) -> None:
    await bot.context.stores.archives.import_records(space, name, debate_thread(), created_at=now_iso(bot.context))


async def mine_all(bot: Bot) -> None:
    """Mine every archive's prompt pool now, as the background miner would after an import."""
    miner = bot.context.services.miner
    assert miner is not None  # made by the prompts feature when the bot started
    for state in await bot.context.stores.pools.archives():
        await miner.mine_now(state.archive.id)
