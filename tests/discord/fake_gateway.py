"""The fake gateway websocket: HELLO, heartbeats, IDENTIFY/READY, dispatches, RECONNECT and RESUME.

Like Discord, it closes with 4014 (Disallowed intents) when the bot asks for a privileged intent that is not
switched on in the developer portal (`portal_intents`).

The gateway is not part of Discord's OpenAPI description, so its frames are not schema-checked like the REST
fake's requests. Frames are plain JSON text (discord.py asks for zlib-stream but reads text frames as they
are). Events sent while the bot is disconnected are kept and replayed when it resumes, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

JSON = dict[str, Any]

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0,
    1,
    2,
    6,
    7,
    9,
    10,
    11,
)

GUILD_MEMBERS_INTENT, GUILD_PRESENCES_INTENT, MESSAGE_CONTENT_INTENT = 1 << 1, 1 << 8, 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS_INTENT | GUILD_PRESENCES_INTENT | MESSAGE_CONTENT_INTENT


@dataclass
class Session:
    id: str
    seq: int = 0
    events: list[tuple[int, str, JSON]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None


class FakeGateway:
    def __init__(
        self,
        token: str,
        on_identify: Callable[[], list[tuple[str, JSON]]],
        changed: Callable[[], None],
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self.token = token
        self.on_identify = on_identify  # the READY and GUILD_CREATE events of a new session
        self.changed = changed
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.url = ""
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.identifies: list[JSON] = []
        self.resumes: list[JSON] = []
        self.heartbeats = 0
        self.connections: list[str] = []
        self.sockets: set[web.WebSocketResponse] = set()
        self.portal_intents = 0
        """The privileged intents switched on in the developer portal (none, as for a new application)."""
        self.resume_gate = asyncio.Event()
        """Cleared by a test to hold a RESUME (the bot is away) while it sends events meant to be replayed."""
        self.resume_gate.set()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.add(ws)
        self.connections.append(request.query_string)
        try:
            await ws.send_json(
                {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None}
            )
            async for frame in ws:
                if frame.type is WSMsgType.TEXT:
                    await self._receive(ws, json.loads(frame.data))
        finally:
            self.sockets.discard(ws)
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
            self.changed()
        return ws

    async def _receive(self, ws: web.WebSocketResponse, message: JSON) -> None:
        op, data = message.get("op"), message.get("d")
        if not isinstance(data, dict):
            data = {}
        if op == HEARTBEAT:
            self.heartbeats += 1
            await ws.send_json({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            self.identifies.append(data)
            if data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            asked = int(data.get("intents") or 0)
            if asked & PRIVILEGED_INTENTS & ~self.portal_intents:
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            session = Session(id=uuid.uuid4().hex, ws=ws)
            self.sessions[session.id] = session
            self.current = session
            for event, payload in self.on_identify():
                await self.dispatch(event, payload)
        elif op == RESUME:
            self.resumes.append(data)
            self.changed()
            await self.resume_gate.wait()
            resumed = self.sessions.get(data.get("session_id", ""))
            if resumed is None or data.get("token") != self.token:
                await ws.send_json({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
                return
            resumed.ws = ws
            for seq, event, payload in resumed.events:
                if seq > (data.get("seq") or 0):
                    await ws.send_json({"op": DISPATCH, "t": event, "s": seq, "d": payload})
            await self.dispatch("RESUMED", {})
        self.changed()

    @property
    def intents(self) -> int:
        """The intents the connected bot identified with (0 before it has)."""
        return int(self.identifies[-1].get("intents") or 0) if self.identifies else 0

    async def dispatch(self, event: str, payload: JSON) -> None:
        """Send an event on the current session, or keep it for the resume if the bot is away."""
        session = self.current
        if session is None:
            raise RuntimeError("no gateway session: is the bot connected?")
        session.seq += 1
        session.events.append((session.seq, event, payload))
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_json({"op": DISPATCH, "t": event, "s": session.seq, "d": payload})

    async def reconnect(self) -> None:
        """Op 7: Discord asks the bot to reconnect and resume."""
        session = self.current
        if session is None or session.ws is None:
            raise RuntimeError("no connected session to ask for a reconnect")
        await session.ws.send_json({"op": RECONNECT, "d": None, "s": None, "t": None})

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in list(self.sockets)))
