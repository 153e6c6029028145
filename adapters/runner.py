"""`threadbot run`: start every adapter configured in the settings; with none, the console."""

from __future__ import annotations

import logging
import sys

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.settings import Settings

log = logging.getLogger(__name__)


async def run(settings: Settings) -> int:
    async with open_bot(settings) as bot:
        log.info("no Discord or Slack token set: running on the console")
        console = ConsoleAdapter(bot)
        if sys.stdin.isatty():
            return await console.interactive(sys.stdin, sys.stdout)
        return await console.run_script(sys.stdin, sys.stdout)
