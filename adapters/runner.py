"""`threadbot run`: start every adapter configured in the settings; with none, the console.

Several adapters share one bot (one store, one event loop) and run side by side until one stops.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.settings import Settings

log = logging.getLogger(__name__)


def configured_platforms(settings: Settings) -> list[str]:
    platforms = []
    if settings.discord_token is not None:
        platforms.append("discord")
    if settings.slack_bot_token is not None or settings.slack_client_id is not None:
        platforms.append("slack")
    return platforms


def _start(platform: str, bot: Bot, settings: Settings) -> Awaitable[None]:
    if platform == "discord":
        from adapters.discord import run_discord

        return run_discord(bot, settings)
    from adapters.slack import run_slack

    return run_slack(bot, settings)


async def run(settings: Settings) -> int:
    platforms = configured_platforms(settings)
    async with open_bot(settings) as bot:
        bot.start_background()  # the features' ticks and jobs (the indexer); `open_bot` stops them on exit
        return await _run_adapters(bot, settings, platforms)


async def _run_adapters(bot: Bot, settings: Settings, platforms: list[str]) -> int:
    if not platforms:
        log.info("no Discord or Slack token set: running on the console")
        console = ConsoleAdapter(bot)
        bot.context.posters.register("console", console)
        if sys.stdin.isatty():
            return await console.interactive(sys.stdin, sys.stdout)
        return await console.run_script(sys.stdin, sys.stdout)
    log.info("starting %s", ", ".join(platforms))
    async with asyncio.TaskGroup() as group:
        for platform in platforms:
            group.create_task(_start(platform, bot, settings))  # type: ignore[arg-type]
    return 0
