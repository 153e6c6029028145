"""PostgreSQL stopped and started again under two running bot processes: while it is down a command gets the
clear "try again" reply (a read as well as a write), nothing stored before is lost, and once it is back both
processes answer again, without being restarted.

The server is the test's own (tests/faults/pg_throwaway.py): the shared one is never stopped.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import pytest

from storage.postgres.database import UNAVAILABLE_HINT, UNAVAILABLE_MESSAGE
from tests.faults.pg_throwaway import ThrowawayServer
from tests.faults.processes import REPO, clean_env
from tests.pg_server import SKIP_REASON, admin_url

REPLY_TIMEOUT = 60.0
CLAIM = "tokens are wasteful"


class ConsoleProcess:
    """`threadbot console --json` on PostgreSQL: one command per line in, one JSON reply per line out."""

    def __init__(self, folder: Path, name: str, url: str) -> None:
        empty = folder / "no-models"
        empty.mkdir(exist_ok=True)
        env = clean_env(folder / "unused.db", THREADBOT_DATABASE_URL=url, THREADBOT_MODEL_DIR=str(empty))
        self.err = (folder / f"{name}.err").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli", "console", "--json", "--user", name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True, env=env, cwd=REPO,
        )  # fmt: skip
        self.replies: Queue[str] = Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.replies.put(line)

    def ask(self, command: str) -> tuple[dict[str, Any], float]:
        """The reply to `command` and how long it took."""
        assert self.process.stdin is not None
        started = time.monotonic()
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        try:
            line = self.replies.get(timeout=REPLY_TIMEOUT)
        except Empty:
            raise AssertionError(f"no reply to {command!r} in {REPLY_TIMEOUT:.0f} s") from None
        return json.loads(line), time.monotonic() - started

    def close(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        self.err.close()
        return code


@pytest.fixture
def server() -> Any:
    if admin_url() is None:  # the same switch as every PostgreSQL test: CI sets it, and has the binaries
        pytest.skip(SKIP_REASON)
    own = ThrowawayServer()
    try:
        own.start()
        yield own
    finally:
        own.remove()


def test_both_processes_recover_after_postgresql_restarts(tmp_path: Path, server: ThrowawayServer) -> None:
    url = server.create_database("threadbot")
    first, second = ConsoleProcess(tmp_path, "ann", url), ConsoleProcess(tmp_path, "bob", url)
    try:
        for bot in (first, second):
            reply, _ = bot.ask("quote tokens")
            assert reply["type"] == "quotes", reply
        voted, _ = first.ask(f"stance vote agree {CLAIM}")
        assert voted["type"] != "error", voted

        server.stop()
        for bot, command in ((first, "quote tokens"), (second, f"stance vote disagree {CLAIM}")):
            reply, seconds = bot.ask(command)
            assert reply["type"] == "error", reply
            assert reply["message"] == UNAVAILABLE_MESSAGE and reply["hint"] == UNAVAILABLE_HINT
            assert seconds < 5, f"{command!r} waited {seconds:.1f} s for its error"

        server.start()
        for bot in (first, second):
            reply, seconds = bot.ask("quote tokens")
            assert reply["type"] == "quotes", reply
            assert seconds < 5, f"the first answer after the restart took {seconds:.1f} s"
        again, _ = second.ask(f"stance vote disagree {CLAIM}")
        assert again["type"] != "error", again
        counted, _ = first.ask(f"stance {CLAIM}")
        # ann's vote from before the restart was kept; bob's, refused while the server was down, went in after
        assert counted["members"] == {"agree": 1, "disagree": 1, "passed": 0}, counted["members"]
    finally:
        codes = [bot.close() for bot in (first, second)]
    assert codes == [0, 0] or all(code in (0, 1) for code in codes)  # 1: a command had an error reply
    for name in ("ann", "bob"):
        assert "Traceback" not in (tmp_path / f"{name}.err").read_text()
