"""`python -m tests.discord.against_fake API_BASE GATEWAY_URL ARGS...`: the real `threadbot ARGS...` in its own
process, with discord.py's two base addresses (REST and gateway) pointed at a fake Discord on loopback.

Nothing else is changed: the settings come from the environment as in production. Multi-process tests start
one of these per bot process, as an operator starts one `threadbot run` per shard range.
"""

from __future__ import annotations

import sys
import warnings


def main() -> int:
    api_base, gateway_url, *args = sys.argv[1:]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
        import discord
    import yarl
    from discord.gateway import DiscordWebSocket

    discord.http.Route.BASE = api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    from adapters.cli import main as threadbot

    return threadbot(args)


if __name__ == "__main__":
    raise SystemExit(main())
