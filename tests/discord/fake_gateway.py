"""The fake gateway websocket: HELLO, heartbeats, IDENTIFY/READY, dispatches, RECONNECT and RESUME.

Sharding as Discord does it: a session identifies with `shard: [id, count]` (none: `[0, 1]`) and gets the
events of the guilds with `(guild_id >> 22) % count == id`, and of DMs on shard 0. Every connected session
that covers a guild gets its events, so two processes identifying as the same shard both hear everything, as
they would on Discord. Each IDENTIFY's arrival time is kept, to check the spacing Discord requires.

Like Discord, it closes with 4014 (Disallowed intents) when the bot asks for a privileged intent that is not
switched on in the developer portal (`portal_intents`).

The gateway is not part of Discord's OpenAPI description, so its frames are not schema-checked like the REST
fake's requests. Frames are plain JSON text (discord.py asks for zlib-stream but reads text frames as they
are). Events sent while the bot is disconnected are kept and replayed when it resumes, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import time
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
    shard: tuple[int, int] = (0, 1)
    """(shard id, shard count) as identified."""

    def covers(self, guild_id: int | None) -> bool:
        """Discord's routing: a guild's events go to shard (guild_id >> 22) % count; DMs to shard 0."""
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)


@dataclass(frozen=True, slots=True)
class Identified:
    """An IDENTIFY as it arrived: when (monotonic seconds) and for which shard."""

    at: float
    shard: tuple[int, int]


def guild_of(event: str, payload: JSON) -> int | None:
    """The guild an event belongs to (None: a DM, or not a guild event)."""
    found = payload.get("id") if event in ("GUILD_CREATE", "GUILD_UPDATE") else payload.get("guild_id")
    return int(found) if found is not None else None


class FakeGateway:
    def __init__(
        self,
        token: str,
        on_identify: Callable[[Session], list[tuple[str, JSON]]],
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
        self.identified: list[Identified] = []
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
            shard = data.get("shard") or [0, 1]
            self.identified.append(Identified(time.monotonic(), (int(shard[0]), int(shard[1]))))
            if data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            asked = int(data.get("intents") or 0)
            if asked & PRIVILEGED_INTENTS & ~self.portal_intents:
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            for earlier in self.sessions.values():
                if earlier.ws is ws:  # identifying again on this socket replaces its session
                    earlier.ws = None
            session = Session(id=uuid.uuid4().hex, ws=ws, shard=self.identified[-1].shard)
            self.sessions[session.id] = session
            self.current = session
            for event, payload in self.on_identify(session):
                await self._send(session, event, payload)
        elif op == RESUME:
            self.resumes.append(data)
            self.changed()
            await self.resume_gate.wait()
            resumed = self.sessions.get(data.get("session_id", ""))
            if resumed is None or data.get("token") != self.token:
                await ws.send_json({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
                return
            for earlier in self.sessions.values():
                if earlier.ws is ws:
                    earlier.ws = None
            resumed.ws = ws
            for seq, event, payload in resumed.events:
                if seq > (data.get("seq") or 0):
                    await ws.send_json({"op": DISPATCH, "t": event, "s": seq, "d": payload})
            await self._send(resumed, "RESUMED", {})
        self.changed()

    @property
    def intents(self) -> int:
        """The intents the connected bot identified with (0 before it has)."""
        return int(self.identifies[-1].get("intents") or 0) if self.identifies else 0

    def sessions_for(self, guild_id: int | None) -> list[Session]:
        """The connected sessions that get a guild's events; if none is connected, the latest one that covers
        the guild (it keeps them for its resume)."""
        covering = [s for s in self.sessions.values() if s.covers(guild_id)]
        connected = [s for s in covering if s.ws is not None and not s.ws.closed]
        return connected or covering[-1:]

    async def dispatch(self, event: str, payload: JSON) -> None:
        """Send an event to the sessions of its guild's shard, or keep it for the resume if the bot is away."""
        targets = self.sessions_for(guild_of(event, payload))
        if not targets:
            raise RuntimeError("no gateway session for this event's shard: is the bot connected?")
        for session in targets:
            await self._send(session, event, payload)

    async def _send(self, session: Session, event: str, payload: JSON) -> None:
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
