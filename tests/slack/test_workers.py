"""Slack HTTP mode behind several worker processes on one database: an event Slack delivers again (a retry,
`X-Slack-Retry-Num`, the same `event_id`) is answered once, whichever worker each delivery reaches.

On PostgreSQL the workers are two real `threadbot run` processes; on both databases, also two Bolt apps in this
test process, each with its own bot and its own connection(s) to the one database (a pool each on PostgreSQL),
as two worker processes behind a load balancer have.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.app import open_bot
from adapters.slack import SlackRuntime
from bot.settings import Settings
from storage.slack_events import KEEP_SECONDS, PRUNE_EVERY_SECONDS, SlackEventStore
from storage.sql import SqlDatabase
from tests.bot_processes import BotProcess, bot_env, free_port, wait_until_logged
from tests.pg_server import fresh_database
from tests.slack.conftest import TOKEN, Answer, Sender, http_config
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import SECRET, json_body, mention, signed_headers


async def deliver(worker: Sender, payload: dict[str, Any], retry: int = 0) -> Answer:
    """The event as Slack sends it, the `retry`-th time (0: the first delivery, no retry headers)."""
    body = json_body(payload)
    headers = signed_headers(body, "application/json")
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return await worker.raw(body, headers)


@pytest.fixture
async def other(settings: Settings, fake: FakeSlack, web: aiohttp.ClientSession) -> AsyncIterator[Sender]:
    """A second worker: its own bot on the same database, its own Bolt app and HTTP port."""
    async with open_bot(settings) as bot, SlackRuntime(bot, http_config(fake)) as runtime:
        yield Sender(web, runtime, fake)


async def drained(*workers: Sender) -> None:
    for worker in workers:
        await worker.runtime.work.drain(5)


async def test_a_retry_reaching_another_worker_is_not_answered_again(
    send: Sender, other: Sender, fake: FakeSlack
) -> None:
    """First delivery to one worker, Slack's retries to the other and back: one answer, every delivery acked."""
    event = mention("quote tokens")
    answers = [await deliver(send, event)]
    await drained(send)
    answers += [await deliver(other, event, retry=1), await deliver(send, event, retry=2)]
    await drained(send, other)
    assert [a.status for a in answers] == [200, 200, 200]
    assert len(fake.posts()) == 1


async def test_the_same_event_at_two_workers_at_once_is_answered_once(
    send: Sender, other: Sender, fake: FakeSlack
) -> None:
    """A retry racing the first delivery (both in flight together, at different workers): one answer."""
    for n in range(5):
        event = mention(f"quote tokens {n}")
        answers = await asyncio.gather(deliver(send, event), deliver(other, event, retry=1))
        assert [a.status for a in answers] == [200, 200]
    await drained(send, other)
    assert len(fake.posts()) == 5


async def test_a_retry_to_the_one_worker_is_not_answered_again(send: Sender, fake: FakeSlack) -> None:
    """One worker (SQLite's deployment): the retry, marked as one, is acked and not answered again."""
    event = mention("quote tokens")
    assert (await deliver(send, event)).status == 200
    assert (await deliver(send, event, retry=1)).status == 200
    await drained(send)
    assert len(fake.posts()) == 1


async def test_a_claim_is_seen_by_every_worker_and_forgotten_after_an_hour(db: SqlDatabase) -> None:
    """The first claim of an event id wins in any worker; the id is pruned once Slack can no longer retry it."""
    mine, theirs = SlackEventStore(db), SlackEventStore(db)
    assert await mine.claim("Ev1", now=1000.0)
    assert not await theirs.claim("Ev1", now=1001.0)
    assert not await mine.claim("Ev1", now=1002.0)
    later = 1000.0 + KEEP_SECONDS + PRUNE_EVERY_SECONDS + 1
    assert await theirs.claim("Ev2", now=later)  # prunes what is older than an hour
    assert await mine.count() == 1
    assert await mine.claim("Ev1", now=later)


@dataclass
class Worker:
    """A worker process's address, as the load balancer in front of it knows it."""

    process: BotProcess
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


@pytest.fixture
async def workers(
    backend: str, fake: FakeSlack, database_url: str, tmp_path: Path
) -> AsyncIterator[list[Worker]]:
    """Two `threadbot run` processes in HTTP mode with the same Slack app settings, on one PostgreSQL database."""
    if backend != "postgresql":
        pytest.skip("worker processes share a PostgreSQL database; on SQLite the bot is one worker (tested above)")
    models = tmp_path / "worker-models"
    models.mkdir()
    started: list[Worker] = []
    try:
        for n in range(2):
            port = free_port()
            env = bot_env(
                database_url,
                models,
                SLACK_BOT_TOKEN=TOKEN,
                SLACK_SIGNING_SECRET=SECRET,
                THREADBOT_SLACK_PORT=str(port),
            )
            process = await BotProcess.start(f"worker {n}", "tests.slack.against_fake", [fake.base_url], env)
            started.append(Worker(process, port))
        await wait_until_logged([w.process for w in started], "Slack HTTP endpoint listening")
        yield started
    finally:
        for worker in started:
            await worker.process.stop()


async def post_event(web: aiohttp.ClientSession, worker: Worker, payload: dict[str, Any], retry: int) -> int:
    body = json_body(payload)
    headers = signed_headers(body, "application/json")
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    async with web.post(worker.url, data=body.encode(), headers=headers) as response:
        return response.status


async def posts_settle(fake: FakeSlack, expected: int, timeout: float = 20.0) -> int:
    """Wait for `expected` posts, then a second more for any extra one; the count."""
    deadline = time.monotonic() + timeout
    while len(fake.posts()) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    return len(fake.posts())


async def test_two_worker_processes_answer_a_retried_event_once(
    fake: FakeSlack, workers: list[Worker], web: aiohttp.ClientSession
) -> None:
    """Real worker processes: a mention delivered to one and retried at the other (one after the other, and
    both at once) is answered once each; every delivery gets its 200."""
    first, second = workers
    event = mention("quote tokens")
    assert await post_event(web, first, event, 0) == 200
    assert await posts_settle(fake, 1) == 1
    assert await post_event(web, second, event, 1) == 200
    assert await post_event(web, first, event, 2) == 200
    assert await posts_settle(fake, 2, timeout=2.0) == 1

    racing = [mention(f"quote tokens {n}") for n in range(3)]
    for event in racing:
        statuses = await asyncio.gather(post_event(web, first, event, 0), post_event(web, second, event, 1))
        assert statuses == [200, 200]
    assert await posts_settle(fake, 1 + len(racing)) == 1 + len(racing)
    assert all("Traceback" not in line for w in workers for line in w.process.lines), workers[0].process.log
