"""Building the Bolt `AsyncApp`: one workspace with a bot token, or many through the OAuth install flow.

For several workspaces the installation store is given to the app itself as well as to the OAuth settings:
only then does Bolt's token-rotating authorizer use our Web API client (and so its base URL and session);
given to the settings alone, it refreshes tokens through a default client aimed at slack.com.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from adapters.slack.actors import ActorResolver
from adapters.slack.client import make_client
from adapters.slack.config import SlackConfig
from adapters.slack.handlers import SlackHandlers
from adapters.slack.installation_store import InstallationStore, OAuthStateStore
from adapters.slack.mentions import UserGroups
from adapters.slack.work import Work
from bot.core import Bot

NOT_INSTALLED = (
    ":warning: threadbot is not installed in this workspace (or it was removed). "
    "Ask a workspace admin to install it again."
)


@dataclass(slots=True)
class BuiltApp:
    app: AsyncApp
    handlers: SlackHandlers
    installations: InstallationStore | None


def build_app(
    bot: Bot,
    config: SlackConfig,
    session: aiohttp.ClientSession,
    work: Work,
    groups: UserGroups | None = None,
) -> BuiltApp:
    """The Bolt app with threadbot's listeners registered, talking to `config.api_url` through `session`."""
    config.check()
    installations: InstallationStore | None = None
    if config.oauth:
        assert config.client_id is not None and config.client_secret is not None
        records = bot.context.stores.slack
        installations = InstallationStore(records, config.client_id)
        oauth = AsyncOAuthSettings(
            client_id=config.client_id,
            client_secret=config.client_secret,
            scopes=list(config.scopes),
            user_scopes=[],
            redirect_uri=config.redirect_uri,
            install_path=config.install_path,
            redirect_uri_path=config.redirect_path,
            installation_store=installations,
            state_store=OAuthStateStore(records),
        )
        app = AsyncApp(
            name="threadbot",
            client=make_client(config, session),
            signing_secret=config.signing_secret or "",
            installation_store=installations,
            oauth_settings=oauth,
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
        app.enable_token_revocation_listeners()  # app_uninstalled / tokens_revoked forget the tokens
    else:
        app = AsyncApp(
            name="threadbot",
            client=make_client(config, session, token=config.bot_token),
            signing_secret=config.signing_secret or "",
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
    actors = ActorResolver(config.moderator_group, ttl=config.actor_cache_seconds)
    handlers = SlackHandlers(bot, config, actors, work, groups or UserGroups())
    handlers.register(app)
    return BuiltApp(app=app, handlers=handlers, installations=installations)
