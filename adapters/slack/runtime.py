"""The running Slack adapter: the Bolt app behind Socket Mode, an HTTP server, or both, and a clean shutdown.

Socket Mode (an app-level token) needs no public URL. HTTP mode serves Slack's signed requests on
`/slack/events`; Bolt verifies each signature (and refuses requests older than five minutes) before any
listener runs. A multi-workspace app also serves its install pages over HTTP, whichever mode it uses.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from types import TracebackType

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters import redact
from adapters.slack.app import BuiltApp, build_app
from adapters.slack.config import SlackConfig
from adapters.slack.mentions import UserGroups
from adapters.slack.poster import SlackPoster
from adapters.slack.work import Work
from bot.core import Bot

log = logging.getLogger(__name__)


def web_app(built: BuiltApp, config: SlackConfig) -> web.Application:
    """Routes for Slack's requests and, for a multi-workspace app, the install and OAuth redirect pages."""
    app = built.app

    async def events(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def health(request: web.Request) -> web.StreamResponse:
        return web.Response(text="ok")

    routes = [web.post(config.events_path, events), web.get("/healthz", health)]
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.StreamResponse:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def redirect(request: web.Request) -> web.StreamResponse:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        routes += [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, redirect)]
    application = web.Application()
    application.add_routes(routes)
    return application


class SlackRuntime:
    """`async with SlackRuntime(bot, config) as slack:` runs the adapter until the block ends."""

    def __init__(self, bot: Bot, config: SlackConfig) -> None:
        self.bot = bot
        self.config = config
        self.work = Work()
        self.groups = UserGroups()
        self._stack = AsyncExitStack()
        self._runner: web.AppRunner | None = None
        self.socket: AsyncSocketModeHandler | None = None
        self.built: BuiltApp | None = None
        self.poster: SlackPoster | None = None

    async def __aenter__(self) -> SlackRuntime:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stack.aclose()

    async def _start(self) -> None:
        redact.install()  # slack_sdk logs OAuth responses (tokens) at DEBUG
        session = await self._stack.enter_async_context(aiohttp.ClientSession())
        self._stack.push_async_callback(self.work.close)
        self.built = build_app(self.bot, self.config, session, self.work, self.groups)
        self.poster = SlackPoster(self.config, session, self.built.installations, self.groups)
        if self.config.serves_http:
            self._runner = web.AppRunner(web_app(self.built, self.config))
            await self._runner.setup()
            self._stack.push_async_callback(self._runner.cleanup)
            await web.TCPSite(self._runner, self.config.host, self.config.port).start()
            log.info("Slack HTTP endpoint listening on %s:%s", self.config.host, self.http_port)
        if self.config.mode == "socket":
            assert self.config.app_token is not None
            self.socket = AsyncSocketModeHandler(
                self.built.app, app_token=self.config.app_token, web_client=self.built.app.client
            )
            self._stack.push_async_callback(self._close_socket)
            await self.socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
            log.info("Slack Socket Mode connected")

    async def _close_socket(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
            await asyncio.sleep(0)  # let the client's cancelled reader tasks finish

    @property
    def http_port(self) -> int | None:
        """The port actually bound (the configured one, or the one the OS chose for port 0)."""
        if self._runner is None or not self._runner.addresses:
            return None
        return int(self._runner.addresses[0][1])

    async def serve_forever(self) -> None:
        await asyncio.Event().wait()
