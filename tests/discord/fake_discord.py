"""A fake Discord on 127.0.0.1 that the real discord.py client talks to: REST API and gateway websocket.

Every REST request is first checked against Discord's published OpenAPI description
(tests/specs/discord_spec.py): one that differs is refused with 400 Invalid Form Body, as Discord refuses it,
and recorded as a violation, which fails the test. It enforces Discord's message and embed limits, the
3-second interaction deadline (10062), the 15-minute follow-up token and one acknowledgement per interaction,
and records everything the bot sent. Like Discord, it withholds the text of server messages that do not
mention the bot unless the bot identified with the Message Content intent, and announces a thread the bot
opens with THREAD_CREATE. Tests drive it as users would: `user_message`, `slash`, `autocomplete`, `press` (a
button on a message the bot sent), `reconnect`; deadlines can be shrunk for speed. Messages keep their
components (buttons), as Discord stores them.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.discord.fake_gateway import MESSAGE_CONTENT_INTENT, FakeGateway, Session
from tests.discord.fake_limits import buttons_of, check_choices, check_commands, check_message
from tests.discord.fake_world import (
    JSON,
    FakeChannel,
    FakeGuild,
    FakeUser,
    message_payload,
    now_iso,
    snowflake,
)
from tests.specs.discord_spec import check_request

TOKEN = "fake-bot-token"
EPHEMERAL = 1 << 6
LOADING = 1 << 7
API = "/api/v10"


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py does not parse a body whose type carries a charset.
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


async def _body(request: web.Request) -> Any:
    """The request's JSON: the body itself, or a multipart upload's `payload_json` part (files beside it)."""
    if not request.can_read_body:
        return None
    if request.content_type == "multipart/form-data":
        part = (await request.post()).get("payload_json", "{}")
        if isinstance(part, web.FileField):
            return json.loads(part.file.read())
        # discord.py marks the part application/json, which aiohttp hands over as bytes
        return json.loads(part if isinstance(part, str) else bytes(part))
    return await request.json()


def _error(status: int, code: int, message: str, **extra: Any) -> web.Response:
    return _json({"code": code, "message": message} | extra, status)


@dataclass
class Sent:
    """A message the bot created, edited or deleted, and how: channel, response, deferred, edit (of the
    interaction's original response), followup, followup-edit, channel-edit, delete."""

    via: str
    payload: JSON  # what the bot sent
    message: JSON  # what Discord stored
    interaction: int | None = None

    @property
    def content(self) -> str:
        return self.message.get("content") or ""

    @property
    def embeds(self) -> list[JSON]:
        return list(self.message.get("embeds") or [])

    @property
    def ephemeral(self) -> bool:
        return bool(self.message.get("flags", 0) & EPHEMERAL)

    @property
    def buttons(self) -> list[str]:
        """The labels of the buttons under the message, in order."""
        return [str(button.get("label")) for button in buttons_of(self.message)]

    def text(self) -> str:
        """Content and every embed's visible text, for assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [(embed.get("author") or {}).get("name") or ""]
            for item in embed.get("fields") or []:
                parts += [item.get("name") or "", item.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


@dataclass
class FakeInteraction:
    id: int
    token: str
    type: int
    channel: FakeChannel
    created: float
    acknowledged_at: float | None = None
    response_type: int | None = None
    original: JSON | None = None
    choices: list[JSON] | None = None
    sent: list[Sent] = field(default_factory=list)
    message: JSON | None = None
    """The message whose button was pressed (component interactions)."""


class FakeDiscord:
    def __init__(
        self, *, deadline: float = 3.0, token_ttl: float = 15 * 60.0, heartbeat_interval_ms: int = 41250
    ):
        self.deadline = deadline
        self.token_ttl = token_ttl
        self.me = FakeUser(snowflake(), "threadbot", bot=True)
        self.application_id = self.me.id
        self.owner = FakeUser(snowflake(), "owner")
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.requests: list[tuple[str, str]] = []
        self.sent: list[Sent] = []
        self.violations: list[str] = []
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.command_puts = 0
        self.typing: list[int] = []
        self.threads_forbidden = False
        """Answer thread creation with 403 Missing Permissions (no Create Public Threads)."""
        self.interactions: dict[int, FakeInteraction] = {}
        self.stored: dict[int, JSON] = {}
        """The bot's channel messages and follow-ups by id, as edited since """
        self._waiters: list[asyncio.Future[None]] = []
        self.gateway = FakeGateway(TOKEN, self._session_start, self._notify, heartbeat_interval_ms)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.max_concurrency = 1
        """`session_start_limit.max_concurrency` of GET /gateway/bot: the IDENTIFY buckets (large bots: 16)."""

    # -- world ------------------------------------------------------------------------------------------------

    def add_guild(self, name: str, *, id: int | None = None) -> FakeGuild:
        """A guild (with a given id, e.g. to place it on a shard: shard = (id >> 22) % count)."""
        guild = FakeGuild(id if id is not None else snowflake(), name, owner_id=self.owner.id)
        self.guilds[guild.id] = guild
        return guild

    def add_channel(self, guild: FakeGuild, name: str = "general") -> FakeChannel:
        channel = guild.add_channel(name)
        self.channels[channel.id] = channel
        return channel

    def add_user(self, name: str) -> FakeUser:
        return FakeUser(snowflake(), name)

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        channel = FakeChannel(snowflake(), "", None, type=1, recipient=user)
        self.channels[channel.id] = channel
        return channel

    # -- lifecycle --------------------------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.gateway.url = self.gateway_url

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- waiting ----------------------------------------------------------------------------------------------

    def wake(self) -> None:
        """Wake every `wait_for` so it checks its condition again (for state kept on the bot's side)."""
        self._notify()

    def _notify(self) -> None:
        """Wake every `wait_for`: called whenever the fake records a request or a gateway message."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `condition()` is truthy (checked whenever the fake records something) and return it."""
        async with asyncio.timeout(timeout):
            while not (result := condition()):
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                await waiter
            return result

    # -- gateway events ---------------------------------------------------------------------------------------

    def _session_start(self, session: Session) -> list[tuple[str, JSON]]:
        """READY and the GUILD_CREATEs of the guilds on the session's shard."""
        guilds = [g for g in self.guilds.values() if session.covers(g.id)]
        ready = {
            "v": 10,
            "user": self.me.payload() | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "resume_gateway_url": self.gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "_trace": ["fake-discord"],
        }
        return [("READY", ready)] + [("GUILD_CREATE", g.create_payload(self.me)) for g in guilds]

    async def user_message(
        self, channel: FakeChannel, author: FakeUser, content: str, *, reply_to: JSON | None = None
    ) -> JSON:
        """A user posts `content` (in reply to the message `reply_to`); mentions of the bot are resolved like
        Discord does. Returns the message as sent, with its text even where the bot does not get it."""
        mentions = [self.me] if self.me.mention in content or f"<@!{self.me.id}>" in content else []
        extra: JSON = {}
        if channel.guild_id is not None:
            extra["member"] = self.guilds[channel.guild_id].member_payload(author, with_user=False)
        if reply_to is not None:
            extra["message_reference"] = {"message_id": reply_to["id"], "channel_id": str(channel.id)}
        data = message_payload(
            channel=channel, author=author, content=content, mentions=mentions, extra=extra
        )
        readable = channel.guild_id is None or mentions or self.gateway.intents & MESSAGE_CONTENT_INTENT
        await self.gateway.dispatch(
            "MESSAGE_CREATE", data if readable else data | {"content": "", "embeds": []}
        )
        return data

    async def _interaction(
        self, kind: int, channel: FakeChannel, user: FakeUser, data: JSON, extra: JSON | None = None
    ) -> FakeInteraction:
        record = FakeInteraction(snowflake(), uuid.uuid4().hex, kind, channel, time.monotonic())
        record.message = (extra or {}).get("message")
        self.interactions[record.id] = record
        payload: JSON = {
            "id": str(record.id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "token": record.token,
            "version": 1,
            "locale": "en-US",
            "app_permissions": "0",
            "attachment_size_limit": 10 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": {},
            "context": 0 if channel.guild_id is not None else 1,
        }
        if channel.guild_id is not None:
            guild = self.guilds[channel.guild_id]
            payload |= {"guild_id": str(guild.id), "guild_locale": "en-US"}
            payload["member"] = guild.member_payload(user, permissions=True)
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
        else:
            payload["user"] = user.payload()
        await self.gateway.dispatch("INTERACTION_CREATE", payload | (extra or {}))
        return record

    def _command_data(self, path: list[str], values: JSON, focused: str | None = None) -> JSON:
        options: list[JSON] = []
        for name, value in values.items():
            option: JSON = {"name": name, "type": 5 if isinstance(value, bool) else 3, "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        for depth, name in reversed(list(enumerate(path[1:], start=1))):
            kind = 1 if depth == len(path) - 1 else 2
            options = [{"name": name, "type": kind, "options": options}]
        return {"id": str(snowflake()), "name": path[0], "type": 1, "options": options}

    async def slash(
        self, channel: FakeChannel, user: FakeUser, command: str, /, **values: Any
    ) -> FakeInteraction:
        """A user runs `/command` (words separated by spaces for subcommands) with these option values."""
        return await self._interaction(2, channel, user, self._command_data(command.split(), values))

    async def autocomplete(
        self, channel: FakeChannel, user: FakeUser, command: str, focused: str, /, **values: Any
    ) -> FakeInteraction:
        data = self._command_data(command.split(), values, focused)
        return await self._interaction(4, channel, user, data)

    async def press(
        self, message: JSON, user: FakeUser, label: str, *, channel: FakeChannel | None = None
    ) -> FakeInteraction:
        """A user presses the button labelled `label` on `message` (a message the bot sent), as a
        MESSAGE_COMPONENT interaction. `channel` overrides where Discord says the press came from (the
        message's channel by default), e.g. to forge a press from another server."""
        button = next((b for b in buttons_of(message) if b.get("label") == label), None)
        if button is None:
            raise AssertionError(
                f"no button {label!r} on the message: {[b.get('label') for b in buttons_of(message)]}"
            )
        where = channel or self.channels[int(message["channel_id"])]
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._interaction(3, where, user, data, {"message": message})

    async def reconnect(self) -> None:
        await self.gateway.reconnect()

    # -- REST -------------------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        self.requests.append((request.method, path))
        try:
            if request.headers.get("Authorization") != f"Bot {TOKEN}" and not path.startswith(
                ("/webhooks/", "/interactions/")
            ):
                return _error(401, 0, "401: Unauthorized")
            body = await _body(request)
            mismatches = check_request(
                request.method, path, dict(request.query), body, has_body=request.body_exists
            )
            if mismatches:
                return self._invalid(mismatches)
            return await self._route(request.method, path.strip("/").split("/"), body, request)
        finally:
            self._notify()

    async def _route(
        self, method: str, parts: list[str], body: Any, request: web.Request
    ) -> web.StreamResponse:
        match method, parts:
            case "GET", ["users", "@me"]:
                return _json(self.me.payload() | {"verified": True, "mfa_enabled": False, "flags": 0})
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(self._application())
            case "GET", ["gateway" | "gateway", *_]:
                limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": self.max_concurrency}
                return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
            case "PUT", ["applications", app, "commands"] if int(app) == self.application_id:
                return self._put_commands(body, None)
            case "PUT", ["applications", app, "guilds", guild, "commands"] if int(app) == self.application_id:
                return self._put_commands(body, int(guild))
            case "GET", ["channels", channel_id]:
                channel = self.channels.get(int(channel_id))
                return _json(channel.payload()) if channel else _error(404, 10003, "Unknown Channel")
            case "POST", ["channels", channel_id, "messages"]:
                return self._channel_message(int(channel_id), body)
            case "POST", ["channels", channel_id, "typing"]:
                self.typing.append(int(channel_id))
                return web.Response(status=204)
            case "POST", ["channels", channel_id, "messages", message_id, "threads"]:
                return await self._thread(int(channel_id), int(message_id), body)
            case "POST", ["interactions", interaction_id, token, "callback"]:
                return self._callback(int(interaction_id), token, body)
            case "POST", ["webhooks", app, token] if int(app) == self.application_id:
                return self._followup(token, body)
            case "PATCH", ["webhooks", app, token, "messages", "@original"] if (
                int(app) == self.application_id
            ):
                return self._edit_original(token, body)
            case "DELETE", ["webhooks", app, token, "messages", "@original"] if (
                int(app) == self.application_id
            ):
                return self._delete_original(token)
            case "PATCH", ["webhooks", app, token, "messages", message_id] if int(app) == self.application_id:
                return self._edit_followup(token, int(message_id), body)
            case "DELETE", ["webhooks", app, token, "messages", message_id] if (
                int(app) == self.application_id
            ):
                return self._delete_followup(token, int(message_id))
            case "PATCH", ["channels", channel_id, "messages", message_id]:
                return self._edit_channel_message(int(channel_id), int(message_id), body)
            case "DELETE", ["channels", channel_id, "messages", message_id]:
                return self._delete_channel_message(int(channel_id), int(message_id))
        self.violations.append(f"unhandled route {method} /{'/'.join(parts)}")
        return _error(404, 0, "404: Not Found")

    def _application(self) -> JSON:
        return {
            "id": str(self.application_id),
            "name": "threadbot",
            "icon": None,
            "description": "",
            "summary": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.payload(),
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
            "interactions_endpoint_url": None,
        }

    def _invalid(self, problems: list[str]) -> web.Response:
        self.violations += problems
        return _error(400, 50035, "Invalid Form Body", errors={"problems": problems})

    def _put_commands(self, body: list[JSON], guild_id: int | None) -> web.Response:
        problems = check_commands(body)
        if problems:
            return self._invalid(problems)
        self.command_puts += 1
        stored = [
            c | {"id": str(snowflake()), "application_id": str(self.application_id), "version": "1"}
            for c in body
        ]
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = [c | {"guild_id": str(guild_id)} for c in stored]
        return _json(stored)

    def _record(
        self, via: str, payload: JSON, message: JSON, interaction: FakeInteraction | None = None
    ) -> Sent:
        sent = Sent(via, payload, message, interaction.id if interaction else None)
        self.sent.append(sent)
        if interaction is not None:
            interaction.sent.append(sent)
        return sent

    def _message_from(self, channel: FakeChannel, payload: JSON, *, flags: int = 0, type: int = 0) -> JSON:
        return message_payload(
            channel=channel,
            author=self.me,
            content=payload.get("content") or "",
            embeds=payload.get("embeds") or [],
            flags=flags,
            type=type,
            extra={"components": payload.get("components") or []},
        )

    def _channel_message(self, channel_id: int, body: JSON) -> web.Response:
        channel = self.channels.get(channel_id)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        problems = check_message(body)
        if problems:
            return self._invalid(problems)
        message = self._message_from(channel, body)
        if body.get("message_reference"):
            message["message_reference"] = body["message_reference"]
        self._record("channel", body, dict(message))  # as sent: later edits are recorded apart
        self.stored[int(message["id"])] = message
        return _json(message)

    async def _thread(self, channel_id: int, message_id: int, body: JSON) -> web.Response:
        parent = self.channels.get(channel_id)
        if parent is None or parent.guild_id is None:
            return _error(404, 10003, "Unknown Channel")
        if self.threads_forbidden:
            return _error(403, 50013, "Missing Permissions")
        name = str(body.get("name", ""))
        if not 1 <= len(name) <= 100:
            return self._invalid([f"thread name must be 1-100 characters, not {len(name)}"])
        thread = FakeChannel(
            message_id, name, parent.guild_id, type=11, parent_id=parent.id, owner_id=self.me.id
        )
        self.channels[thread.id] = thread
        self.guilds[parent.guild_id].channels[thread.id] = thread
        await self.gateway.dispatch("THREAD_CREATE", thread.payload() | {"newly_created": True})
        return _json(thread.payload())

    def thread_of(self, message: JSON) -> FakeChannel | None:
        """The thread opened on a message (Discord gives it the message's id), if any."""
        found = self.channels.get(int(message["id"]))
        return found if found is not None and found.type == 11 else None

    def _interaction_for(self, token: str) -> FakeInteraction | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    def _callback(self, interaction_id: int, token: str, body: JSON) -> web.Response:
        record = self.interactions.get(interaction_id)
        if record is None or record.token != token:
            return _error(404, 10062, "Unknown interaction")
        elapsed = time.monotonic() - record.created
        if elapsed > self.deadline:
            self.violations.append(f"interaction {interaction_id} answered after {elapsed:.2f}s")
            return _error(404, 10062, "Unknown interaction")
        if record.acknowledged_at is not None:
            self.violations.append(f"interaction {interaction_id} acknowledged twice")
            return _error(400, 40060, "Interaction has already been acknowledged.")
        kind, data = body.get("type"), body.get("data") or {}
        response: JSON = {"id": str(record.id), "type": record.type}
        resource: JSON = {"type": kind}
        if record.type == 4:
            if kind != 8:
                return self._invalid([f"autocomplete interaction answered with type {kind}"])
            problems = check_choices(data.get("choices") or [])
            if problems:
                return self._invalid(problems)
            record.choices = data.get("choices") or []
        elif kind == 4:
            problems = check_message(data)
            if problems:
                return self._invalid(problems)
            record.original = self._message_from(record.channel, data, flags=data.get("flags", 0), type=20)
            self._record("response", data, record.original, record)
            resource["message"] = record.original
        elif kind == 5:
            record.original = self._message_from(
                record.channel, {}, flags=LOADING | data.get("flags", 0), type=20
            )
            self._record("deferred", data, record.original, record)
            resource["message"] = record.original
            response["response_message_loading"] = True
        elif kind == 6 and record.type == 3:
            pass  # deferred update: the pressed message may be edited later; nothing to show now
        elif kind == 7 and record.type == 3:
            problems = check_message(data, creating=False)
            if problems:
                return self._invalid(problems)
            pressed = dict(record.message or {})
            for key in ("content", "embeds", "components"):
                if key in data:
                    pressed[key] = data[key] or ("" if key == "content" else [])
            self._record("update", data, pressed, record)
            resource["message"] = pressed
        else:
            return self._invalid(
                [f"interaction callback type {kind} not allowed for interaction type {record.type}"]
            )
        record.acknowledged_at = time.monotonic()
        record.response_type = kind
        if record.original is not None:
            response["response_message_id"] = record.original["id"]
            response["response_message_ephemeral"] = bool(record.original["flags"] & EPHEMERAL)
        return _json({"interaction": response, "resource": resource})

    def _live(self, token: str) -> FakeInteraction | web.Response:
        record = self._interaction_for(token)
        if record is None or time.monotonic() - record.created > self.token_ttl:
            self.violations.append("follow-up with an unknown or expired token")
            return _error(401, 50027, "Invalid Webhook Token")
        if record.acknowledged_at is None:
            self.violations.append(f"follow-up before interaction {record.id} was acknowledged")
            return _error(404, 10015, "Unknown Webhook")
        return record

    def _followup(self, token: str, body: JSON) -> web.Response:
        record = self._live(token)
        if isinstance(record, web.Response):
            return record
        problems = check_message(body)
        if problems:
            return self._invalid(problems)
        message = self._message_from(record.channel, body, flags=body.get("flags", 0))
        self._record("followup", body, dict(message), record)
        self.stored[int(message["id"])] = message
        return _json(message)

    def _edit_original(self, token: str, body: JSON) -> web.Response:
        record = self._live(token)
        if isinstance(record, web.Response):
            return record
        if record.original is None:
            return _error(404, 10008, "Unknown Message")
        problems = check_message(body, creating=False)
        if problems:
            return self._invalid(problems)
        _apply_edit(record.original, body)
        record.original["flags"] = record.original["flags"] & ~LOADING
        self._record("edit", body, dict(record.original), record)
        return _json(record.original)

    def _delete_original(self, token: str) -> web.Response:
        record = self._live(token)
        if isinstance(record, web.Response):
            return record
        if record.original is None:
            return _error(404, 10008, "Unknown Message")
        record.original = None
        self._record("delete", {}, {}, record)
        return web.Response(status=204)

    def _stored_in(self, message_id: int, channel_id: int) -> JSON | None:
        message = self.stored.get(message_id)
        return message if message is not None and int(message["channel_id"]) == channel_id else None

    def _edit_followup(self, token: str, message_id: int, body: JSON) -> web.Response:
        record = self._live(token)
        if isinstance(record, web.Response):
            return record
        message = self._stored_in(message_id, record.channel.id)
        if message is None or not any(s.message["id"] == message["id"] for s in record.sent if s.message):
            return _error(404, 10008, "Unknown Message")
        problems = check_message(body, creating=False)
        if problems:
            return self._invalid(problems)
        _apply_edit(message, body)
        self._record("followup-edit", body, dict(message), record)
        return _json(message)

    def _delete_followup(self, token: str, message_id: int) -> web.Response:
        record = self._live(token)
        if isinstance(record, web.Response):
            return record
        message = self._stored_in(message_id, record.channel.id)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        del self.stored[message_id]
        self._record("delete", {}, dict(message), record)
        return web.Response(status=204)

    def _edit_channel_message(self, channel_id: int, message_id: int, body: JSON) -> web.Response:
        """`message.edit` of a message the bot sent into a channel (a reply to a mention)."""
        message = self._stored_in(message_id, channel_id)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        problems = check_message(body, creating=False)
        if problems:
            return self._invalid(problems)
        _apply_edit(message, body)
        self._record("channel-edit", body, dict(message))
        return _json(message)

    def _delete_channel_message(self, channel_id: int, message_id: int) -> web.Response:
        message = self._stored_in(message_id, channel_id)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        del self.stored[message_id]
        self._record("delete", {}, dict(message))
        return web.Response(status=204)


def _apply_edit(message: JSON, body: JSON) -> None:
    """What Discord keeps of an edit: the fields sent (null clears them), and when it was edited."""
    for key in ("content", "embeds", "components"):
        if key in body:
            message[key] = body[key] or ("" if key == "content" else [])
    message["edited_timestamp"] = now_iso()
