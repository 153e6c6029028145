"""kill -9 of a running `threadbot run` at a named point (tests/faults/crashable.py freezes it there), then a
restart: a command's write is wholly there or not at all, a daily prompt is posted once (never twice, and
not lost when nothing had gone out), and embedding resumes where it stopped without a duplicate.

The kills come at points the test waits for (the frozen process announces them), never after a sleep."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.app import open_bot
from bot.core import Bot
from bot.models import Place
from bot.prompts import tick
from bot.retrieval.indexer import RUNNING_BATCH
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord
from storage.interface import SHARED_SPACE
from storage.prompt_store import NewSchedule
from storage.sample import SAMPLE_ARCHIVE
from storage.stores import open_stores
from tests.faults.processes import REPO, clean_env
from tests.prompts.support import RecordingPoster, attach, debate_thread, import_debate, utc
from tests.stance.test_stance_commands import CLAIM

POINT_TIMEOUT = 60.0
SPACE = "console:local"


class BotProcess:
    """`threadbot run` on the console (commands on its standard input) under tests/faults/crashable.py."""

    def __init__(self, folder: Path, db: Path, name: str, point: str = "", **faults: str) -> None:
        self.signal = folder / f"{name}.signal"
        self.out = folder / f"{name}.out"
        self.err = folder / f"{name}.err"
        env = clean_env(db, FAULT_POINT=point, FAULT_SIGNAL=str(self.signal), **faults)
        if "FAULT_EMBEDDER_ONLY" not in faults:  # no models: these processes are not about them (and load faster)
            env["THREADBOT_MODEL_DIR"] = str(no_models(folder))
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.crashable", "run"],
                stdin=subprocess.PIPE, stdout=out, stderr=err, text=True, env=env, cwd=REPO,
            )  # fmt: skip

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait_for(self, line: str, timeout: float = POINT_TIMEOUT) -> None:
        """Until the process announces `line` (a point reached, `tick`, `saved N`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.signal.exists() and line in self.signal.read_text().splitlines():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"the bot exited ({self.process.returncode}) before {line!r}: {self.errors()}")
            time.sleep(0.01)
        self.kill()
        raise AssertionError(f"the bot did not reach {line!r}: {self.errors()}")

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close_stdin()

    def stop(self) -> int:
        """End of input: the console stops the bot (as Ctrl-D does)."""
        self._close_stdin()
        return self.process.wait(timeout=30)

    def _close_stdin(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):  # killed: nobody reads it any more
                self.process.stdin.close()

    def output(self) -> str:
        return self.out.read_text()

    def errors(self) -> str:
        return self.err.read_text()[-3000:]


def no_models(folder: Path) -> Path:
    empty = folder / "no-models"
    empty.mkdir(exist_ok=True)
    return empty


def ask(db: Path, text: str) -> str:
    """`threadbot ask` in a fresh process (a restart), as the console's default user; what it printed."""
    env = clean_env(db, THREADBOT_MODEL_DIR=str(no_models(db.parent)))
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "ask", text],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60,
    )  # fmt: skip
    return done.stdout + done.stderr


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(row) for row in conn.execute(sql)]
    finally:
        conn.close()


VOTES = "SELECT choice FROM stance_votes"
CLAIMS = "SELECT text, uses FROM stance_claims"


def test_killed_before_a_votes_commit_nothing_of_it_is_there_and_it_can_be_cast_again(tmp_path: Path) -> None:
    """Frozen after the vote's statements, before COMMIT, and killed: no vote and no trace of its claim; the
    member (who never got an answer) votes again and it is recorded once."""
    db = tmp_path / "bot.db"
    bot = BotProcess(tmp_path, db, "first", "vote-commit")
    bot.send(f"stance vote agree {CLAIM}")
    bot.wait_for("vote-commit")
    bot.kill()
    assert "Recorded" not in bot.output()
    assert rows(db, VOTES) == [] and rows(db, CLAIMS) == []
    assert "Recorded your vote: agree" in ask(db, f"stance vote agree {CLAIM}")
    assert rows(db, VOTES) == [("agree",)] and rows(db, CLAIMS) == [(CLAIM, 1)]


def test_killed_after_a_votes_commit_all_of_it_is_there_once(tmp_path: Path) -> None:
    """Killed after COMMIT, before the reply went out: the vote and its claim are there; voting again
    changes nothing and says so."""
    db = tmp_path / "bot.db"
    bot = BotProcess(tmp_path, db, "first", "vote-committed")
    bot.send(f"stance vote agree {CLAIM}")
    bot.wait_for("vote-committed")
    bot.kill()
    assert "Recorded" not in bot.output()
    assert rows(db, VOTES) == [("agree",)] and rows(db, CLAIMS) == [(CLAIM, 1)]
    assert "was already agree; nothing changed" in ask(db, f"stance vote agree {CLAIM}")
    assert rows(db, VOTES) == [("agree",)]


async def _schedule_due_a_minute_ago(db: Path) -> None:
    """A daily prompt in console channel `daily`, due a minute ago (so the first background pass posts it)."""
    now = utc_now()
    due = now - timedelta(minutes=1)
    stores = await open_stores(db)
    try:
        await stores.archives.import_records(SPACE, "debate", debate_thread(), created_at=iso(now))
        place = Place(platform="console", space="local", channel="daily")
        schedule = NewSchedule(
            space_key=SPACE, channel="daily", place_json=place.model_dump_json(),
            cron=f"{due.minute} {due.hour} * * *", description="daily", timezone="UTC", archive_name=None,
            notify_role=None, open_thread=False, active_from=iso(now - timedelta(days=1)),
            created_by="test", created_at=iso(now),
        )  # fmt: skip
        await stores.prompts.save_schedule(schedule)
    finally:
        await stores.close()


async def _later(db: Path, minutes: float) -> tuple[int, str]:
    """The bot as it is `minutes` from now, after one background pass: prompts it posted, and the day's state."""
    async with open_bot(Settings(db=db, model_dir=no_models(db.parent))) as bot:
        later = utc_now() + timedelta(minutes=minutes)
        bot.context.clock = lambda: later
        poster = RecordingPoster()
        bot.context.posters.register("console", poster)
        await tick(bot.context, later)
        states = [str(r[0]) for r in await bot.context.stores.database.fetchall("SELECT state FROM prompt_posts")]
    return len(poster.sent), ",".join(states)


def _posts(output: str) -> int:
    return output.count("[#daily]")


async def test_killed_after_claiming_a_prompt_before_sending_it_posts_once_later(tmp_path: Path) -> None:
    """Killed with the day claimed and nothing handed to the platform: a restart right away posts nothing
    (a fresh claim may be another live process's); a minute later the claim is released and the prompt posts,
    once. Before, the day was marked unconfirmed ten minutes later and never posted: lost."""
    db = tmp_path / "bot.db"
    await _schedule_due_a_minute_ago(db)
    first = BotProcess(tmp_path, db, "first", "prompt-claimed")
    await asyncio.to_thread(first.wait_for, "prompt-claimed")
    first.kill()
    assert _posts(first.output()) == 0
    assert rows(db, "SELECT state, sending_at FROM prompt_posts") == [("intent", None)]
    again = BotProcess(tmp_path, db, "again")
    await asyncio.to_thread(again.wait_for, "tick")
    assert again.stop() == 0
    assert _posts(again.output()) == 0
    assert await _later(db, 2) == (1, "sent")
    assert await _later(db, 15) == (0, "sent")


async def test_killed_after_posting_a_prompt_before_recording_it_never_posts_it_again(tmp_path: Path) -> None:
    """Killed after the platform took the prompt, before its outcome was recorded: no restart posts it again;
    ten minutes on the day is marked unconfirmed (the log says so); it appeared exactly once."""
    db = tmp_path / "bot.db"
    await _schedule_due_a_minute_ago(db)
    first = BotProcess(tmp_path, db, "first", "prompt-posted")
    await asyncio.to_thread(first.wait_for, "prompt-posted")
    first.kill()
    assert _posts(first.output()) == 1
    again = BotProcess(tmp_path, db, "again")
    await asyncio.to_thread(again.wait_for, "tick")
    assert again.stop() == 0
    assert _posts(again.output()) == 0
    assert await _later(db, 2) == (0, "intent")
    assert await _later(db, 15) == (0, "unconfirmed")


async def test_a_process_too_slow_to_mark_its_claim_sends_nothing(
    bot: Bot, no_models: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process released this claim (it looked dead) before this one marked it sending: this one sends
    nothing, and the day is posted once, by the next tick."""
    _, poster, console = attach(bot, utc(2026, 5, 4, 6))
    await import_debate(bot)
    await console.ask("prompt schedule 09:00 daily Europe/Berlin")
    store = bot.context.stores.prompts
    mark_sending = store.mark_sending

    async def lose_it_then_mark(post_id: int, at: str) -> bool:
        assert await store.release(post_id)  # what the other process's reconcile does, before this one marks
        return await mark_sending(post_id, at)

    monkeypatch.setattr(store, "mark_sending", lose_it_then_mark)
    await tick(bot.context, utc(2026, 5, 4, 7))
    assert poster.sent == []
    monkeypatch.undo()
    await tick(bot.context, utc(2026, 5, 4, 7, 1))
    assert len(poster.sent) == 1


BATCH = RUNNING_BATCH  # the running bot's indexer batch
COMMENTS = 2 * BATCH + BATCH // 3  # three batches


async def _thread_to_embed(db: Path) -> None:
    """Short comments, as the shared `sample` archive: the bot then adds no bundled sample (whose long comments
    would only slow the model down)."""
    records = [CommentRecord(f"e{n}", f"Comment {n} on remote work, offices and teams.") for n in range(COMMENTS)]
    stores = await open_stores(db)
    try:
        await stores.archives.import_records(SHARED_SPACE, SAMPLE_ARCHIVE, records, created_at=iso(utc_now()))
    finally:
        await stores.close()


def _wait_until_embedded(db: Path, bot: BotProcess, timeout: float = POINT_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    query = "SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM comment_vectors)"
    while time.monotonic() < deadline:
        total, vectors = rows(db, query)[0]
        if total == vectors:
            return
        assert bot.process.poll() is None, bot.errors()
        time.sleep(0.05)
    raise AssertionError(f"not every comment was embedded: {bot.errors()}")


async def test_killed_while_storing_vectors_the_restart_embeds_only_the_rest_once(tmp_path: Path) -> None:
    """Killed with the second batch's vectors written and not committed: only the first batch is stored; the
    restarted indexer embeds only the comments left (none twice), and every comment ends with one vector."""
    db = tmp_path / "bot.db"
    await _thread_to_embed(db)
    killed = BotProcess(tmp_path, db, "first", "embed-commit", FAULT_EMBEDDER_ONLY="1")
    await asyncio.to_thread(killed.wait_for, "embed-commit")
    killed.kill()
    assert rows(db, "SELECT count(*) FROM comment_vectors") == [(BATCH,)]
    again = BotProcess(tmp_path, db, "again", FAULT_EMBEDDER_ONLY="1")
    await asyncio.to_thread(_wait_until_embedded, db, again)
    assert again.stop() == 0
    assert rows(db, "SELECT count(*), count(DISTINCT comment_id), min(length(vector)) FROM comment_vectors") == [
        (COMMENTS, COMMENTS, 384 * 2)
    ]
    saved = [line for line in again.signal.read_text().splitlines() if line.startswith("saved")]
    assert len(saved) == -(-(COMMENTS - BATCH) // BATCH)  # only the batches left, none of them again
