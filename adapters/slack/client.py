"""The Slack Web API client the app uses: one base URL, one shared HTTP session, and rate limits honoured.

Slack answers a burst with HTTP 429 and a `Retry-After` header; the client waits exactly that long (capped)
and tries again instead of dropping the reply. Connection resets are retried once, as slack_sdk does by default.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.config import SlackConfig

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class RetryAfterHandler(AsyncRetryHandler):
    """Retry a 429 after the `Retry-After` seconds Slack asks for (no jitter: Slack's number is exact)."""

    def __init__(
        self, max_retry_count: int = 3, max_wait: float = 30.0, sleep: Sleep = asyncio.sleep
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait
        self.sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code == 429

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = retry_after(response) if response is not None else 1.0
        log.info("Slack rate-limited %s; retrying in %.0f s", request.url.rsplit("/", 1)[-1], wait)
        state.next_attempt_requested = True
        await self.sleep(min(wait, self.max_wait))
        state.increment_current_attempt()


def retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                break
    return 1.0


def make_client(
    config: SlackConfig, session: aiohttp.ClientSession, token: str | None = None
) -> AsyncWebClient:
    """A Web API client at the configured base URL (a trailing slash matters to slack_sdk)."""
    base_url = config.api_url if config.api_url.endswith("/") else config.api_url + "/"
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            RetryAfterHandler(max_wait=config.max_retry_after),
        ],
    )
