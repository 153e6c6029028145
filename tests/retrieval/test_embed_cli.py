"""`threadbot embed`: embeds every pending comment before the bot starts, and says clearly when it cannot."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.modelfiles import default_embedder_files

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(default_embedder_files() is None, reason="threadbot[models] not installed")


def threadbot(
    db: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, with only the settings given here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))}
    env["THREADBOT_DB"] = str(db)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def _counts(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        comments = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
        vectors = conn.execute("SELECT count(*) FROM comment_vectors").fetchone()[0]
    finally:
        conn.close()
    return int(comments), int(vectors)


def test_embed_fills_every_comment_then_has_nothing_left(tmp_path: Path) -> None:
    """A fresh database (the sample) plus an import: every comment gets a vector; a second run embeds none."""
    db = tmp_path / "cli.db"
    thread = tmp_path / "thread.txt"
    thread.write_text("Gardens need water.\n\nBicycles are cheaper than cars.\n", encoding="utf-8")
    assert threadbot(db, "import", str(thread), "--archive", "t").returncode == 0
    first = threadbot(db, "embed")
    assert first.returncode == 0, first.stderr
    comments, vectors = _counts(db)
    assert comments == vectors > 2
    assert f"Embedded {comments:,} comments" in first.stdout
    second = threadbot(db, "embed")
    assert second.returncode == 0 and "Embedded 0 comments" in second.stdout


def test_embed_without_a_model_says_how_to_get_one(tmp_path: Path) -> None:
    """A model folder with no model in it: a clear error, not a traceback."""
    empty = tmp_path / "models"
    empty.mkdir()
    env_db = tmp_path / "cli.db"
    result = threadbot(env_db, "embed", extra_env={"THREADBOT_MODEL_DIR": str(empty)})
    assert result.returncode == 1
    assert "no embedding model" in result.stderr and "THREADBOT_MODEL_DIR" in result.stderr
    assert "Traceback" not in result.stderr
