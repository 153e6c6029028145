"""Real `threadbot` processes beside a test: the environment they get, the file they import, and imports run
one after another (as a user runs `threadbot import` next to the running bot) for as long as a test needs."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.load import write_locked
from bench.synth import comments

REPO = Path(__file__).resolve().parents[2]


def clean_env(db: Path, **extra: str) -> dict[str, str]:
    """This environment without threadbot's or the platforms' settings, with the database and this worktree's
    code first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))}
    return env | {"THREADBOT_DB": str(db), "PYTHONPATH": str(REPO)} | extra


def write_thread(path: Path, count: int) -> Path:
    """`count` distinct synthetic comments as JSONL (a few thousand texts, each copy made distinct)."""
    base = list(comments(min(count, 3000)))
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            record = base[n % len(base)]
            row = {"id": f"b{n}", "parent_id": None, "author": record.author, "text": f"{record.text} copy{n}"}
            out.write(json.dumps(row) + "\n")
    return path


class ImportLoop:
    """`threadbot import FILE --archive loadN` in another process, again and again into a new archive each time,
    from `start` until `stop`: so an import is running during the whole of whatever happens in between."""

    def __init__(self, db: Path, path: Path) -> None:
        self.db = db
        self.path = path
        self.results: list[tuple[int, str]] = []
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 30.0) -> None:
        """Start the first import and return once it holds the write lock (it is writing comments)."""
        self._task = asyncio.create_task(self._run())
        deadline = time.monotonic() + timeout
        while not write_locked(self.db):
            if self._task.done() or time.monotonic() > deadline:
                raise AssertionError(f"the import did not start writing: {self.results}")
            await asyncio.sleep(0.005)

    async def stop(self) -> list[tuple[int, str]]:
        """Let the running import finish, start no other; each import's exit code and standard error."""
        self._stopping.set()
        assert self._task is not None
        await self._task
        return self.results

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        number = 0
        while not self._stopping.is_set():
            number += 1
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "adapters.cli", "import", str(self.path), "--archive", f"load{number}",
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=clean_env(self.db), cwd=REPO,
            )  # fmt: skip
            _, err = await process.communicate()
            self.results.append((process.returncode or 0, err.decode("utf-8", "replace")))
            if process.returncode:
                return
