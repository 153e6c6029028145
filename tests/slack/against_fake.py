"""`python -m tests.slack.against_fake API_URL ARGS...`: the real `threadbot ARGS...` in its own process, with the
Slack adapter's Web API address pointed at a fake Slack on loopback and its HTTP server bound to 127.0.0.1.

Everything else comes from the environment as in production (`SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET`,
`THREADBOT_SLACK_PORT`, `THREADBOT_DATABASE_URL`). Multi-process tests start one of these per worker.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any


def main() -> int:
    api_url, *args = sys.argv[1:]
    import adapters.slack
    from adapters.slack.config import SlackConfig

    read = adapters.slack.from_settings

    def against_fake(settings: Any) -> SlackConfig:
        return dataclasses.replace(read(settings), api_url=api_url, host="127.0.0.1")

    adapters.slack.from_settings = against_fake  # type: ignore[assignment]
    from adapters.cli import main as threadbot

    return threadbot(args)


if __name__ == "__main__":
    raise SystemExit(main())
