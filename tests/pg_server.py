"""A fresh PostgreSQL database per test, on the server named by THREADBOT_TEST_DATABASE_URL.

CI starts a throwaway server (.ci/run) and sets the variable; without it every PostgreSQL test is skipped
with the reason. Each test gets its own database, copied from a migrated template (fast, and no test sees
another's rows); it is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

ADMIN_URL_VARIABLE = "THREADBOT_TEST_DATABASE_URL"
TEMPLATE = f"threadbot_test_template_{os.getpid()}"
"""One template per test run: runs sharing a server (a developer's and CI's, or parallel checkouts) never drop
each other's template."""
SKIP_REASON = (
    f"no PostgreSQL server for the tests: set {ADMIN_URL_VARIABLE}=postgresql://... (CI's .ci/run starts one)"
)


def admin_url() -> str | None:
    return os.environ.get(ADMIN_URL_VARIABLE) or None


def url_for(database: str) -> str:
    """The admin URL pointed at another database on the same server."""
    import psycopg

    base = admin_url()
    assert base is not None
    info = psycopg.conninfo.conninfo_to_dict(base)
    info["dbname"] = database
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in info.items() if v is not None})


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url() or "", autocommit=True) as conn:
        conn.execute(sql)


_template_ready = False


def _ensure_template() -> None:
    """Create the migrated template once per test run (a stale one from an earlier run is rebuilt)."""
    global _template_ready
    if _template_ready:
        return
    from storage.stores import postgres_stores

    _admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{TEMPLATE}"')

    async def migrate() -> None:
        stores = await postgres_stores(url_for(TEMPLATE))
        await stores.close()

    with ThreadPoolExecutor(1) as thread:  # its own event loop: the caller may be inside one (an async fixture)
        thread.submit(asyncio.run, migrate()).result()
    _template_ready = True
    atexit.register(_admin, f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new migrated database for one test: its URL; dropped afterwards."""
    if admin_url() is None:
        pytest.skip(SKIP_REASON)
    _ensure_template()
    name = f"threadbot_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    try:
        yield url_for(name)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_database() -> Iterator[str]:
    """A new database with no schema at all (for migration tests): its URL; dropped afterwards."""
    if admin_url() is None:
        pytest.skip(SKIP_REASON)
    name = f"threadbot_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
