"""Real `threadbot run` processes beside a test, each started through a launcher that points one platform SDK
at a loopback fake (tests/discord/against_fake.py, tests/slack/against_fake.py): their environment, their log
as it is written, and a Ctrl-C at the end, as an operator stops them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def bot_env(database_url: str, models: Path, **settings: str) -> dict[str, str]:
    """This environment without threadbot's or the platforms' settings, then the shared database, an empty model
    folder (the word-based fallback: quick to start) and `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))}
    return env | settings | {
        "PYTHONPATH": str(REPO),
        "THREADBOT_DATABASE_URL": database_url,
        "THREADBOT_MODEL_DIR": str(models),
        "THREADBOT_LOG_LEVEL": "INFO",
    }


def free_port() -> int:
    """A port nothing listens on now (the OS's choice), for a worker's HTTP server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class BotProcess:
    """One `threadbot run`, with what it has written to its log so far."""

    name: str
    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    pump: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, name: str, launcher: str, args: list[str], env: dict[str, str]) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", launcher, *args, "run",
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=env,
        )  # fmt: skip
        running = cls(name, process)
        running.pump = asyncio.create_task(running._read())
        return running

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append(raw.decode("utf-8", "replace").rstrip())

    def logged(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    @property
    def log(self) -> str:
        return f"--- {self.name}\n" + "\n".join(self.lines)

    async def stop(self) -> None:
        """Ctrl-C, as at a terminal; killed if it has not exited 15 s later."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self.pump is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.pump, 5)


async def wait_until_logged(processes: list[BotProcess], text: str, timeout: float = 60.0) -> None:
    """Until every process has logged `text`; fails with their logs if one exits or time runs out."""

    async def logged() -> None:
        while not all(p.logged(text) for p in processes):
            if any(p.process.returncode is not None for p in processes):
                raise AssertionError("a bot process exited:\n" + "\n".join(p.log for p in processes))
            await asyncio.sleep(0.1)

    try:
        await asyncio.wait_for(logged(), timeout)
    except TimeoutError:
        raise AssertionError(f"not all logged {text!r}:\n" + "\n".join(p.log for p in processes)) from None
