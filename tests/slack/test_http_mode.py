"""HTTP mode: signed requests only, a fast ack whatever the command costs, rate limits honoured, no pings."""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest

from adapters.slack import SlackRuntime
from bot.core import Bot
from bot.models import Command, Reply, TextReply
from bot.registry import CommandSpec
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.slack.conftest import Sender
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import SECRET, form_body, signed_headers, slash_command

FORM = "application/x-www-form-urlencoded"


def assert_nothing_ran(fake: FakeSlack, http_slack: SlackRuntime) -> None:
    assert fake.calls == [] and http_slack.work.pending == 0


async def test_bad_signature_is_refused(send: Sender, fake: FakeSlack, http_slack: SlackRuntime) -> None:
    """A request signed with another secret gets 401 and reaches no listener (not even auth.test)."""
    body = form_body(slash_command("quote tokens"))
    answer = await send.raw(body, signed_headers(body, FORM, secret="not-the-secret"))
    assert answer.status == 401
    assert_nothing_ran(fake, http_slack)


async def test_tampered_body_is_refused(send: Sender, fake: FakeSlack, http_slack: SlackRuntime) -> None:
    """A body changed after signing no longer matches its signature."""
    body = form_body(slash_command("quote tokens"))
    headers = signed_headers(body, FORM)
    answer = await send.raw(body.replace("tokens", "secrets"), headers)
    assert answer.status == 401
    assert_nothing_ran(fake, http_slack)


async def test_stale_timestamp_is_refused(send: Sender, fake: FakeSlack, http_slack: SlackRuntime) -> None:
    """A correctly signed request older than five minutes is a replay: refused."""
    answer = await send.command("quote tokens", timestamp=int(time.time()) - 6 * 60)
    assert answer.status == 401
    assert_nothing_ran(fake, http_slack)


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp", "both"])
async def test_missing_headers_are_refused(
    missing: str, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """No signature or no timestamp: refused."""
    body = form_body(slash_command("quote tokens"))
    headers = signed_headers(body, FORM)
    for name in ("X-Slack-Signature", "X-Slack-Request-Timestamp"):
        if missing in (name, "both"):
            del headers[name]
    answer = await send.raw(body, headers)
    assert answer.status == 401
    assert_nothing_ran(fake, http_slack)


async def test_correct_signature_computed_independently_is_accepted(send: Sender, fake: FakeSlack) -> None:
    """The v0 scheme as Slack documents it: HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    import hashlib
    import hmac

    body = form_body(slash_command("help"))
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}
    assert (await send.raw(body, headers)).status == 200


async def test_slow_command_is_acked_within_three_seconds(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """The ack never waits for the work: a command still running gets its 200 (saying it is working) at once."""
    release = asyncio.Event()

    async def ponder(ctx: object, command: Command) -> Reply:
        await release.wait()
        return TextReply(text="pondered")

    bot.registry.add(CommandSpec(name="ponder", handler=ponder, help="Think for a long time.", slow=True))
    answer = await send.command("ponder")
    assert answer.status == 200 and answer.seconds < 3
    assert "Working on `ponder`" in answer.body
    assert http_slack.work.pending == 1 and not fake.posts()
    release.set()
    await http_slack.work.drain(5)
    [post] = fake.posts()
    assert "pondered" in post["text"]


async def test_quoted_text_never_pings(
    bot: Bot, send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """Broadcasts and mentions inside an archived comment are posted escaped, without link_names."""
    evil = "Attention <!everyone> <!here> <!channel> <!subteam^S0MODS|@mods> <@UADMIN> & friends"
    records = [CommentRecord(source_id="e1", text=evil, author="<@UALICE>", url="https://ex.com/?a=1&b=<2>")]
    await bot.context.stores.archives.import_records("slack:T123", "evil", records, created_at=now_iso(bot.context))
    await send.command("quote attention --archive evil")
    await send.command("quote <!here> --archive evil")
    await http_slack.work.drain(5)
    posts = fake.posts()
    assert len(posts) == 2
    for post in posts:
        assert "link_names" not in post and post.get("parse") != "full"
        everything = post["text"] + json.dumps(post["blocks"], ensure_ascii=False)
        assert not re.search(r"<[!@#]", everything)
    first = json.dumps(posts[0]["blocks"], ensure_ascii=False)
    assert "&lt;!everyone&gt;" in first and "&lt;@UADMIN&gt;" in first and "*&lt;@UALICE&gt;*" in first
    assert "Quotes about \u201c@here\u201d" in json.dumps(posts[1]["blocks"], ensure_ascii=False)


async def test_rate_limited_post_is_retried_after_retry_after(
    send: Sender, fake: FakeSlack, http_slack: SlackRuntime
) -> None:
    """A 429 from chat.postMessage is retried after the Retry-After seconds, and the reply arrives."""
    fake.rate_limit("chat.postMessage", retry_after=1)
    await send.command("quote tokens")
    await http_slack.work.drain(5)
    first, second = fake.called("chat.postMessage")
    assert second.at - first.at >= 0.95
    assert first.params == second.params


async def test_health_endpoint(send: Sender) -> None:
    """A load balancer can check the process without a signed request."""
    async with send.session.get(send.url.replace("/slack/events", "/healthz")) as response:
        assert response.status == 200 and await response.text() == "ok"


async def test_url_verification_challenge_is_answered(send: Sender, fake: FakeSlack) -> None:
    """Slack checks a new Request URL with a signed challenge; the app echoes it."""
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    answer = await send.raw(body, signed_headers(body, "application/json"))
    assert answer.status == 200 and "c-123" in answer.body
