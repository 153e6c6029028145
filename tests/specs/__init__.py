"""The platforms' published API descriptions (copied beside this file) and checkers built on them.

Loading a description takes a few tens of milliseconds, so each is read once per test session.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> dict[str, Any]:
    """The description `name` (a file beside this module), parsed once per session; treat it as read-only."""
    data: dict[str, Any] = json.loads((HERE / name).read_text(encoding="utf-8"))
    return data
