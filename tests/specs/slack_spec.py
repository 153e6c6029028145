"""Checks a Slack Web API call against Slack's published Web API description, and an Events API callback
against the Events API description.

The Web API description (Swagger 2.0) lists each method's arguments: name, where it goes, a simple type and
whether it is required. From that a JSON Schema is built per method and body encoding, and the call's
arguments are validated with it: required arguments present, no argument the method does not know, and each
of the right type as the encoding carries it (text in a form or query string, JSON values in a JSON body).
An argument the description calls a JSON-encoded string (`blocks`, `attachments`, `view`) must decode, and
be an array where it says "JSON-based array"; in a JSON body Slack takes the decoded value itself.

What it cannot check: Block Kit (the blocks' structure, kinds and limits) is not in the description, so
`tests/slack/fake_slack.py` keeps Slack's documented block limits itself; nor are the rules that span
arguments (`text` or `blocks`, `view_id` or `external_id`), the response_url's body (not a Web API method)
and Socket Mode acks (not described at all). The HTTP verb is not checked: every Web API method takes GET
or POST alike, whatever verb the description happens to list.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from tests.specs import load
from tests.specs.schemas import problems, registry, validator

WEB = "slack_web_openapi_v2.json"
EVENTS = "slack_events_api_async_v1.json"
EVENTS_URI = "urn:threadbot:slack-events-api"

FORM_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    # slack_sdk sends booleans in a form or query string as 1/0; Slack reads true/false too.
    "boolean": {"type": "string", "enum": ["true", "false", "1", "0"]},
    "integer": {"type": "string", "pattern": r"^-?[0-9]+$"},
    "number": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"},
}
JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
}

UNDESCRIBED: dict[str, dict[str, Any]] = {
    # Socket Mode's method (2021) is not in this copy of the description; it takes no argument but the app
    # token, so nothing else may come with it.
    "apps.connections.open": {"token": {"in": "header", "name": "token", "type": "string", "required": True}},
}


EVERY_METHOD: dict[str, dict[str, Any]] = {
    # slack_sdk adds the workspace's `team_id` to every call of a client made for one workspace (Bolt makes
    # one per request), as org-wide tokens need it; Slack reads it wherever it applies and ignores it
    # elsewhere, but the description lists it on only some methods.
    "team_id": {"in": "formData", "name": "team_id", "type": "string"},
}


def _oauth_refresh(schema: dict[str, Any]) -> dict[str, Any]:
    """oauth.v2.access exchanges a refresh token as well (token rotation, added after this copy of the
    description): `grant_type=refresh_token` with `refresh_token` instead of `code`."""
    properties = schema["properties"] | {
        "grant_type": {"type": "string", "enum": ["authorization_code", "refresh_token"]},
        "refresh_token": {"type": "string"},
    }
    required = [name for name in schema["required"] if name != "code"]
    refresh = {"properties": {"grant_type": {"const": "refresh_token"}}, "required": ["grant_type"]}
    return schema | {
        "properties": properties,
        "required": required,
        "if": refresh,
        "then": {"required": ["refresh_token"]},
        "else": {"required": ["code"]},
    }


AMENDED = {"oauth.v2.access": _oauth_refresh}
"""Methods described as they were before the API the bot's libraries use: each amendment says what and why."""


def _parameters(method: str) -> dict[str, dict[str, Any]] | None:
    """The method's arguments by name, or None if the description does not know the method."""
    if method in UNDESCRIBED:
        return UNDESCRIBED[method]
    item = load(WEB)["paths"].get(f"/{method}")
    if item is None:
        return None
    (operation,) = item.values()  # one verb per method in this description
    return EVERY_METHOD | {p["name"]: p for p in operation.get("parameters", [])}


def _json_valued(parameter: dict[str, Any]) -> str | None:
    """'array' or 'value' for an argument the description calls JSON-encoded text; None for plain ones."""
    description = str(parameter.get("description", ""))
    if parameter.get("type") != "string" or "JSON" not in description:
        return None
    return "array" if "JSON-based array" in description else "value"


@cache
def _arguments_validator(method: str, json_body: bool) -> Draft202012Validator | None:
    parameters = _parameters(method)
    if parameters is None:
        return None
    types = JSON_TYPES if json_body else FORM_TYPES
    properties: dict[str, Any] = {}
    for name, parameter in parameters.items():
        kind = _json_valued(parameter)
        if json_body and kind is not None:
            decoded = ["array"] if kind == "array" else ["array", "object"]
            properties[name] = {"type": ["string", *decoded]}
        else:
            properties[name] = types[parameter["type"]]
    # The token is checked apart (`check_call`): the description puts it in a header or the query string,
    # method by method, but Slack takes it from `Authorization` or the arguments on every method.
    required = [n for n, p in parameters.items() if p.get("required") and n != "token"]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if method in AMENDED:
        schema = AMENDED[method](schema)
    return Draft202012Validator(schema)


def _decoded(method: str, params: dict[str, Any]) -> list[str]:
    """Arguments the description calls JSON-encoded text that do not decode (or are not the array it says)."""
    found: list[str] = []
    for name, parameter in (_parameters(method) or {}).items():
        value, kind = params.get(name), _json_valued(parameter)
        if kind is None or not isinstance(value, str):
            continue
        try:
            decoded = json.loads(value)
        except ValueError:
            found.append(f"{method} {name}: not JSON-encoded text")
            continue
        if kind == "array" and not isinstance(decoded, list):
            found.append(f"{method} {name}: the JSON is not an array")
    return found


def check_call(method: str, params: dict[str, Any], *, json_body: bool, header_token: bool) -> list[str]:
    """Every way a Web API call differs from Slack's description; empty when it matches. `params` are the
    query and body arguments together; `header_token` says whether a token came in `Authorization`."""
    parameters = _parameters(method)
    check = _arguments_validator(method, json_body)
    if parameters is None or check is None:
        return [f"{method}: no such method in Slack's Web API description"]
    token = parameters.get("token")
    found: list[str] = []
    if token is not None and token.get("required") and not header_token and "token" not in params:
        found.append(f"{method}: no token (in Authorization or as the `token` argument)")
    found += problems(check, params, method)
    return found + _decoded(method, params)


@cache
def _event_wrapper() -> Draft202012Validator:
    document = load(EVENTS)
    at = ("components", "schemas", "GenericEventWrapper")
    return validator(registry(EVENTS_URI, document), EVENTS_URI, *at)


def check_event_callback(payload: dict[str, Any]) -> list[str]:
    """How an `event_callback` a test sends the bot differs from the Events API's wrapper (the event inside is
    described only as an object with `type` and `event_ts`); empty when it matches."""
    return problems(_event_wrapper(), payload, "event_callback")
