"""`threadbot import URL` as a user runs it (a real subprocess against the loopback fake)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.links.conftest import LOOPBACK, thread_links
from tests.links.fake_sites import FakeSites

REPO = Path(__file__).resolve().parents[2]


async def threadbot(db: Path, *args: str, allow: str | None = LOOPBACK) -> tuple[int, str, str]:
    """Run the CLI without blocking the loop (the fake site answers in this process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "THREADBOT_"))}
    env["THREADBOT_DB"] = str(db)
    if allow is not None:
        env["THREADBOT_FETCH_ALLOW_PRIVATE"] = allow
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", *args, cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_import_a_link_then_again(tmp_path: Path, sites: FakeSites) -> None:
    url = thread_links(sites)["wordpress"]
    code, out, err = await threadbot(tmp_path / "cli.db", "import", url, "--archive", "essay")
    assert code == 0, err
    assert out.startswith(f"Imported 6 new comments from {url} into `essay` (6 in all).\n4 requests")
    code, out, _ = await threadbot(tmp_path / "cli.db", "import", url, "--archive", "essay")
    assert code == 0 and "Imported 0 new comments" in out and "6 already in the archive." in out


async def test_a_loopback_link_is_refused_without_the_setting(tmp_path: Path, sites: FakeSites) -> None:
    code, _, err = await threadbot(tmp_path / "cli.db", "import", thread_links(sites)["hn"], allow=None)
    assert code == 1 and "127.0.0.1 is a loopback address" in err and "THREADBOT_FETCH_ALLOW_PRIVATE" in err
    assert sites.seen == []
