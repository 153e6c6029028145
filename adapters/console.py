"""The console adapter: the same path as Discord and Slack, typed at a terminal or piped from a file.

It doubles as the driver for whole-bot tests: `await console.ask("quote tokens")`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from typing import TextIO

from adapters.plain_render import render_plain
from bot.actions import Pressed
from bot.completion import OnComplete, is_partial
from bot.core import Bot
from bot.models import Actor, ChannelMessage, ErrorReply, Place, Reply
from bot.posting import Posted

PLATFORM = "console"
LOCAL_SPACE = "local"
NOT_UTF8 = (
    "threadbot: some of the input was not valid UTF-8; those bytes were replaced with \ufffd. "
    "Save the file as UTF-8 (or set the terminal to UTF-8) to keep them.\n"
)


def as_utf8(text: str) -> str:
    """`text` with what was not UTF-8 replaced by U+FFFD: the surrogates Python decodes such bytes to
    (`surrogateescape` on stdin and argv) cannot be stored, searched or sent."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", errors="surrogateescape")  # the bytes as they came
    except UnicodeEncodeError:
        raw = text.encode("utf-8", errors="surrogatepass")  # a lone surrogate of another kind
    return raw.decode("utf-8", errors="replace")


class ConsoleAdapter:
    def __init__(
        self,
        bot: Bot,
        *,
        user: str = "you",
        channel: str = "console",
        moderator: bool = True,
        space: str = LOCAL_SPACE,
        json_output: bool = False,
    ) -> None:
        self.bot = bot
        self.actor = Actor(user_id=user, display_name=user, is_moderator=moderator)
        # `discord:123` is that server's space key, as `import --space` takes it; a plain word is a console space
        platform, _, own = space.partition(":") if ":" in space else (PLATFORM, "", space)
        self.place = Place(platform=platform, space=own, channel=channel)
        self.json_output = json_output
        self.out: TextIO = sys.stdout
        self.err: TextIO = sys.stderr
        self._said_not_utf8 = False

    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        """Scheduled posts (prompts, reminders) appear in the console's output, marked with their channel."""
        header = f"[#{place.channel}]" + (f" thread: {open_thread}" if open_thread else "")
        self.out.write(f"{header}\n{self.render(reply)}\n")
        self.out.flush()
        message_id = uuid.uuid4().hex[:12]
        thread = message_id if open_thread else place.thread
        return Posted(place=place.model_copy(update={"thread": thread}), message_id=message_id)

    async def ask(self, text: str, on_complete: OnComplete | None = None) -> Reply:
        return await self.bot.handle_text(self._utf8(text), self.actor, self.place, on_complete)

    def _utf8(self, text: str) -> str:
        """Input made valid UTF-8; the first time bytes had to be replaced, stderr says so (once)."""
        valid = as_utf8(text)
        if valid is not text and not self._said_not_utf8:
            self._said_not_utf8 = True
            self.err.write(NOT_UTF8)
            self.err.flush()
        return valid

    async def press(self, token: str) -> Pressed:
        """A press of a button the core put under a reply (`Action.token`), as this user, here."""
        return await self.bot.press(token, self.actor, self.place)

    async def say(self, text: str) -> None:
        """An ordinary chat message (not a command), as the others in a channel would see it: sessions count it."""
        message = ChannelMessage(
            actor=self.actor,
            place=self.place,
            message_id=uuid.uuid4().hex[:12],
            text=self._utf8(text),
            created_at=self.bot.context.clock(),
        )
        await self.bot.observe(message)

    async def handle_line(self, line: str, on_complete: OnComplete | None = None) -> Reply | None:
        """`> text` is a chat message; anything else is a command."""
        stripped = line.strip()
        if stripped.startswith(">"):
            await self.say(stripped[1:].strip())
            return None
        return await self.ask(line, on_complete)

    async def completed_reply(self, line: str) -> Reply | None:
        """The reply to a line as a script wants it: complete. A partial answer is waited for (a script has no
        platform deadline), so one command still gives one reply, and it promises nothing."""
        finals: list[Reply] = []

        async def keep(final: Reply) -> None:
            finals.append(final)

        reply = await self.handle_line(line, keep)
        if reply is not None and is_partial(reply):
            await self.bot.finish()
        return finals[-1] if finals else reply

    def completion_printer(self, stdout: TextIO, prompt: str = "") -> OnComplete:
        """Prints a completed answer after the first one, as the console's in-place update."""

        async def show(final: Reply) -> None:
            stdout.write(f"\n(completed) {self.render(final)}\n{prompt}")
            stdout.flush()

        return show

    def render(self, reply: Reply) -> str:
        if self.json_output:
            return json.dumps(reply.model_dump(mode="json"), ensure_ascii=False)
        return render_plain(reply)

    async def run_script(self, stdin: TextIO, stdout: TextIO) -> int:
        """One command per line, one reply per command; blank lines and `#` comments are skipped."""
        errors = 0
        while True:
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                return 1 if errors else 0
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            reply = await self.completed_reply(line)
            if reply is None:
                continue
            errors += isinstance(reply, ErrorReply)
            stdout.write(self.render(reply) + ("\n" if self.json_output else "\n\n"))
            stdout.flush()

    async def interactive(self, stdin: TextIO, stdout: TextIO) -> int:
        stdout.write(
            "threadbot on the console. Try `help`, `quote tokens`, `archives`; `> text` says something in the "
            "channel without a command. Ctrl-D or `exit` to leave.\n"
        )
        while True:
            stdout.write("> ")
            stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip() in {"exit", "quit"}:
                stdout.write("\n")
                return 0
            if not line.strip():
                continue
            reply = await self.handle_line(line, self.completion_printer(stdout, "> "))
            if reply is not None:
                stdout.write(self.render(reply) + "\n")
