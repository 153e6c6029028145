"""Fuzz of the chat parser over every registered command: whatever a member or a moderator types, in a server or
in a DM, over a small archive and the bundled sample, the bot answers with a proper reply, never the internal
error ("Something went wrong"), and no rendering of it pings anyone the input named.

CI runs the word-based engine (`no_models`) under a fixed, derandomized profile; `THREADBOT_FUZZ=deep` types
new lines each run and `THREADBOT_FUZZ=models` runs the installed models (both take minutes: not for CI).
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.actions import actions_of
from bot.autocomplete import SOURCES
from bot.core import Bot
from bot.features import FEATURES, build_registry
from bot.models import Actor, ErrorReply, Place, Reply
from bot.posting import Posted
from bot.registry import CommandSpec
from bot.settings import Settings
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.fuzz.checks import check_reply
from tests.fuzz.lines import command_lines

PROFILE = os.environ.get("THREADBOT_FUZZ", "ci")
"""`ci`: word-based, the same 60 lines per command every run. `deep`: word-based, 500 new lines per command each
run. `models`: the installed models, 200 new lines per command. Only `ci` is meant for CI."""
MODELS = PROFILE == "models"
FUZZ = settings(
    derandomize=PROFILE == "ci",
    database=None,
    deadline=None,
    max_examples={"deep": 500, "models": 200}.get(PROFILE, 60),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
"""One world (bot, database) per command, shared by its examples, so state builds up as it would in a server."""

REGISTRY = build_registry()
COMMANDS = [spec.name for spec in REGISTRY.specs()]
MEMBER = Actor(user_id="1001", display_name="Ann", is_moderator=False)
MODERATOR = Actor(user_id="1002", display_name="Mod", is_moderator=True)
ROGUE = Actor(user_id="1003", display_name="<@&5> @here **Eve**\u202e\ud800", is_moderator=True)
"""A moderator whose chosen name is markup, a ping and a lone surrogate: replies that name who did something."""
USERS = frozenset({MEMBER.user_id, MODERATOR.user_id, ROGUE.user_id})
SERVER = Place(platform="discord", space="9001", channel="9002")
CONSOLE = Place(platform="console", space="local", channel="console")
START = datetime(2025, 3, 10, 18, 0, tzinfo=UTC)
SMALL = [
    CommentRecord(
        source_id="s1", text="Chain of thought is just more tokens, @everyone knows it.", author="pat"
    ),
    CommentRecord(
        source_id="s2",
        text="No: tokens are not thinking. <@123> and <@&5> said so **loudly**.",
        author="<@U0123ABC>",
        url="https://example.org/s2",
    ),
    CommentRecord(source_id="s3", text="<!here> more tokens don't make thinking ||spoiler||", author="@here"),
    CommentRecord(source_id="s4", text="The weather at the conference was lovely.", author="sam"),
]
"""A small archive of the server, whose comments carry mentions and markdown of their own to re-post."""
SEEDS = [
    (MODERATOR, "session start Tokens claim: tokens are thinking --here"),
    (MEMBER, "hand"),
    (MEMBER, "notify me on"),
    (MEMBER, "vote agree"),
    (MODERATOR, "prompt schedule 09:00 daily UTC"),
    (MEMBER, "prompt suggest Is a longer chain of thought more thinking?"),
    (MEMBER, "reading add Part 1 2030-01-01"),
    (MEMBER, "stance tokens are thinking"),
]
"""What a lively server has before the fuzz types: a session with a queue and a vote, a schedule, a suggestion,
a reading and a checked claim."""


WHERE = ("the lively channel", "a new thread of it", "a new server channel", "a DM", "the console")
"""Where a line is typed: the seeded channel, or a thread or channel nobody used yet (so a replayed example finds
the state it first found), in the server, in the actor's DM with the bot (a space of its own, with the sample),
or at the console adapter, which makes its input valid UTF-8 first."""


def dm(actor: Actor, channel: str) -> Place:
    return Place(platform="discord", space=f"dm-{actor.user_id}", channel=channel)


class World:
    """A bot over a fresh database, the posts it made on its own, and the answers it completed later.

    A plain class: hypothesis prints a failing example's arguments, and a dataclass it would print field by field."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.choices: dict[str, list[str]] = {}
        self.posted: list[Reply] = []
        self.completed: list[Reply] = []
        self._lines: dict[str, st.SearchStrategy[str]] = {}
        self._channels = itertools.count()

    def __repr__(self) -> str:
        return "World()"

    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        """The Discord poster's part: keep what the bot posts on its own, to check it like a reply."""
        self.posted.append(reply)
        return Posted(place=place, message_id=f"post-{len(self.posted)}")

    async def keep_completed(self, reply: Reply) -> None:
        """The adapter's part for an answer that completes itself: keep the completed answer to check it."""
        self.completed.append(reply)

    async def type(self, line: str, actor: Actor, place: Place) -> Reply:
        """The line through the bot's text path, as Discord and Slack hand it over, or through the console's."""
        if place.platform != CONSOLE.platform:
            return await self.bot.handle_text(line, actor, place, self.keep_completed)
        console = ConsoleAdapter(
            self.bot, user=actor.user_id, channel=place.channel, moderator=actor.is_moderator
        )
        console.err = io.StringIO()  # its note that some input was not UTF-8
        return await console.ask(line, self.keep_completed)

    async def seed(self) -> None:
        """The lively server, then what autocomplete offers for each source (the values a user would pick) and
        each command's lines, built from them."""
        for actor, line in SEEDS:
            reply = await self.type(line, actor, SERVER)
            assert not isinstance(reply, ErrorReply), (line, reply)
        for source in sorted(SOURCES):
            in_server = await self.bot.suggest(source, "", MODERATOR, SERVER)
            in_dm = await self.bot.suggest(source, "", MEMBER, dm(MEMBER, "seed"))
            self.choices[source] = sorted({*in_server, *in_dm})
        self._lines = {spec.name: command_lines(spec, REGISTRY, self.choices) for spec in REGISTRY.specs()}

    async def reseed(self) -> None:
        """The lively channel stays lively: a fuzzed `session end` or `prompt cancel` undid it."""
        stores = self.bot.context.stores
        if await stores.sessions.open_in(SERVER.space_key, SERVER.channel) is None:
            await self.type(SEEDS[0][1], MODERATOR, SERVER)
        if await stores.prompts.schedule(SERVER.space_key, SERVER.channel) is None:
            await self.type("prompt schedule 09:00 daily UTC", MODERATOR, SERVER)

    def place(self, where: str, actor: Actor) -> Place:
        """The place `where` names (see WHERE); a new channel or thread each time."""
        new = f"new-{next(self._channels)}"
        if where == WHERE[0]:
            return SERVER
        if where == WHERE[1]:
            return SERVER.model_copy(update={"thread": new})
        if where == WHERE[2]:
            return SERVER.model_copy(update={"channel": new})
        return dm(actor, new) if where == WHERE[3] else CONSOLE.model_copy(update={"channel": new})

    def lines(self, spec: CommandSpec) -> st.SearchStrategy[str]:
        """The lines typed for `spec` (tests/fuzz/lines.py), built once per world in `seed`."""
        return self._lines[spec.name]

    async def check(self, line: str, actor: Actor, place: Place) -> None:
        """Type `line`, then check its reply, whatever the bot posted or completed meanwhile, and the answers to
        pressing each button under them."""
        await self.reseed()
        self.posted.clear()
        self.completed.clear()
        note(f"typed {line!r} as {actor.display_name} in {place.space_key}")
        reply = await self.type(line, actor, place)
        await self.bot.finish()  # answers that complete themselves, completed
        answers = [reply, *self.posted, *self.completed]
        for found in list(answers):
            for action in actions_of(found):  # every button under the reply, pressed where it was asked
                pressed = await self.bot.press(action.token, actor, place)
                answers.append(pressed.reply)
        for found in answers:
            check_reply(found, users=USERS, asked=f"{actor.display_name} asked: {line}")


@pytest.fixture
async def world(settings: Settings, request: pytest.FixtureRequest) -> AsyncIterator[World]:
    """A bot on a fresh database with the bundled sample, the server's small archive and a lively channel, at
    a fixed time; word-based unless the `models` profile runs."""
    if not MODELS:
        request.getfixturevalue("no_models")
    async with open_bot(settings) as bot:
        bot.context.clock = lambda: START
        made = World(bot)
        bot.context.posters.register(SERVER.platform, made)
        await bot.context.stores.archives.import_records(
            SERVER.space_key, "small", SMALL, created_at=now_iso(bot.context)
        )
        await made.seed()
        yield made


def test_the_fuzz_covers_every_registered_command() -> None:
    """The commands fuzzed are the registry's, every feature unit's, so a new command is fuzzed at once."""
    declared = [spec.name for unit in FEATURES for spec in unit.commands.specs()]
    assert sorted(COMMANDS) == sorted(declared) and len(COMMANDS) == len(set(declared))
    assert len(COMMANDS) >= 38  # what there was when the fuzz was written: none got lost
    sources = {s.param.choices_from for s in REGISTRY.specs() if s.param} | {
        o.choices_from for s in REGISTRY.specs() for o in s.options
    }
    assert sources - {None} <= set(SOURCES), "an autocomplete source the fuzz cannot draw fitting values from"


@pytest.mark.parametrize("name", COMMANDS)
@FUZZ
@given(data=st.data())
async def test_no_command_line_breaks_the_bot(world: World, name: str, data: st.DataObject) -> None:
    """Any line that starts with a command's name, typed by a member, a moderator or one with a hostile name,
    in the lively channel, a new thread or channel, a DM or at the console."""
    spec = REGISTRY.get(name)
    assert spec is not None
    line = data.draw(world.lines(spec), label="line")
    actors = (MEMBER, MODERATOR, ROGUE, MODERATOR) if spec.moderator_only else (MEMBER, MODERATOR, ROGUE)
    actor = data.draw(st.sampled_from(actors), label="actor")
    place = world.place(data.draw(st.sampled_from(WHERE), label="where"), actor)
    await world.check(line, actor, place)


@settings(FUZZ, phases=[Phase.explicit])
@given(line=st.just("help"), actor=st.just(MEMBER), where=st.just(WHERE[0]))
@example(line="hand", actor=ROGUE, where=WHERE[0])
@example(line="prompt pause", actor=ROGUE, where=WHERE[0])
@example(line="prompt skip", actor=ROGUE, where=WHERE[0])
@example(
    line="prompt suggest Is a longer chain of thought more thinking? Twice over", actor=ROGUE, where=WHERE[0]
)
@example(
    line="prompt suggest Is a longer \ud800 chain of thought more thinking?", actor=MEMBER, where=WHERE[2]
)
@example(line="quote --archive sample --ARCHIVE \ud800", actor=MEMBER, where=WHERE[0])
@example(line="archive use \udce9", actor=MODERATOR, where=WHERE[0])
@example(line="reading add \ud800 Part 2 2030-01-01", actor=MEMBER, where=WHERE[0])
@example(line="session expect \ud800", actor=MODERATOR, where=WHERE[0])
@example(line="session start Topic \udf37", actor=MODERATOR, where=WHERE[2])
@example(line="stance tokens \ud800", actor=MEMBER, where=WHERE[3])
@example(line="counter tokens \ud800", actor=MEMBER, where=WHERE[3])
async def test_lines_the_fuzz_found(world: World, line: str, actor: Actor, where: str) -> None:
    """The lines that once ended in an internal error, kept so they stay fixed: a lone surrogate (which SQLite
    cannot store) in the words or in the name of the one who typed them."""
    await world.check(line, actor, world.place(where, actor))
