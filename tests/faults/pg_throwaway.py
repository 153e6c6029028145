"""A throwaway PostgreSQL server of the test's own, in a temporary folder, for tests that stop and start it.

The shared test server (THREADBOT_TEST_DATABASE_URL) must never be stopped, so these tests make their own with
Debian's PostgreSQL binaries. `initdb` refuses to run as root; as root, the server runs as the `postgres` user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
PORT = 55433


def _bin(name: str) -> str | None:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


class ThrowawayServer:
    """`initdb` + `pg_ctl` in a new temporary folder, listening only on a Unix socket in it. Not under pytest's
    tmp_path: the postgres user cannot enter root's private folders."""

    def __init__(self) -> None:
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if initdb is None or pg_ctl is None:
            pytest.skip("no PostgreSQL binaries (apt-get install postgresql) for a throwaway server")
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.root = root = Path(tempfile.mkdtemp(prefix="threadbot-pg-"))
        self.data = root / "data"
        self.sock = root / "sock"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres and shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: initdb cannot run")
        self.sock.mkdir(parents=True)
        if self.as_postgres:
            shutil.chown(root, "postgres")
            shutil.chown(self.sock, "postgres")
        self._run(self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *argv], check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.sock}&port={PORT}"

    def start(self) -> None:
        options = f"-k {self.sock} -p {PORT} -c listen_addresses='' -c fsync=off"
        self._run(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        """A fast shutdown: open sessions are cut off, as when an operator restarts the server."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
