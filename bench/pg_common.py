"""What the PostgreSQL benchmarks share: a throwaway database on a server, and latency percentiles.

The server is named by `--url` or THREADBOT_BENCH_DATABASE_URL (else THREADBOT_TEST_DATABASE_URL, the tests'
server): a role that may create databases. Each run makes its own database, migrated by the store, and drops
it afterwards, so nothing is left on the server.
"""

from __future__ import annotations

import os
import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

URL_VARIABLES = ("THREADBOT_BENCH_DATABASE_URL", "THREADBOT_TEST_DATABASE_URL")


def server_url(given: str | None) -> str:
    url = given or next((os.environ[v] for v in URL_VARIABLES if os.environ.get(v)), None)
    if not url:
        raise SystemExit(f"name a PostgreSQL server: --url postgresql://... or set {URL_VARIABLES[0]}")
    return url


def with_database(url: str, database: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = database
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in info.items() if v is not None})


@contextmanager
def scratch_database(url: str, label: str) -> Iterator[str]:
    """A new empty database on the server of `url` (its URL), dropped on the way out."""
    name = f"threadbot_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def kept_database(url: str, name: str) -> Iterator[tuple[str, bool]]:
    """The database `name` on the server of `url`, made if missing and left there: (its URL, whether it was
    there already), so a benchmark can import once and measure again and again."""
    with psycopg.connect(url, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
        if not found:
            admin.execute(f'CREATE DATABASE "{name}"')
    yield with_database(url, name), found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency(ms: list[float]) -> str:
    return f"p50 {statistics.median(ms):6.1f} ms  p99 {percentile(ms, 0.99):6.1f} ms"
