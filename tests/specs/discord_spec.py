"""Checks a request to Discord's REST API against Discord's own OpenAPI description (v10).

The operation is found by method and path template (`/channels/{channel_id}/messages`, with a literal
segment such as `@original` preferred over a `{message_id}` parameter); then the path parameters, the query
parameters and the JSON body (for multipart, its `payload_json` part) are validated against what the
operation declares. A request the description does not know at all is a mismatch too.

What this cannot check: the gateway (IDENTIFY, heartbeats, RESUME) is not part of the OpenAPI description,
and neither are rules that span fields or depend on the interaction (which callback types suit which
interaction, Discord's total embed size); `tests/discord/fake_limits.py` keeps those.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry

from tests.specs import load
from tests.specs.schemas import problems, registry, validator

FILE = "discord_openapi.json"
URI = "urn:threadbot:discord-openapi"
JSON_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    template: str
    segments: tuple[str, ...]

    @property
    def literal_segments(self) -> int:
        return sum(not s.startswith("{") for s in self.segments)


def _allowances(spec: dict[str, Any]) -> dict[str, Any]:
    """The description with the quirks where it is stricter than the live API relaxed (a shallow copy; the
    loaded file stays as published). Each one is narrow and says why.

    - `SnowflakeType` is a decimal string only, but Discord reads an id given as a JSON integer as well, and
      discord.py sends ids that way (`message_reference.message_id`, `allowed_mentions.users`). Discord sends
      ids as strings (so big numbers survive JavaScript); it never asked requests to.
    """
    schemas = dict(spec["components"]["schemas"])
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
    return spec | {"components": spec["components"] | {"schemas": schemas}}


@cache
def _registry() -> Registry[Any]:
    return registry(URI, _allowances(load(FILE)))


@cache
def _operations() -> tuple[Operation, ...]:
    methods = {"get", "put", "post", "patch", "delete"}
    return tuple(
        Operation(method, template, tuple(template.strip("/").split("/")))
        for template, item in load(FILE)["paths"].items()
        for method in item
        if method in methods
    )


def find(method: str, path: str) -> Operation | None:
    """The operation for `method` on `path` (`/channels/1/messages`, without `/api/v10`), if described."""
    parts = tuple(path.strip("/").split("/"))
    found = [
        op
        for op in _operations()
        if op.method == method.lower()
        and len(op.segments) == len(parts)
        and all(t.startswith("{") or t == p for t, p in zip(op.segments, parts, strict=True))
    ]
    return max(found, key=lambda op: op.literal_segments, default=None)


@cache
def _body_validator(op: Operation) -> Draft202012Validator | None:
    body = load(FILE)["paths"][op.template][op.method].get("requestBody")
    if body is None:
        return None
    at = ("paths", op.template, op.method, "requestBody", "content", JSON_TYPE, "schema")
    return validator(_registry(), URI, *at)


@cache
def _parameters(op: Operation) -> dict[tuple[str, str], tuple[dict[str, Any], Draft202012Validator]]:
    """The operation's parameters by (where, name), with a validator for each: those of the path item,
    overridden by the operation's own."""
    item = load(FILE)["paths"][op.template]
    found: dict[tuple[str, str], tuple[dict[str, Any], Draft202012Validator]] = {}
    own = item[op.method].get("parameters", [])
    for parts, listed in (((), item.get("parameters", [])), ((op.method,), own)):
        for index, parameter in enumerate(listed):
            at = ("paths", op.template, *parts, "parameters", str(index), "schema")
            found[parameter["in"], parameter["name"]] = (parameter, validator(_registry(), URI, *at))
    return found


BOOLEAN_TEXT = {"true": True, "True": True, "1": True, "false": False, "False": False, "0": False}
"""How Discord reads a boolean query string (its reference, "Boolean Query Strings"); discord.py sends `1`."""


def _from_text(value: str, schema: dict[str, Any]) -> Any:
    """A path or query value as the type its schema names (all arrive as text): `true`, `5` become JSON."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "boolean" in kinds and value in BOOLEAN_TEXT:
        return BOOLEAN_TEXT[value]
    if "integer" in kinds and value.lstrip("-").isdigit():
        return int(value)
    return value


def check_request(method: str, path: str, query: dict[str, str], body: Any, *, has_body: bool) -> list[str]:
    """Every way the request differs from Discord's description; empty when it matches."""
    op = find(method, path)
    where = f"{method} {path}"
    if op is None:
        return [f"{where}: no such operation in Discord's OpenAPI description"]
    where = f"{method} {op.template}"
    found: list[str] = []
    parameters = _parameters(op)
    given = {("query", name): value for name, value in query.items()}
    given |= {
        ("path", t.strip("{}")): value
        for t, value in zip(op.segments, path.strip("/").split("/"), strict=True)
        if t.startswith("{")
    }
    for (place, name), value in given.items():
        if (place, name) not in parameters:
            found.append(f"{where}: {place} parameter {name!r} is not described")
            continue
        parameter, check = parameters[place, name]
        found += problems(check, _from_text(value, parameter["schema"]), f"{where} {place} {name}")
    for (place, name), (parameter, _) in parameters.items():
        if parameter.get("required") and (place, name) not in given:
            found.append(f"{where}: required {place} parameter {name!r} is missing")
    if _body_validator(op) is None:
        if has_body:
            found.append(f"{where}: a body sent to an operation that takes none")
    elif not has_body:
        found.append(f"{where}: no body, but the operation requires one")
    else:
        found += _body_problems(op, json.dumps(body, sort_keys=True))
    return found


@lru_cache(maxsize=256)
def _body_problems(op: Operation, body: str) -> tuple[str, ...]:
    """The body's mismatches, remembered by its text: the bot syncs the same command list (a big union
    schema, a fifth of a second to check) into every guild in every test."""
    check = _body_validator(op)
    assert check is not None
    return tuple(problems(check, json.loads(body), f"{op.method.upper()} {op.template} body"))
