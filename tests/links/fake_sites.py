"""One loopback web server playing every site a link import reads: HN's Algolia API, Reddit, Discourse,
Substack, WordPress's REST API and Mastodon, serving the real responses in tests/fixtures/threads.

Tests change `docs` to make the thread change between imports, and script `faults` (429 with Retry-After, 500,
slow answers, JSON cut off, redirects) that apply to the next matching requests. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

THREADS = Path(__file__).resolve().parents[1] / "fixtures" / "threads"
FILES = {
    "hn": "hn_items_17.json",
    "reddit": "reddit_graw_thread.json",
    "reddit_more": "reddit_graw_more.json",
    "discourse": "discourse_topic_57.json",
    "substack_post": "substack_post.json",
    "substack_comments": "substack_comments.json",
    "wordpress_post": "wordpress_post.json",
    "wordpress_comments": "wordpress_comments.json",
    "mastodon_status": "mastodon_status.json",
    "mastodon_context": "mastodon_context.json",
}
EMPTY_MORE = {"json": {"errors": [], "data": {"things": []}}}
REDDIT_BRANCH = re.compile(r"^/comments/1cebxh/_/(\w+)\.json$")
BRANCH_REPLIES = 2  # replies behind each "continue this thread" stub (written here: the fixture has none)


def reddit_branch(thread: Any, comment_id: str) -> Any:
    """What Reddit answers for a comment's permalink: the post, then that comment with the replies that sat
    behind its "continue this thread" stub (made-up words, in Reddit's shape)."""
    stack = list(thread[1]["data"]["children"])
    while stack:
        thing = stack.pop()
        data = thing.get("data", {})
        if thing.get("kind") == "t1" and data.get("id") == comment_id:
            break
        replies = data.get("replies")
        if isinstance(replies, dict):
            stack.extend(replies["data"]["children"])
    else:
        raise web.HTTPNotFound()
    parent = copy.deepcopy(thing)
    replies = [
        {
            "kind": "t1",
            "data": {
                "id": f"{comment_id}r{n}",
                "name": f"t1_{comment_id}r{n}",
                "parent_id": f"t1_{comment_id}",
                "link_id": "t3_1cebxh",
                "author": f"deep{n}",
                "body": f"Reply {n} deep in the branch under {comment_id}: the note is still on the fridge.",
                "created_utc": 1366000000 + n,
                "permalink": f"/r/self/comments/1cebxh/_/{comment_id}r{n}/",
                "replies": "",
            },
        }
        for n in range(1, BRANCH_REPLIES + 1)
    ]
    parent["data"]["replies"] = {"kind": "Listing", "data": {"children": replies}}
    return [thread[0], {"kind": "Listing", "data": {"children": [parent]}}]


def load(name: str) -> Any:
    return json.loads((THREADS / FILES[name]).read_text(encoding="utf-8"))


@dataclass
class Fault:
    """What the next `times` requests whose path contains `path` get instead of their answer."""

    path: str
    kind: str  # "status", "slow", "truncate", "redirect"
    times: int = 1
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    location: str = ""


@dataclass
class Seen:
    path: str  # with its query
    user_agent: str


class FakeSites:
    def __init__(self) -> None:
        self.docs: dict[str, Any] = {name: load(name) for name in FILES}
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.discourse_chunk = 2  # posts a topic answer carries; the rest come from /posts.json
        self.wordpress_page_max = 3  # the largest page the site serves, whatever per_page asks
        self.more_served = 0
        self.branches_served: list[str] = []
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._route)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fault(self, path: str, kind: str, **details: Any) -> None:
        self.faults.append(Fault(path, kind, **details))

    def paths(self) -> list[str]:
        return [seen.path.split("?")[0] for seen in self.seen]

    def _fault_for(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path in path and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    async def _route(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(Seen(request.path_qs, request.headers.get("User-Agent", "")))
        fault = self._fault_for(request.path_qs)
        if fault is not None and fault.kind == "status":
            return web.json_response({"error": "injected"}, status=fault.status, headers=fault.headers)
        if fault is not None and fault.kind == "redirect":
            raise web.HTTPFound(fault.location)
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
        answer = self._answer(request)
        if fault is not None and fault.kind == "truncate" and answer.body is not None:
            body = bytes(answer.body)  # type: ignore[arg-type]
            return web.Response(body=body[: len(body) // 2], content_type="application/json")
        return answer

    def _answer(self, request: web.Request) -> web.Response:
        path, query = request.path, request.query
        docs = self.docs
        if path == "/api/v1/items/17":
            return web.json_response(docs["hn"])
        if path == "/comments/1cebxh.json":
            return web.json_response(docs["reddit"])
        branch = REDDIT_BRANCH.match(path)
        if branch is not None:
            self.branches_served.append(branch.group(1))
            return web.json_response(reddit_branch(docs["reddit"], branch.group(1)))
        if path == "/api/morechildren.json":
            self.more_served += 1
            return web.json_response(docs["reddit_more"] if self.more_served == 1 else EMPTY_MORE)
        if path == "/t/57.json":
            topic = copy.deepcopy(docs["discourse"])
            topic["post_stream"]["posts"] = topic["post_stream"]["posts"][: self.discourse_chunk]
            return web.json_response(topic)
        if path == "/t/57/posts.json":
            wanted = {int(value) for value in query.getall("post_ids[]", [])}
            posts = [p for p in docs["discourse"]["post_stream"]["posts"] if p["id"] in wanted]
            return web.json_response({"post_stream": {"posts": posts}, "id": 57})
        if path == "/api/v1/posts/tokenmaxxing":
            return web.json_response(docs["substack_post"])
        if path == f"/api/v1/post/{docs['substack_post']['id']}/comments":
            return web.json_response(docs["substack_comments"])
        if path == "/wp-json/wp/v2/posts":
            found = [docs["wordpress_post"]] if query.get("slug") == docs["wordpress_post"]["slug"] else []
            return web.json_response(found)
        if path == f"/wp-json/wp/v2/posts/{docs['wordpress_post']['id']}":
            return web.json_response(docs["wordpress_post"])
        if path == "/wp-json/wp/v2/comments":
            return self._wordpress_page(request)
        if path == f"/api/v1/statuses/{docs['mastodon_status']['id']}":
            return web.json_response(docs["mastodon_status"])
        if path == f"/api/v1/statuses/{docs['mastodon_status']['id']}/context":
            return web.json_response(docs["mastodon_context"])
        return web.json_response({"error": "Record not found"}, status=404)

    def _wordpress_page(self, request: web.Request) -> web.Response:
        comments = [c for c in self.docs["wordpress_comments"] if str(c["post"]) == request.query.get("post")]
        size = min(int(request.query.get("per_page", "10")), self.wordpress_page_max)
        page = int(request.query.get("page", "1"))
        pages = max(1, math.ceil(len(comments) / size))
        if page > pages:
            return web.json_response({"code": "rest_comment_invalid_page_number"}, status=400)
        headers = {"X-WP-Total": str(len(comments)), "X-WP-TotalPages": str(pages)}
        return web.json_response(comments[(page - 1) * size : page * size], headers=headers)
