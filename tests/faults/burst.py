"""Many commands at once through one adapter, and what each one answered: the command mix, one driver per
adapter (the console; the real discord.py client against the fake Discord; the real Bolt app against the fake
Slack) and the tally of errors, latencies and votes. Used by tests/faults/test_load.py and bench/load.py.

Every command comes from its own member, so a vote can be checked against the database afterwards: a member
told "Recorded your vote" must have that vote stored, and a vote that was not stored must say so.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket

from adapters.console import ConsoleAdapter
from adapters.discord.appcommands import build_tree
from adapters.discord.client import ThreadbotClient
from adapters.discord.config import DiscordConfig
from adapters.plain_render import render_plain
from adapters.slack import SlackConfig, SlackRuntime
from bot.core import Bot
from bot.models import ErrorReply
from bot.times import now_iso
from storage.stance_store import claim_key, voter_key
from tests.discord.fake_discord import TOKEN as DISCORD_TOKEN
from tests.discord.fake_discord import FakeDiscord, FakeInteraction
from tests.discord.fake_world import MANAGE_MESSAGES, FakeChannel, FakeUser
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.slack_requests import SECRET, form_body, signed_headers, slash_command
from tests.stance.test_stance_commands import CLAIM, THREAD

CHANNELS = 8
"""Commands are spread over this many channels, each with a reading-group session running."""
REPLY_TIMEOUT = 60.0
WRONG = "Something went wrong"
TOLD_STORED = ("Recorded your vote", "Changed your vote", "was already")
TOLD_NOT_STORED = "not stored"


@dataclass(frozen=True, slots=True)
class Step:
    """One command, as typed (console, Slack) and as a slash command's path and option values (Discord)."""

    text: str
    path: str
    values: dict[str, str] = field(default_factory=dict)

    @property
    def vote(self) -> str | None:
        return self.values.get("choice") if self.path == "stance vote" else None


def _vote(choice: str) -> Step:
    return Step(f"stance vote {choice} {CLAIM}", "stance vote", {"choice": choice, "claim": CLAIM})


CYCLE = (
    Step("quote remote work", "quote", {"query": "remote work"}),
    _vote("agree"),
    Step(f"stance {CLAIM}", "stance", {"claim": CLAIM}),
    Step("archives", "archives"),
    _vote("disagree"),
    Step(f"counter {CLAIM}", "counter", {"claim": CLAIM}),
    Step("help quote", "help", {"command": "quote"}),
    Step("prompt next", "prompt next"),
    _vote("pass"),
    Step("hand", "hand"),
    Step("session status", "session status"),
    Step("quote", "quote"),
)
"""Reads and writes mixed: a quarter are votes; `hand` and the suggestion write too."""


def mix(count: int) -> list[Step]:
    """`count` commands cycling through `CYCLE`, with a distinct prompt suggestion now and then (a write)."""
    steps = []
    for n in range(count):
        if n % 25 == 24:
            text = f"Would the office win back team number {n} for good?"
            steps.append(Step(f"prompt suggest {text}", "prompt suggest", {"text": text}))
        else:
            steps.append(CYCLE[n % len(CYCLE)])
    return steps


@dataclass(slots=True)
class Outcome:
    """What one member's command got back, and how long it took to arrive."""

    n: int
    step: Step
    user_id: str
    seconds: float
    text: str
    error: bool
    """An error reply (a user-facing one, e.g. "there is no session", counts too; `wrong` is the bad kind)."""

    @property
    def wrong(self) -> bool:
        return WRONG in self.text

    @property
    def told_stored(self) -> bool:
        return self.step.vote is not None and not self.error and any(t in self.text for t in TOLD_STORED)

    @property
    def told_not_stored(self) -> bool:
        return self.step.vote is not None and self.error and TOLD_NOT_STORED in self.text


class Driver(Protocol):
    """An adapter with members: `send` runs member `n`'s command through it and waits for the answer."""

    name: str
    space_key: str

    async def prepare(self, bot: Bot) -> None:
        """Import the test thread into this adapter's space and start a session in every channel."""
        ...

    async def send(self, n: int, step: Step) -> Outcome: ...

    def problems(self) -> list[str]:
        """What the platform refused or would have refused (a late answer, a message over its limits)."""
        ...


async def import_thread(bot: Bot, space_key: str) -> None:
    await bot.context.stores.archives.import_records(space_key, "t", THREAD, created_at=now_iso(bot.context))


class ConsoleDriver:
    name = "console"
    space_key = "console:local"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def prepare(self, bot: Bot) -> None:
        await import_thread(bot, self.space_key)
        for channel in range(CHANNELS):
            await ConsoleAdapter(bot, channel=f"c{channel}").ask("session start Remote work")

    async def send(self, n: int, step: Step) -> Outcome:
        member = ConsoleAdapter(self.bot, user=f"member{n}", channel=f"c{n % CHANNELS}", moderator=False)
        started = time.perf_counter()
        reply = await member.ask(step.text)
        seconds = time.perf_counter() - started
        return Outcome(n, step, f"member{n}", seconds, render_plain(reply), isinstance(reply, ErrorReply))

    def problems(self) -> list[str]:
        return []


def _answered(interaction: FakeInteraction) -> str | None:
    """The text of an interaction's answer once it is there (a response, or the deferred message's edit)."""
    final = [s for s in interaction.sent if s.via in ("response", "edit", "followup")]
    return "\n".join(s.text() for s in final) if final else None


class DiscordDriver:
    """The real discord.py client of threadbot, connected to the fake Discord on loopback."""

    name = "discord"

    def __init__(self, fake: FakeDiscord, bot: Bot) -> None:
        self.fake = fake
        self.bot = bot
        self.guild = fake.add_guild("Load")
        self.channels: list[FakeChannel] = [fake.add_channel(self.guild, f"c{i}") for i in range(CHANNELS)]
        mods = self.guild.add_role("Moderators", MANAGE_MESSAGES)
        self.moderator = fake.add_user("mod")
        self.guild.add_member(self.moderator, mods)
        self.members: dict[int, FakeUser] = {}
        self.space_key = f"discord:{self.guild.id}"
        self.tree = build_tree(bot.registry)

    def slash(self, name: str) -> str:
        """The slash command a registry command is (`stance vote` is `/stance-vote`: `/stance` exists)."""
        path = self.tree.path_of(name)
        assert path is not None, name
        return " ".join(path)

    def member(self, n: int) -> FakeUser:
        if n not in self.members:
            self.members[n] = self.fake.add_user(f"member{n}")
            self.guild.add_member(self.members[n])
        return self.members[n]

    async def prepare(self, bot: Bot) -> None:
        await import_thread(bot, self.space_key)
        for channel in self.channels:
            started = await self.fake.slash(
                channel, self.moderator, self.slash("session start"), topic="Remote work"
            )
            await self.fake.wait_for(lambda i=started: _answered(i), REPLY_TIMEOUT)

    async def send(self, n: int, step: Step) -> Outcome:
        user = self.member(n)
        started = time.perf_counter()
        channel = self.channels[n % CHANNELS]
        interaction = await self.fake.slash(channel, user, self.slash(step.path), **step.values)
        text = await self.fake.wait_for(lambda: _answered(interaction), REPLY_TIMEOUT)
        seconds = time.perf_counter() - started
        return Outcome(n, step, str(user.id), seconds, str(text), str(text).startswith("\u26a0"))

    def problems(self) -> list[str]:
        return list(self.fake.violations)


@asynccontextmanager
async def discord_driver(bot: Bot) -> AsyncIterator[DiscordDriver]:
    """The fake Discord, discord.py pointed at it (restored after), and threadbot's client connected."""
    fake = FakeDiscord()
    await fake.start()
    saved = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    driver = DiscordDriver(fake, bot)
    client = ThreadbotClient(bot, DiscordConfig(token=DISCORD_TOKEN, guild_ids=(driver.guild.id,),
                                                guild_ready_timeout=0.01))  # fmt: skip
    task = asyncio.create_task(client.start(DISCORD_TOKEN))
    try:
        ready = asyncio.create_task(client.wait_until_ready())  # after `start` began: it needs the login
        done, _ = await asyncio.wait({ready, task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            raise AssertionError(f"the client did not become ready: {task.exception() if task.done() else ''}")
        yield driver
    finally:
        await client.close()
        await task
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
        await fake.close()


SLACK_TEAM = "T123"
SLACK_TOKEN = "xoxb-T123"
ASKED = re.compile(r"member(\d+) asked: ")
"""The line above a slash command's public answer, naming who asked."""


class SlackDriver:
    """The real Bolt app of threadbot in HTTP mode, answering signed requests, posting to the fake Slack."""

    name = "slack"
    space_key = f"slack:{SLACK_TEAM}"

    def __init__(self, fake: FakeSlack, runtime: SlackRuntime, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.runtime = runtime
        self.session = session
        self._seen = 0
        self._replies: dict[str, Call] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.runtime.http_port}/slack/events"

    async def prepare(self, bot: Bot) -> None:
        await import_thread(bot, self.space_key)
        for channel in range(CHANNELS):
            await self._command("session start Remote work", "UADMIN", "ada", f"C{channel}")
        await self.runtime.work.drain(REPLY_TIMEOUT)

    async def _command(self, text: str, user: str, name: str, channel: str) -> None:
        body = form_body(slash_command(text, user=user, user_name=name, channel=channel,
                                       response_url=self.fake.response_url(user)))  # fmt: skip
        headers = signed_headers(body, "application/x-www-form-urlencoded")
        async with self.session.post(self.url, data=body.encode(), headers=headers) as answer:
            await answer.read()
            if answer.status != 200:
                raise AssertionError(f"Slack's request was answered {answer.status}")

    def _reply_to(self, user: str) -> Call | None:
        """The first message the bot sent in answer to this member: ephemeral to them, or public with their
        "asked" line (the calls are read once each, as they arrive)."""
        calls = self.fake.calls
        while self._seen < len(calls):
            call = calls[self._seen]
            self._seen += 1
            if call.method not in ("chat.postMessage", "chat.postEphemeral"):
                continue
            asked = ASKED.search(str(call.params.get("blocks", "")))
            who = str(call.params.get("user") or (f"UM{int(asked[1]):04d}" if asked else ""))
            self._replies.setdefault(who, call)
        return self._replies.get(user)

    async def send(self, n: int, step: Step) -> Outcome:
        user, name = f"UM{n:04d}", f"member{n}"
        self.fake.add_user(SLACK_TEAM, user, name)
        started = time.monotonic()  # the fake stamps each call with time.monotonic()
        await self._command(step.text, user, name, f"C{n % CHANNELS}")
        async with asyncio.timeout(REPLY_TIMEOUT):
            while (call := self._reply_to(user)) is None:
                await asyncio.sleep(0.1)  # the latency is the fake's own time stamp: polling adds nothing to it
        text = _slack_text(call.params)
        return Outcome(n, step, user, call.at - started, text, ":warning:" in text)

    def problems(self) -> list[str]:
        return [f"{method}: {why}" for method, why in self.fake.refused]


def _slack_text(params: dict[str, Any]) -> str:
    blocks = params.get("blocks") or "[]"
    parsed = json.loads(blocks) if isinstance(blocks, str) else blocks
    return f"{params.get('text') or ''}\n{json.dumps(parsed, ensure_ascii=False)}"


@asynccontextmanager
async def slack_driver(bot: Bot) -> AsyncIterator[SlackDriver]:
    async with FakeSlack() as fake, aiohttp.ClientSession() as session:
        fake.add_workspace(SLACK_TEAM, SLACK_TOKEN)
        fake.add_user(SLACK_TEAM, "UADMIN", "Ada", is_admin=True)
        config = SlackConfig(bot_token=SLACK_TOKEN, signing_secret=SECRET, api_url=fake.base_url,
                             host="127.0.0.1", port=0)  # fmt: skip
        async with SlackRuntime(bot, config) as runtime:
            yield SlackDriver(fake, runtime, session)
            await runtime.work.drain(REPLY_TIMEOUT)


@asynccontextmanager
async def console_driver(bot: Bot) -> AsyncIterator[ConsoleDriver]:
    yield ConsoleDriver(bot)


DRIVERS: dict[str, Callable[[Bot], AbstractAsyncContextManager[Driver]]] = {
    "console": console_driver,
    "discord": discord_driver,
    "slack": slack_driver,
}
"""Each adapter's driver, started around a running bot (the platform fakes and clients torn down after)."""


@dataclass(slots=True)
class Tally:
    """The burst as figures: latencies, errors, and votes told stored against votes found stored."""

    adapter: str
    outcomes: list[Outcome]
    vote_choices: dict[str, str]
    """user id -> the choice the database holds for them"""
    problems: list[str]

    def latencies(self) -> list[float]:
        return [o.seconds for o in self.outcomes]

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies())
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def wrong(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.wrong]

    @property
    def failed(self) -> list[Outcome]:
        """Error replies other than a change refused as not stored (the database busy): none is expected."""
        return [o for o in self.outcomes if o.wrong or (o.error and TOLD_NOT_STORED not in o.text)]

    @property
    def votes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.step.vote is not None]

    @property
    def lost_votes(self) -> list[Outcome]:
        """Told stored, but not in the database with that choice."""
        return [o for o in self.votes if o.told_stored and self.vote_choices.get(o.user_id) != o.step.vote]

    @property
    def unclear_votes(self) -> list[Outcome]:
        """Neither told stored nor told not stored."""
        return [o for o in self.votes if not o.told_stored and not o.told_not_stored]

    def line(self) -> str:
        told = sum(o.told_stored for o in self.votes)
        refused = sum(o.told_not_stored for o in self.votes)
        return (
            f"{self.adapter}: {len(self.outcomes)} commands, p50 {statistics.median(self.latencies()) * 1000:.0f} ms, "
            f"p99 {self.percentile(0.99) * 1000:.0f} ms, max {max(self.latencies()) * 1000:.0f} ms; "
            f"'{WRONG}' {len(self.wrong)}, other errors {len(self.failed) - len(self.wrong)}; votes {len(self.votes)}: told stored {told}, told not stored {refused}, "
            f"lost {len(self.lost_votes)}, unclear {len(self.unclear_votes)}; platform problems {len(self.problems)}"
        )


async def burst(bot: Bot, driver: Driver, count: int) -> Tally:
    """`count` commands from `count` members at once; then which of their votes the database holds."""
    steps = mix(count)
    outcomes = list(await asyncio.gather(*(driver.send(n, step) for n, step in enumerate(steps))))
    choices = await stored_votes(bot, driver.space_key, [o.user_id for o in outcomes if o.step.vote])
    return Tally(driver.name, outcomes, choices, driver.problems())


async def stored_votes(bot: Bot, space_key: str, user_ids: Iterable[str]) -> dict[str, str]:
    """user id -> the choice stored for them on CLAIM (those with no vote are absent)."""
    found: dict[str, str] = {}
    database = bot.context.stores.database
    for user_id in user_ids:
        row = await database.fetchone(
            "SELECT choice FROM stance_votes WHERE space_key = ? AND claim_key = ? AND voter = ?",
            (space_key, claim_key(CLAIM), voter_key(space_key, user_id)),
        )
        if row is not None:
            found[user_id] = str(row[0])
    return found
