"""What the fake Discord refuses, as the real one does: over-long messages and embeds, malformed commands.

Each check returns a list of problems; the fake answers 400 (50035 Invalid Form Body) when it is not empty.
"""

from __future__ import annotations

import re
from typing import Any

JSON = dict[str, Any]

_NAME = re.compile(r"^[-_\w]{1,32}$")


def check_message(data: JSON, *, creating: bool = True) -> list[str]:
    problems: list[str] = []
    content = data.get("content")
    if content is not None and len(content) > 2000:
        problems.append(f"content: {len(content)} > 2000 characters")
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"embeds: {len(embeds)} > 10")
    total = 0
    for index, embed in enumerate(embeds):
        for key, limit in (("title", 256), ("description", 4096)):
            value = embed.get(key) or ""
            total += len(value)
            if len(value) > limit:
                problems.append(f"embeds[{index}].{key}: {len(value)} > {limit}")
        for key, limit in (("footer", 2048), ("author", 256)):
            value = (embed.get(key) or {}).get("text" if key == "footer" else "name") or ""
            total += len(value)
            if len(value) > limit:
                problems.append(f"embeds[{index}].{key}: {len(value)} > {limit}")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embeds[{index}].fields: {len(fields)} > 25")
        for f in fields:
            total += len(f.get("name", "")) + len(f.get("value", ""))
            if len(f.get("name", "")) > 256 or len(f.get("value", "")) > 1024:
                problems.append(f"embeds[{index}].fields: name > 256 or value > 1024")
        url = embed.get("url")
        if url is not None and not str(url).startswith(("http://", "https://")):
            problems.append(f"embeds[{index}].url: not a web URL: {url!r}")
    if total > 6000:
        problems.append(f"embeds: {total} > 6000 characters in total")
    problems += check_components(data.get("components") or [])
    if creating and not content and not embeds:
        problems.append("empty message (50006)")
    return problems


def buttons_of(message: JSON) -> list[JSON]:
    """The buttons in a message's action rows."""
    rows = message.get("components") or []
    return [c for row in rows for c in row.get("components") or [] if c.get("type") == 2]


def check_components(rows: list[JSON]) -> list[str]:
    """Action rows of buttons: at most 5 rows of 5, custom ids of 1-100 characters, unique, labels <= 80."""
    problems = [f"components: {len(rows)} > 5 action rows"] if len(rows) > 5 else []
    custom_ids: list[str] = []
    for index, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(items) <= 5:
            problems.append(f"components[{index}]: an action row holds 1-5 components")
        for item in items:
            if item.get("type") != 2:
                continue
            custom_id = str(item.get("custom_id") or "")
            if item.get("style") != 5 and not 1 <= len(custom_id) <= 100:
                problems.append(f"button {item.get('label')!r}: custom_id must be 1-100 characters")
            if len(str(item.get("label") or "")) > 80:
                problems.append(f"button {item.get('label')!r}: label over 80 characters")
            custom_ids.append(custom_id)
    if len(set(custom_ids)) != len(custom_ids):
        problems.append(f"components: duplicate custom ids {custom_ids}")
    return problems


def _check_options(options: list[JSON], where: str, depth: int) -> list[str]:
    problems: list[str] = []
    if len(options) > 25:
        problems.append(f"{where}: {len(options)} > 25 options")
    names = [o.get("name", "") for o in options]
    if len(set(names)) != len(names):
        problems.append(f"{where}: duplicate option names {names}")
    seen_optional = False
    for option in options:
        name = option.get("name", "")
        if not _NAME.match(name) or name != name.lower():
            problems.append(f"{where}.{name}: bad name")
        if not 1 <= len(option.get("description", "")) <= 100:
            problems.append(f"{where}.{name}: description must be 1-100 characters")
        kind = option.get("type")
        if kind in (1, 2):
            if depth >= 2 or (kind == 2 and depth >= 1):
                problems.append(f"{where}.{name}: subcommands nested too deep")
            problems += _check_options(option.get("options") or [], f"{where}.{name}", depth + 1)
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(f"{where}.{name}: required option after an optional one")
        else:
            seen_optional = True
        if option.get("autocomplete") and option.get("choices"):
            problems.append(f"{where}.{name}: autocomplete and choices together")
    return problems


def check_commands(commands: list[JSON]) -> list[str]:
    problems: list[str] = []
    if len(commands) > 100:
        problems.append(f"{len(commands)} > 100 commands")
    names = [c.get("name", "") for c in commands]
    if len(set(names)) != len(names):
        problems.append(f"duplicate command names {names}")
    for command in commands:
        name = command.get("name", "")
        if not _NAME.match(name) or name != name.lower():
            problems.append(f"/{name}: bad name")
        if not 1 <= len(command.get("description", "")) <= 100:
            problems.append(f"/{name}: description must be 1-100 characters")
        problems += _check_options(command.get("options") or [], f"/{name}", 0)
    return problems


def check_choices(choices: list[JSON]) -> list[str]:
    problems = [f"{len(choices)} > 25 choices"] if len(choices) > 25 else []
    for choice in choices:
        if not 1 <= len(str(choice.get("name", ""))) <= 100 or len(str(choice.get("value", ""))) > 100:
            problems.append(f"choice {choice!r}: name 1-100, value at most 100 characters")
    return problems
