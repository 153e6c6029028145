"""What every reply must be, whatever was typed: one of the core's reply types, never the internal error,
within what Discord and Slack accept (the fakes' own limit checks), and pinging nobody but the one user it names.

The core leaves mentions in its text as they were typed; each adapter makes them inert. So pings are checked
where they become live: on Discord a mention in a message's content notifies only if the message's allowed
mentions let it through (embeds never notify); on Slack a `<@U…>`, `<!here>`, `<!everyone>`, `<!channel>` or
`<!subteam^…>` token in any text notifies, and so would a bare `@here` in a mrkdwn object that is not verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import TypeAdapter

from adapters.discord.outbound import allowed_mentions, view_of
from adapters.discord.render import render as discord_render
from adapters.plain_render import is_reply, render_plain
from adapters.slack.render import render_messages as slack_render
from bot.core import INTERNAL_ERROR
from bot.models import ErrorReply, Reply
from tests.discord.fake_limits import check_message
from tests.slack.fake_slack import MAX_TEXT_CHARS, block_problem

REPLY: TypeAdapter[Reply] = TypeAdapter(Reply)
SLACK_TOKEN = re.compile(r"<[@!][^<>]*>")


def check_reply(reply: object, *, users: frozenset[str], asked: str = "") -> None:
    """`reply` is a proper reply, not the internal error, rendered within Discord's and Slack's limits, and no
    rendering of it pings anyone but the one user it names, who must be one of `users` (never someone the
    input named). `asked` is the line Slack shows above a slash command's answer."""
    assert is_reply(reply), f"not a reply type of the core: {reply!r}"
    assert REPLY.validate_python(reply.model_dump()) == reply, "the reply does not survive its own schema"
    if isinstance(reply, ErrorReply):
        assert not reply.message.startswith(INTERNAL_ERROR), f"internal error: {reply.message}"
        assert reply.message.strip(), "an error that says nothing"
    own = getattr(reply, "mention_user_id", None)
    assert own is None or own in users, f"pings {own!r}, who is not one of the actors"
    assert render_plain(reply).strip()
    _check_discord(reply, own)
    _check_slack(reply, own, asked)


def _check_discord(reply: Reply, own: str | None) -> None:
    """Discord notifies only whom a message's allowed mentions name, whatever its content says: never
    everyone, never a role (there is no server here to find one in), at most the reply's own user."""
    expected = {int(own)} if own is not None and own.isdigit() else set()
    for message in discord_render(reply):
        view = view_of(message)
        body = {
            "content": message.content,
            "embeds": [embed.to_dict() for embed in message.embeds],
            "components": view.to_components() if view else [],
        }
        assert not check_message(body), f"Discord refuses it: {check_message(body)}"
        allowed = allowed_mentions(message)
        assert allowed.everyone is False and allowed.roles is False and allowed.replied_user is False
        assert allowed.users is False or isinstance(allowed.users, list), "every user may be pinged"
        users = {user.id for user in allowed.users} if isinstance(allowed.users, list) else set()
        assert users <= expected, f"may ping {users}, not only {expected}"


def _check_slack(reply: Reply, own: str | None, asked: str) -> None:
    """Slack has no allowed mentions: the text itself must hold no live markup but the reply's own mention."""
    own_mention = {f"<@{own}>"} if own else set()
    for message in slack_render(reply, asked=asked or None):
        assert block_problem(message.blocks) is None, f"Slack refuses it: {block_problem(message.blocks)}"
        assert 0 < len(message.text) <= MAX_TEXT_CHARS, (
            f"Slack refuses a text of {len(message.text)} characters"
        )
        for text in [message.text, *_texts(message.blocks)]:
            live = set(SLACK_TOKEN.findall(text)) - own_mention
            assert not live, f"live Slack markup {sorted(live)} in {text[:200]!r}"
        for obj in _text_objects(message.blocks):
            assert obj["type"] != "mrkdwn" or obj.get("verbatim") is True, f"mrkdwn that Slack parses: {obj}"


def _text_objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every Block Kit text object (`{"type": "mrkdwn" | "plain_text", "text": ...}`) under `value`."""
    if isinstance(value, dict):
        if value.get("type") in {"mrkdwn", "plain_text"} and isinstance(value.get("text"), str):
            yield value
        for child in value.values():
            yield from _text_objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from _text_objects(child)


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(obj["text"]) for obj in _text_objects(blocks)]
