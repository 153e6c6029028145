"""A fake Slack on 127.0.0.1: the Web API methods threadbot calls (posting, updating and deleting messages
among them), response URLs, and a Socket Mode websocket.

Every Web API call is checked against Slack's published description (tests/specs/slack_spec.py): one that
differs is answered `invalid_arguments` and fails the test. It behaves like Slack where the adapter can tell
the difference: tokens are checked (expired ones refused), `oauth.v2.access` exchanges codes and refresh
tokens, a method can be made to answer 429 with `Retry-After`, and Socket Mode sends `hello`, then envelopes
(Events API callbacks checked against Slack's description first), and waits for their acks.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.specs.slack_spec import check_call, check_event_callback

JSON = dict[str, Any]

MAX_BLOCKS = 50
MAX_TEXT_CHARS = 40000
TEXT_LIMITS = {"section": 3000, "header": 150}
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255


def block_problem(blocks: object) -> str | None:
    """What Slack would refuse in a message's blocks (its documented limits), or None if it would accept them."""
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list):
        return "blocks is not a list"
    if len(blocks) > MAX_BLOCKS:
        return f"{len(blocks)} blocks (at most {MAX_BLOCKS})"
    for block in blocks:
        kind = block.get("type")
        text = (block.get("text") or {}).get("text", "")
        if kind in TEXT_LIMITS and len(text) > TEXT_LIMITS[kind]:
            return f"a {kind} of {len(text)} characters"
        if kind == "context" and len(block.get("elements", [])) > MAX_CONTEXT_ELEMENTS:
            return "a context with more than 10 elements"
        for element in block.get("elements", []) if kind == "actions" else []:
            if (
                len(element["text"]["text"]) > MAX_BUTTON_TEXT
                or len(element.get("value", "")) > MAX_BUTTON_VALUE
            ):
                return "a button's text or value too long"
            if len(element["action_id"]) > MAX_ACTION_ID:
                return "an action_id too long"
    return None


@dataclass
class Workspace:
    team_id: str
    name: str
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    users: dict[str, JSON] = field(default_factory=dict)
    usergroups: list[JSON] = field(default_factory=list)


@dataclass
class Call:
    method: str
    params: JSON
    token: str | None
    at: float


@dataclass
class Install:
    """What `oauth.v2.access` answers for one authorization code."""

    team_id: str
    installer: str
    expires_in: int | None = None  # set: token rotation is on


class FakeSlack:
    def __init__(
        self, app_id: str = "A0THREAD", client_id: str = "111.222", client_secret: str = "shh"
    ) -> None:
        self.app_id = app_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, tuple[str, float | None]] = {}  # bot token -> (team, expires at)
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> team
        self.app_tokens: set[str] = set()
        self.codes: dict[str, Install] = {}
        self.not_joined: set[str] = set()
        self.calls: list[Call] = []
        self.responses: list[tuple[str, JSON]] = []
        self.messages: list[JSON] = []  # what chat.postMessage accepted, with its `ts`, as updated since
        self.refused: list[tuple[str, str]] = []  # (method, why) for messages Slack would refuse
        self.violations: list[str] = []
        """Calls that differ from Slack's Web API description (tests/specs): answered `invalid_arguments`,
        and the fake fails its test on leaving unless the test cleared them."""
        self.holds: dict[str, asyncio.Event] = {}  # method -> answered only once the event is set
        self._rate_limits: dict[str, list[int]] = {}
        self._ts = itertools.count(1)
        self._tokens = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._connected = asyncio.Event()
        self._acks: dict[str, asyncio.Future[JSON]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.add_routes(
            [
                web.route("*", "/api/{method}", self._api),
                web.post("/respond/{key}", self._respond),
                web.get("/link/", self._socket),
            ]
        )
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        for ws in list(self._sockets):
            await ws.close()
        for future in self._acks.values():
            future.cancel()
        assert self._runner is not None
        await self._runner.cleanup()
        if exc[0] is None:
            assert not self.violations, self.violations

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{key}"

    # setup

    def add_workspace(
        self, team_id: str, token: str, *, expires_in: float | None = None, **users: JSON
    ) -> Workspace:
        workspace = self.workspaces.setdefault(team_id, Workspace(team_id, f"Team {team_id}"))
        workspace.users.update(users)
        self.tokens[token] = (team_id, time.time() + expires_in if expires_in is not None else None)
        return workspace

    def add_user(self, team_id: str, user_id: str, name: str, **flags: bool) -> None:
        self.workspaces[team_id].users[user_id] = {
            "id": user_id,
            "team_id": team_id,
            "name": name.lower(),
            "real_name": name,
            "profile": {"display_name": name, "real_name": name},
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            **flags,
        }

    def add_usergroup(self, team_id: str, group_id: str, handle: str, users: list[str]) -> None:
        self.workspaces[team_id].usergroups.append(
            {"id": group_id, "team_id": team_id, "handle": handle, "name": handle.title(), "users": users}
        )

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` answer 429 with `Retry-After: retry_after`."""
        self._rate_limits.setdefault(method, []).extend([retry_after] * times)

    def hold(self, method: str) -> asyncio.Event:
        """Calls of `method` wait (recorded, unanswered) until the returned event is set."""
        return self.holds.setdefault(method, asyncio.Event())

    def expire(self, token: str) -> None:
        team, _ = self.tokens[token]
        self.tokens[token] = (team, time.time() - 1)

    # what happened

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def posts(self) -> list[JSON]:
        return [call.params for call in self.called("chat.postMessage")]

    def ephemerals(self) -> list[JSON]:
        return [call.params for call in self.called("chat.postEphemeral")]

    def updates(self) -> list[JSON]:
        """What the bot asked `chat.update` to put in place of a message (channel, ts, text, blocks)."""
        return [call.params for call in self.called("chat.update")]

    def replacements(self) -> list[tuple[str, JSON]]:
        """What was posted to a response_url with `replace_original: true` (key, body)."""
        return [(key, body) for key, body in self.responses if body.get("replace_original") is True]

    # Socket Mode

    async def wait_connected(self, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            await self._connected.wait()

    async def send_envelope(self, kind: str, payload: JSON, timeout: float = 3.0) -> tuple[JSON, float]:
        """Send an envelope to the connected app; return its ack and how long the ack took (seconds)."""
        if kind == "events_api":
            problems = check_event_callback(payload)
            assert not problems, problems  # the test's stand-in for Slack must send what Slack describes
        envelope_id = uuid.uuid4().hex
        future: asyncio.Future[JSON] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        started = time.monotonic()
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        async with asyncio.timeout(timeout):
            ack = await future
        return ack, time.monotonic() - started

    # handlers

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        if request.query.get("ticket") != "t-1":
            raise web.HTTPForbidden()
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": self.app_id}}
        )
        self._connected.set()
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self._acks.pop(str(data.get("envelope_id")), None)
            if future is not None and not future.done():
                future.set_result(data)
        return ws

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        problem = block_problem(body.get("blocks", []))
        if problem is not None:
            self.refused.append(("response_url", problem))
            return web.Response(status=400, text="invalid_blocks")
        self.responses.append((request.match_info["key"], body))
        return web.Response(text="ok")

    async def _params(self, request: web.Request) -> JSON:
        params: JSON = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        return params

    @staticmethod
    def _token(request: web.Request, params: JSON) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        token = params.get("token")
        return str(token) if token else None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        token = self._token(request, params)
        self.calls.append(Call(method, params, token, time.monotonic()))
        mismatches = check_call(
            method,
            params,
            json_body=request.content_type == "application/json",
            header_token=request.headers.get("Authorization", "").startswith("Bearer "),
        )
        if mismatches:
            self.violations += mismatches
            # What Slack answers arguments it cannot take; slack_sdk raises it as a SlackApiError.
            return web.json_response(
                {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": mismatches}}
            )
        if method in self.holds:
            await self.holds[method].wait()
        limits = self._rate_limits.get(method)
        if limits:
            wait = limits.pop(0)
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(wait)}
            )
        if method == "oauth.v2.access":
            return web.json_response(self._oauth(request, params))
        if method == "apps.connections.open":
            if token not in self.app_tokens:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket=t-1"})
        workspace, error = self._workspace(token)
        if workspace is None:
            return web.json_response({"ok": False, "error": error})
        handler = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "users.info": self._users_info,
            "usergroups.list": self._usergroups_list,
        }.get(method)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        if method.startswith("chat."):
            refused = self._refusal(method, params)
            if refused is not None:
                return web.json_response(refused)
        return web.json_response(handler(workspace, params))

    def _refusal(self, method: str, params: JSON) -> JSON | None:
        """Slack's answer to a message over its limits (and the reason, kept for the test's assertion)."""
        if len(str(params.get("text") or "")) > MAX_TEXT_CHARS:
            self.refused.append((method, "text too long"))
            return {"ok": False, "error": "msg_too_long"}
        problem = block_problem(params.get("blocks", []))
        if problem is not None:
            self.refused.append((method, problem))
            return {"ok": False, "error": "invalid_blocks", "errors": [problem]}
        return None

    def _workspace(self, token: str | None) -> tuple[Workspace | None, str]:
        if token is None:
            return None, "not_authed"
        if token not in self.tokens:
            return None, "invalid_auth"
        team, expires_at = self.tokens[token]
        if expires_at is not None and expires_at < time.time():
            return None, "token_expired"
        return self.workspaces[team], ""

    def _auth_test(self, workspace: Workspace, params: JSON) -> JSON:
        return {
            "ok": True,
            "url": f"https://{workspace.team_id.lower()}.slack.com/",
            "team": workspace.name,
            "user": "threadbot",
            "team_id": workspace.team_id,
            "user_id": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, workspace: Workspace, params: JSON) -> JSON:
        channel = str(params.get("channel", ""))
        if channel in self.not_joined:
            return {"ok": False, "error": "not_in_channel"}
        ts = f"1700000000.{next(self._ts):06d}"
        self.messages.append({**params, "ts": ts})
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": params.get("text"), "ts": ts}}

    def _posted(self, params: JSON) -> JSON | None:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        return next((m for m in self.messages if m.get("channel") == channel and m["ts"] == ts), None)

    def _update(self, workspace: Workspace, params: JSON) -> JSON:
        """chat.update of a message chat.postMessage accepted (an ephemeral one has no `ts` to update)."""
        message = self._posted(params)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.update({key: params[key] for key in ("text", "blocks") if key in params}, edited=True)
        return {"ok": True, "channel": message["channel"], "ts": message["ts"], "text": message.get("text")}

    def _delete(self, workspace: Workspace, params: JSON) -> JSON:
        message = self._posted(params)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        self.messages.remove(message)
        return {"ok": True, "channel": message["channel"], "ts": message["ts"]}

    def _post_ephemeral(self, workspace: Workspace, params: JSON) -> JSON:
        if str(params.get("channel", "")) in self.not_joined:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}

    def _users_info(self, workspace: Workspace, params: JSON) -> JSON:
        user = workspace.users.get(str(params.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _usergroups_list(self, workspace: Workspace, params: JSON) -> JSON:
        return {"ok": True, "usergroups": workspace.usergroups}

    def _client_ok(self, request: web.Request, params: JSON) -> bool:
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        else:
            client_id, secret = str(params.get("client_id")), str(params.get("client_secret"))
        return client_id == self.client_id and secret == self.client_secret

    def _new_bot_token(self, team_id: str, expires_in: int | None) -> JSON:
        token = (
            f"xoxe.xoxb-{team_id}-{next(self._tokens)}"
            if expires_in
            else f"xoxb-{team_id}-{next(self._tokens)}"
        )
        self.tokens[token] = (team_id, time.time() + expires_in if expires_in else None)
        answer: JSON = {"access_token": token, "token_type": "bot"}
        if expires_in:
            refresh = f"xoxe-1-{team_id}-{next(self._tokens)}"
            self.refresh_tokens[refresh] = team_id
            answer |= {"refresh_token": refresh, "expires_in": expires_in}
        return answer

    def _oauth(self, request: web.Request, params: JSON) -> JSON:
        if not self._client_ok(request, params):
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            team = self.refresh_tokens.pop(str(params.get("refresh_token")), None)
            if team is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, "team": {"id": team}, **self._new_bot_token(team, 43200)}
        install = self.codes.pop(str(params.get("code")), None)
        if install is None:
            return {"ok": False, "error": "invalid_code"}
        workspace = self.workspaces[install.team_id]
        return {
            "ok": True,
            "app_id": self.app_id,
            "authed_user": {"id": install.installer},
            "scope": "app_mentions:read,chat:write,commands,users:read,usergroups:read",
            "bot_user_id": workspace.bot_user_id,
            "team": {"id": workspace.team_id, "name": workspace.name},
            "enterprise": None,
            "is_enterprise_install": False,
            **self._new_bot_token(workspace.team_id, install.expires_in),
        }
