"""Real `threadbot run` processes on one PostgreSQL database, their background loop on a clock the test moves.

Each process is tests/faults/crashable.py around the real bot (console adapter, the real stores, scheduler
and indexer); `FAULT_CLOCK` makes its background loop run one pass per instant the test writes to a named
pipe, and say `ticked N` after it, so two processes can be stepped through the same simulated days in lockstep
without sleeping.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from datetime import datetime
from pathlib import Path
from typing import IO

from tests.faults.test_kill import POINT_TIMEOUT, BotProcess

POLL_SECONDS = 0.0005


class ClockedBot:
    """`threadbot run` on the PostgreSQL database at `url`, with a clock the test moves (`tick`)."""

    def __init__(self, folder: Path, url: str, name: str, point: str = "", **env: str) -> None:
        self.name = name
        self.clock_path = folder / f"{name}.clock"
        os.mkfifo(self.clock_path)
        self.bot = BotProcess(
            folder, folder / "unused.db", name, point, THREADBOT_DATABASE_URL=url,
            FAULT_CLOCK=str(self.clock_path), **env,
        )  # fmt: skip
        self._clock: IO[str] | None = None
        self._signal: IO[str] | None = None
        self._seen: list[str] = []
        self._partial = ""
        self.passes = 0

    def tick(self, now: datetime) -> None:
        """One background pass at `now` (it runs while the test goes on; `wait` for it)."""
        clock = self._open_clock()
        clock.write(now.isoformat() + "\n")
        clock.flush()
        self.passes += 1

    def wait(self, timeout: float = POINT_TIMEOUT) -> None:
        """Until every pass asked for so far has run."""
        self.wait_for(f"ticked {self.passes}", timeout)

    def wait_for(self, line: str, timeout: float = POINT_TIMEOUT) -> None:
        """Until the process announces `line` (`ticked N`, or a fault point it froze at)."""
        deadline = time.monotonic() + timeout
        while line not in self._seen[-8:] and line not in self._read_signal():
            if self.bot.process.poll() is not None:
                raise AssertionError(f"{self.name} exited ({self.bot.process.returncode}): {self.bot.errors()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} did not reach {line!r}: {self.bot.errors()}")
            time.sleep(POLL_SECONDS)

    def _read_signal(self) -> list[str]:
        if self._signal is None:
            if not self.bot.signal.exists():
                return []
            self._signal = self.bot.signal.open(encoding="utf-8")
        # The process may be mid-way through writing a line: keep its start until the rest arrives, or
        # "ticked 51" now and "9" next would never read as "ticked 519".
        *new, self._partial = (self._partial + self._signal.read()).split("\n")
        self._seen += new
        return new

    def _open_clock(self, timeout: float = POINT_TIMEOUT) -> IO[str]:
        """The pipe's writing end, once the process has opened its reading end (it does once its bot runs)."""
        if self._clock is not None:
            return self._clock
        deadline = time.monotonic() + timeout
        while True:
            try:
                fd = os.open(self.clock_path, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as error:
                if error.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise
                if self.bot.process.poll() is not None:
                    raise AssertionError(f"{self.name} exited before its clock ran: {self.bot.errors()}") from None
                time.sleep(0.01)
        os.set_blocking(fd, True)
        self._clock = os.fdopen(fd, "w", encoding="utf-8")
        return self._clock

    def posts(self, channel: str) -> int:
        """Prompts this process posted in the console channel `channel`."""
        return self.bot.output().count(f"[#{channel}]")

    def kill(self) -> None:
        self.bot.kill()
        self._close()

    def stop(self) -> int:
        """No more ticks, then end of input: the bot stops as on Ctrl-D."""
        self._close()
        return self.bot.stop()

    def _close(self) -> None:
        for handle in (self._clock, self._signal):
            if handle is not None:
                with contextlib.suppress(BrokenPipeError):  # killed: nobody reads the clock any more
                    handle.close()
        self._clock = self._signal = None
        self._partial = ""
