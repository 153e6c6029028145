"""The Slack adapter: slash commands and mentions in, Block Kit replies out, over Socket Mode or HTTP.

Only this package imports slack_bolt; the core sees neutral commands and replies. See docs/slack.md.
"""

from __future__ import annotations

import logging

from adapters.slack.config import SlackConfig, SlackConfigError, from_settings
from adapters.slack.runtime import SlackRuntime
from bot.core import Bot
from bot.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["SlackConfig", "SlackConfigError", "SlackRuntime", "run_slack"]


async def run_slack(bot: Bot, settings: Settings) -> None:
    """Run the Slack adapter until cancelled; scheduled posts reach Slack through its poster meanwhile."""
    config = from_settings(settings)
    config.check()
    async with SlackRuntime(bot, config) as runtime:
        assert runtime.poster is not None
        bot.context.posters.register("slack", runtime.poster)
        workspaces = "several workspaces (OAuth)" if config.oauth else "one workspace"
        log.info("Slack adapter running in %s mode for %s", config.mode, workspaces)
        await runtime.serve_forever()
