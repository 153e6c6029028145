"""A polite HTTP client for one link import: named, patient, bounded, and never pointed inward.

Every request says who is asking (User-Agent), waits for a slow answer only so long, is retried with backoff
on 429 and 5xx (honouring Retry-After, and a site's rate-limit headers before the next request), and counts
against one import's caps on requests and bytes. Redirects are followed by hand so each hop is checked like
the first request: http(s) only, never from https down to http, never to an address the policy refuses
(bot/fetch/guard.py). Every failure is a `FetchError` that names the request ("request 3 (page 2 of the
comments: GET ...)") and says what to do.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import aiohttp

from bot.errors import UserFacingError
from bot.fetch.guard import AddressPolicy, AddressRefusedError, GuardedResolver
from bot.fetch.links import EXPORT_HINT
from bot.settings import Settings

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
BACKOFF_SECONDS = 1.0
CHUNK_BYTES = 64 * 1024
PRIVATE_HINT = (
    "threadbot fetches public addresses only; an operator can allow others with THREADBOT_FETCH_ALLOW_PRIVATE."
)


class FetchError(UserFacingError):
    """A thread that could not be fetched; the message names the request that failed and why."""


class _Transient(Exception):
    """A failure worth retrying: a timeout, a dropped connection, a 429 or 5xx."""

    def __init__(self, reason: str, wait: float | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.status = status


@dataclass(frozen=True, slots=True)
class Page:
    """One response: where it finally came from, its status, headers and body, and which request it was."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    label: str


def with_params(url: str, params: Sequence[tuple[str, str]]) -> str:
    """`url` with query parameters appended (a key may repeat: Discourse's `post_ids[]`)."""
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(list(params))


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for: a number of seconds or an HTTP date; None when absent or odd."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class Client:
    """One import's HTTP session and its budget; use as `async with Client(settings) as client`."""

    def __init__(self, settings: Settings, *, sleep: Sleep = asyncio.sleep) -> None:
        self.settings = settings
        self.policy = AddressPolicy.from_setting(settings.fetch_allow_private)
        self.requests = 0
        self.bytes = 0
        self.started = time.monotonic()
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None
        self._quiet_until: dict[str, float] = {}

    async def __aenter__(self) -> Client:
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(self.policy), limit_per_host=2)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.settings.fetch_timeout_seconds),
            headers={"User-Agent": self.settings.fetch_user_agent, "Accept": "application/json"},
            trust_env=False,  # no proxy from the environment: the address check must see the real target
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def remaining_requests(self) -> int:
        return self.settings.fetch_max_requests - self.requests

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    async def get_json(self, url: str, what: str, params: Sequence[tuple[str, str]] = ()) -> tuple[Any, Page]:
        """The parsed JSON of a GET, and its page (for headers and the parsers, which read bytes)."""
        page = await self.get(url, what, params)
        kind = page.headers.get("Content-Type", "")
        if "json" not in kind and page.body.lstrip()[:1] == b"<":
            raise FetchError(
                f"{page.label} returned a web page, not JSON: the thread may be private or need a login, or "
                "the site may turn bots away.",
                hint=EXPORT_HINT,
            )
        try:
            return json.loads(page.body.decode("utf-8")), page
        except UnicodeDecodeError as error:
            raise FetchError(f"{page.label} returned text that is not UTF-8 (byte {error.start}).") from None
        except json.JSONDecodeError as error:
            raise FetchError(
                f"{page.label} returned broken JSON ({error.msg}: line {error.lineno}, column {error.colno}): "
                "the answer was cut off or is not JSON. Nothing was imported; try again later."
            ) from None
        except RecursionError:
            raise FetchError(f"{page.label} returned JSON nested too deeply to read.") from None

    async def get(self, url: str, what: str, params: Sequence[tuple[str, str]] = ()) -> Page:
        """A GET with retries on timeouts, dropped connections, 429 and 5xx; FetchError once it cannot succeed."""
        target = with_params(url, params)
        retries = self.settings.fetch_retries
        for attempt in range(retries + 1):
            label = f"request {self.requests + 1} ({what}: GET {target})"
            try:
                return await self._send(target, label)
            except _Transient as failure:
                if attempt == retries:
                    raise FetchError(self._gave_up(label, failure, attempt + 1)) from None
                wait = failure.wait if failure.wait is not None else BACKOFF_SECONDS * 2**attempt
                limit = self.settings.fetch_max_retry_wait_seconds
                if wait > limit:
                    raise FetchError(
                        f"{label}: the site asks to wait {wait:.0f} s before trying again, longer than the "
                        f"{limit:.0f} s threadbot waits (THREADBOT_FETCH_MAX_RETRY_WAIT_SECONDS).",
                        hint="Try again later.",
                    ) from None
                log.info("%s: %s; retrying in %.1f s", label, failure.reason, wait)
                await self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _gave_up(self, label: str, failure: _Transient, tries: int) -> str:
        times = "once" if tries == 1 else f"{tries} times"
        if failure.status is not None:
            return (
                f"{label}: the site answered {failure.reason} ({times}): it may be down or limiting requests. "
                "Nothing was imported; try again later."
            )
        return f"{label}: {failure.reason} ({times}). Nothing was imported; try again later."

    async def _send(self, url: str, label: str) -> Page:
        """One request and its redirects, each hop checked and counted."""
        assert self._session is not None, "use the client as an async context manager"
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            where = label if current == url else f"{label}, redirected to {current[:200]}"
            host = self._admit(current, where)
            await self._wait_for(host)
            try:
                async with self._session.get(current, allow_redirects=False) as response:
                    location = response.headers.get("Location")
                    if response.status in REDIRECT_STATUSES and location:
                        current = self._redirect(current, urljoin(current, location), label)
                        continue
                    self._note_rate_limit(host, response.headers)
                    if response.status in RETRY_STATUSES:
                        wait = retry_after(response.headers.get("Retry-After"))
                        raise _Transient(f"{response.status} {response.reason or ''}".strip(), wait, response.status)
                    self._refuse_status(response.status, response.reason, label)
                    body = await self._read(response, label)
                    return Page(current, response.status, response.headers, body, label)
            except AddressRefusedError as refused:
                raise FetchError(f"{where}: {refused}.", hint=PRIVATE_HINT) from None
            except TimeoutError:
                raise _Transient(f"no answer within {self.settings.fetch_timeout_seconds:g} s") from None
            except aiohttp.ClientPayloadError as error:
                raise _Transient(f"the answer broke off ({error})") from None
            except aiohttp.ClientConnectionError as error:
                raise _Transient(f"cannot connect ({error})") from None
        raise FetchError(f"{label}: more than {MAX_REDIRECTS} redirects; the link goes round in circles.")

    def _admit(self, url: str, label: str) -> str:
        """Count the request against the cap and check its address before anything is sent; its host.

        `label` names the request (and, after a redirect, where it went) in what a refusal says."""
        if self.requests >= self.settings.fetch_max_requests:
            raise FetchError(
                f"{label}: this thread needs more than {self.settings.fetch_max_requests} requests, the most one "
                "import may make (THREADBOT_FETCH_MAX_REQUESTS). Nothing was imported.",
                hint="An operator can raise the limit; or export the thread to a file.",
            )
        self.requests += 1
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{label}: only http and https addresses are fetched.")
        try:
            self.policy.check_host(parts.hostname)
        except AddressRefusedError as refused:
            raise FetchError(f"{label}: {refused}.", hint=PRIVATE_HINT) from None
        return parts.netloc.lower()

    def _redirect(self, current: str, target: str, label: str) -> str:
        """The next hop, if a redirect may be followed there: http(s), no downgrade from https."""
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"{label} was redirected to {target[:200]}, which is not an http(s) address.")
        if urlsplit(current).scheme == "https" and scheme == "http":
            raise FetchError(f"{label} was redirected from https down to http ({target[:200]}); not followed.")
        return target

    def _refuse_status(self, status: int, reason: str | None, label: str) -> None:
        if status < 400:
            return
        if status in (401, 403):
            raise FetchError(
                f"{label}: the site refused access ({status}). threadbot reads public threads without logging "
                "in; private, members-only and paywalled threads are out of scope.",
                hint=EXPORT_HINT,
            )
        if status in (404, 410):
            raise FetchError(
                f"{label}: not found ({status}): the thread may have been deleted, or the link is wrong.",
                hint="Check the link in a browser.",
            )
        raise FetchError(f"{label}: the site answered {status} {reason or ''}".rstrip() + ".")

    async def _read(self, response: aiohttp.ClientResponse, label: str) -> bytes:
        """The body, stopping as soon as it would pass what is left of the import's byte cap."""
        left = self.settings.fetch_max_bytes - self.bytes
        length = response.content_length
        if length is not None and length > left:
            raise FetchError(self._too_big(label, length))
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(CHUNK_BYTES):
            size += len(chunk)
            if size > left:
                raise FetchError(self._too_big(label, size, at_least=True))
            chunks.append(chunk)
        self.bytes += size
        return b"".join(chunks)

    def _too_big(self, label: str, size: int, at_least: bool = False) -> str:
        amount = f"at least {size:,}" if at_least else f"{size:,}"
        return (
            f"{label}: the answer is {amount} bytes, past the {self.settings.fetch_max_bytes:,} bytes one "
            f"import may download ({self.bytes:,} so far; THREADBOT_FETCH_MAX_BYTES). Nothing was imported."
        )

    def _note_rate_limit(self, host: str, headers: Mapping[str, str]) -> None:
        """A site that says its allowance is used up (X-RateLimit-Remaining 0) gets quiet until it resets."""
        remaining, reset = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Reset")
        try:
            if remaining is not None and reset is not None and float(remaining) < 1:
                wait = min(float(reset), self.settings.fetch_max_retry_wait_seconds)
                self._quiet_until[host] = time.monotonic() + max(wait, 0.0)
        except ValueError:
            return

    async def _wait_for(self, host: str) -> None:
        until = self._quiet_until.pop(host, None)
        if until is not None and until > time.monotonic():
            await self._sleep(until - time.monotonic())
