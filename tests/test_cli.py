"""The `threadbot` command line as users and their scripts call it (real subprocesses, real files)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def threadbot(
    db: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))} | (
        env or {}
    )
    env["THREADBOT_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_ask_json_gives_the_neutral_quotes_reply(db: Path) -> None:
    result = threadbot(db, "ask", "--json", "quote tokens")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["type"] == "quotes"
    assert reply["quotes"]
    for quote in reply["quotes"]:
        assert {"comment_id", "source_id", "text", "author", "url", "archive"} <= quote.keys()
        assert "token" in quote["text"].lower()


def test_ask_plain_text_and_errors(db: Path) -> None:
    result = threadbot(db, "ask", "quote", "tokens")
    assert result.returncode == 0 and "archive sample" in result.stdout
    bad = threadbot(db, "ask", "--json", "frobnicate")
    assert bad.returncode == 1
    assert json.loads(bad.stdout) == {
        "type": "error",
        "message": "I don't know the command `frobnicate`.",
        "hint": "`help` lists every command.",
        "ephemeral": True,
    }


def test_console_reads_one_command_per_line(db: Path) -> None:
    result = threadbot(db, "console", "--json", stdin="help\nquote tokens\n\narchives\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["type"] for r in replies] == ["text", "quotes", "text"]


def test_member_flag_acts_as_a_plain_member(db: Path) -> None:
    result = threadbot(db, "ask", "--member", "--json", "archive use sample")
    assert json.loads(result.stdout)["type"] == "error"
    assert threadbot(db, "ask", "--json", "archive use sample").returncode == 0


def test_channel_flag_keeps_per_channel_memory(db: Path) -> None:
    first = json.loads(threadbot(db, "ask", "--json", "--channel", "a", "quote tokens").stdout)
    second = json.loads(threadbot(db, "ask", "--json", "--channel", "a", "quote tokens").stdout)
    other = json.loads(threadbot(db, "ask", "--json", "--channel", "b", "quote tokens").stdout)
    ids = lambda reply: {q["comment_id"] for q in reply["quotes"]}  # noqa: E731
    assert not ids(first) & ids(second)
    assert ids(other) == ids(first)


def test_import_then_reimport_adds_nothing(db: Path, tmp_path: Path) -> None:
    thread = tmp_path / "my thread.txt"
    thread.write_text("First comment about tokens.\nSecond comment about LeCun.\nFirst comment about tokens.\n")
    first = threadbot(db, "import", str(thread))
    assert first.returncode == 0, first.stderr
    assert "Imported 2 comments into archive `my-thread`" in first.stdout
    assert "1 duplicate" in first.stdout
    again = threadbot(db, "import", str(thread))
    assert "Imported 0 comments" in again.stdout
    reply = json.loads(threadbot(db, "ask", "--json", "quote lecun --archive my-thread").stdout)
    assert reply["quotes"][0]["text"] == "Second comment about LeCun."


def test_bad_import_is_refused_and_changes_nothing(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A fine comment.\n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    before = threadbot(db, "ask", "--json", "archives").stdout
    result = threadbot(db, "import", str(good), str(binary), "--archive", "both")
    assert result.returncode != 0
    assert "photo.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert threadbot(db, "ask", "--json", "archives").stdout == before


def test_bad_archive_name_is_explained(db: Path, tmp_path: Path) -> None:
    thread = tmp_path / "t.txt"
    thread.write_text("hello\n")
    result = threadbot(db, "import", str(thread), "--archive", "Bad Name!")
    assert result.returncode != 0 and "--archive" in result.stderr


def test_run_without_tokens_is_the_console(db: Path) -> None:
    """The README's run command on a fresh database: the answers, and no INFO lines between them."""
    result = threadbot(db, "run", stdin="help\n")
    assert result.returncode == 0, result.stderr
    assert "threadbot commands" in result.stdout
    assert "applying migration" not in result.stderr and " INFO " not in result.stderr, result.stderr


def test_discord_sync_without_a_token_says_how_to_fix_it(db: Path) -> None:
    result = threadbot(db, "discord-sync")
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_a_shard_range_that_names_no_shard_stops_the_start(db: Path) -> None:
    """`THREADBOT_DISCORD_SHARDS=5/4` is refused before anything connects, saying what is wrong and the form."""
    result = threadbot(db, "run", env={"DISCORD_TOKEN": "t", "THREADBOT_DISCORD_SHARDS": "5/4"})
    assert result.returncode == 2
    assert "shard 5 does not exist" in result.stderr and "FIRST-LAST/COUNT" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_flag_counts_before_or_after_the_subcommand(db: Path, tmp_path: Path) -> None:
    """`threadbot --db x.db import ...` writes x.db, as `threadbot import --db x.db ...` does."""
    thread = tmp_path / "placed.txt"
    thread.write_text("A comment that belongs in the wanted database.\n")
    wanted, after = tmp_path / "wanted.db", tmp_path / "after.db"
    assert threadbot(db, "--db", str(wanted), "import", str(thread)).returncode == 0
    assert threadbot(db, "import", "--db", str(after), str(thread)).returncode == 0
    assert wanted.exists() and after.exists() and not db.exists()
    for path in (wanted, after):
        before = threadbot(db, "--db", str(path), "ask", "archives")
        behind = threadbot(db, "ask", "--db", str(path), "archives")
        assert "`placed`" in before.stdout and before.stdout == behind.stdout
    assert not db.exists()


@pytest.mark.parametrize("io_env", [{"LC_ALL": "C.UTF-8"}, {"PYTHONIOENCODING": "utf-8"}])
def test_console_input_that_is_not_utf8_is_replaced_and_said_once(
    db: Path, io_env: dict[str, str]
) -> None:
    """Bytes that are not UTF-8 (Latin-1 from an old file) become U+FFFD; stderr says so once; no command
    fails, whether the locale gives stdin surrogate escapes or strict decoding."""
    lines = [
        b"quote tokens \xe9t\xe9",
        b"stance remote work is \xff better",
        b"counter caf\xe9 chains are bad",
        b"archive use caf\xe9",
        b"prompt suggest What would change your mind about caf\xe9 culture?",
        b"session start caf\xe9 culture",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))}
    env |= {"THREADBOT_DB": str(db), "THREADBOT_MODEL_DIR": str(db.parent), **io_env}
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "console", "--json"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr, stderr
    replies = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(replies) == len(lines)
    assert not [reply for reply in replies if "Something went wrong" in reply.get("message", "")]
    assert replies[3]["message"] == "There is no archive named `caf\ufffd` here."
    assert stderr.count("not valid UTF-8") == 1


def test_space_with_a_platform_is_that_space(db: Path, tmp_path: Path) -> None:
    """`--space discord:123` on `ask` is the server's view (as `import --space` names it); a plain word stays
    a console space."""
    thread = tmp_path / "server thread.txt"
    thread.write_text("A comment imported for one Discord server.\n")
    assert threadbot(db, "import", str(thread), "--space", "discord:123").returncode == 0
    server = threadbot(db, "ask", "--space", "discord:123", "archives")
    assert server.returncode == 0 and "`server-thread`" in server.stdout
    for elsewhere in ([], ["--space", "123"], ["--space", "discord:456"]):
        assert "`server-thread`" not in threadbot(db, "ask", *elsewhere, "archives").stdout
    piped = threadbot(db, "console", "--space", "discord:123", stdin="archives\n")
    assert "`server-thread`" in piped.stdout


def test_piped_console_on_a_fresh_database_prints_only_answers(db: Path) -> None:
    """Migrations and background work log at INFO: not on the console unless THREADBOT_LOG_LEVEL asks."""
    result = threadbot(db, "console", "--json", stdin="help\nquote tokens\n")
    assert result.returncode == 0
    assert [json.loads(line)["type"] for line in result.stdout.splitlines()] == ["text", "quotes"]
    assert result.stderr == ""
    ask = threadbot(db.with_name("fresh.db"), "ask", "archives")
    assert ask.stdout.startswith("Archives") and ask.stderr == ""
    loud = threadbot(db.with_name("loud.db"), "console", stdin="help\n", env={"THREADBOT_LOG_LEVEL": "INFO"})
    assert "applying migration" in loud.stderr and "applying migration" not in loud.stdout


def test_import_raw_takes_json_as_text_only_when_asked(db: Path, tmp_path: Path) -> None:
    """`--format text` on a JSON file is refused with the fix; `--raw` imports it as text lines anyway."""
    export = tmp_path / "notes.txt"
    export.write_text('{"comments": [{"text": "one"}, {"text": "two"}]}\n')
    refused = threadbot(db, "import", str(export), "--format", "text")
    assert refused.returncode == 1 and "--raw" in refused.stderr and "Traceback" not in refused.stderr
    taken = threadbot(db, "import", str(export), "--format", "text", "--raw")
    assert taken.returncode == 0 and "Imported 1 comments" in taken.stdout


@pytest.mark.parametrize(
    ("name", "flags"), [("sample.txt", []), ("t.txt", ["--archive", "sample"]), ("t.txt", ["--archive", ""])]
)
def test_an_archive_name_that_shadows_the_sample_or_is_empty_is_refused(
    db: Path, tmp_path: Path, name: str, flags: list[str]
) -> None:
    """`sample` would hide the bundled sample archive; `--archive ''` is not "use the file name"."""
    thread = tmp_path / name
    thread.write_text("A comment.\n")
    result = threadbot(db, "import", str(thread), *flags)
    assert result.returncode == 1 and "--archive" in result.stderr and "Traceback" not in result.stderr
    assert "Imported" not in result.stdout
