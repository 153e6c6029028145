"""The seams hold: the core imports no chat SDK and no SQLite driver, SQL lives in storage/, nobody opens a store
up with `getattr`, and a feature reaches another feature only through its package (its unit), never its modules.

Each rule is a function over source text, checked against the project and against a small example that breaks
it, so a rule that stopped finding anything would fail here too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SDKS = ("discord", "slack_bolt", "slack_sdk", "aiosqlite", "psycopg", "psycopg_pool")
FEATURES = (
    "bot.features.archives",
    "bot.features.help",
    "bot.features.links",
    "bot.features.quote",
    "bot.features.stance",
    "bot.prompts",
    "bot.sessions",
)
"""Feature packages (or modules): each exports one unit from its top; everything below it is its own."""
SQL = re.compile(
    r"^\s*(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIRTUAL)"
    r"|ALTER\s+TABLE|DROP\s+(TABLE|INDEX)|PRAGMA\s+\w+|WITH\s+\w+\s+AS\s*\()",
    re.DOTALL,
)
"""A statement as the project writes SQL: keywords in capitals (named statements, STYLE.md)."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(*folders: str) -> dict[str, str]:
    """Module name -> source of every Python file below these top-level folders."""
    found = {}
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*.py")):
            found[module_name(path)] = path.read_text(encoding="utf-8")
    return found


def imported(source: str) -> set[str]:
    """Every module an import statement names, TYPE_CHECKING ones included (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sdk_imports(source: str) -> set[str]:
    return {name for name in imported(source) if name.split(".")[0] in SDKS}


def sql_strings(source: str) -> list[str]:
    """String constants that are SQL statements."""
    return [
        node.value[:60]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value)
    ]


def getattr_on_store(source: str) -> list[str]:
    """`getattr(<something naming a store>, ...)` calls: a seam opened up instead of used."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
            target = ast.unparse(node.args[0]) if node.args else ""
            if re.search(r"stores?\b|\bdb\b|database", target):
                found.append(ast.unparse(node))
    return found


def feature_of(module: str) -> str | None:
    return next((f for f in FEATURES if module == f or module.startswith(f + ".")), None)


UNIT_NAMES = {"feature", "commands"}
"""What a feature's top may be asked for by others: its unit and its commands."""


def foreign_internals(module: str, source: str) -> set[str]:
    """What `module` takes from inside another feature: a module below its top, or a name from its top other
    than its unit."""
    own = feature_of(module)
    bad: set[str] = set()

    def check(name: str, taken: str | None) -> None:
        other = feature_of(name)
        if other is None or other == own:
            return
        if name != other:
            bad.add(name)
        elif taken is not None and taken not in UNIT_NAMES:
            bad.add(f"{name}.{taken}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(alias.name, None)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"
                if feature_of(whole) is not None and feature_of(node.module) is None:
                    check(whole, None)  # `from bot import sessions`: the feature itself
                else:
                    check(node.module, alias.name)
    return bad


def test_the_core_imports_no_chat_sdk_and_no_sqlite_driver() -> None:
    found = {module: sdk_imports(source) for module, source in sources("bot").items()}
    assert {module: names for module, names in found.items() if names} == {}


def test_sql_appears_only_in_storage() -> None:
    found = {module: sql_strings(source) for module, source in sources("bot", "adapters").items()}
    assert {module: sql for module, sql in found.items() if sql} == {}


def test_nothing_calls_getattr_on_a_store() -> None:
    found = {module: getattr_on_store(source) for module, source in sources("bot", "adapters", "storage").items()}
    assert {module: calls for module, calls in found.items() if calls} == {}


def test_the_database_under_the_stores_is_for_tools_and_tests_only() -> None:
    """`Stores.database` exists for maintenance and tests; the bot and its adapters use the typed stores."""
    found = {module: source.count("stores.database") for module, source in sources("bot", "adapters").items()}
    assert {module: n for module, n in found.items() if n} == {}


def test_a_feature_reaches_another_only_through_its_unit() -> None:
    found = {
        module: foreign_internals(module, source)
        for module, source in sources("bot").items()
        if feature_of(module) is not None
    }
    assert {module: names for module, names in found.items() if names} == {}


def test_storage_imports_nothing_above_it() -> None:
    found = {
        module: {n for n in imported(source) if n.split(".")[0] in ("bot", "adapters")}
        for module, source in sources("storage").items()
    }
    assert {module: names for module, names in found.items() if names} == {}


@pytest.mark.parametrize(
    ("check", "module", "source"),
    [
        (sdk_imports, "bot.x", "import discord\n"),
        (sdk_imports, "bot.x", "from slack_sdk.web.async_client import AsyncWebClient\n"),
        (sdk_imports, "bot.x", "import aiosqlite\n"),
        (sql_strings, "bot.x", 'Q = """\nSELECT id FROM comments WHERE x = ?"""\n'),
        (sql_strings, "bot.x", "conn.execute('INSERT INTO votes (a) VALUES (?)', (1,))\n"),
        (getattr_on_store, "bot.x", "db = getattr(ctx.store, 'db', None)\n"),
        (getattr_on_store, "bot.x", "db = getattr(ctx.stores.archives, 'db', None)\n"),
        (foreign_internals, "bot.sessions.sides", "from bot.features.stance.pipeline import count_claim\n"),
        (foreign_internals, "bot.prompts.pool", "from bot.features.quote import to_quote\n"),
        (foreign_internals, "bot.prompts.pool", "from bot.sessions import common\n"),
    ],
)
def test_each_rule_finds_what_breaks_it(check: object, module: str, source: str) -> None:
    """A rule that no longer finds its own counterexample would let the project drift silently."""
    found = check(module, source) if check is foreign_internals else check(source)  # type: ignore[operator]
    assert found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("bot.features", "from bot import prompts, sessions\nfrom bot.features import stance\n"),
        ("bot.features.help", "from bot.features.stance import feature\n"),
        ("bot.features.stance.commands", "from bot.features.stance.pipeline import count_claim\n"),
        ("bot.sessions.sides", "from bot.sides import ArchiveSides\nfrom bot.context import Context\n"),
    ],
)
def test_what_the_feature_rule_allows(module: str, source: str) -> None:
    """A feature's own modules, the feature list and neutral core modules are not foreign internals."""
    assert foreign_internals(module, source) == set()


def test_quoting_sql_in_a_message_is_not_sql() -> None:
    assert sql_strings('hint = "Select an archive from the list."\n') == []
