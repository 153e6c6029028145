"""Command lines for the fuzz, built from what each command declares (its names, options and argument), so a
command added to the registry is typed at once, with no list here to update.

A line mixes what a user means to type (an option with a fitting value, the kind of text the argument wants,
a value offered by autocomplete) with what breaks parsers: odd numbers, quotes, dashes, mentions, markdown,
control characters, lone surrogates and very long words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hypothesis import strategies as st

from bot.registry import CommandSpec, Option, Registry

NUMBERS = (
    "0", "1", "2", "3", "-1", "+1", "007", "1.5", "1e9", "0x1f", "NaN", "inf", "-0", "9" * 25, "9" * 400,
    "9223372036854775808", "18446744073709551616", "\u2460", "\u00b2", "\u0663", "\u0663\u0660", "\U0001d7d7",
    "\u216b", "\u00bd", "\u0661\u0662\u0663\u0664", "#1", "#\u00b2", "##1",
)  # fmt: skip
QUOTES = ('"', "'", '"unbalanced', "it's", "\u201csmart\u201d", "\u00ab", "`", "```", "\\", '""', "''")
DASHES = (
    "--", "---", "--=", "--bogus", "--bogus=1", "\u2014", "\u2014\u2014all", "\u2013\u2013", "-", "--=x",
    "---archive", "--archive=", "--all=",
)  # fmt: skip
MENTIONS = (
    "@everyone", "@here", "@channel", "<@123>", "<@!123>", "<@&5>", "<#9>", "<!everyone>", "<!here>",
    "<!channel>", "<!subteam^S0123>", "<@U0123ABC>", "<@U0123ABC|ann>", "\uff20everyone", "<@&>", "<@",
    "@everyone@here", "<<@123>>",
)  # fmt: skip
MARKDOWN = (
    "**bold**", "__under__", "~~gone~~", "||spoiler||", ">", "> quoted", "# Heading",
    "[link](https://evil.example)", "<https://evil.example|safe>", "&amp;", "&lt;!here&gt;", "*", "_", "|",
    "```py\nprint()\n```",
)  # fmt: skip
CONTROL = (
    "\x00", "\x07", "\x1b[31m", "\u200b", "\u202e", "\ufeff", "\x85", "\u2028", "\x1c", "\x7f", "\t", "\r",
    "\r\n", "\n", "\n\n",
)  # fmt: skip
BROKEN_TEXT = (
    "\ud800", "\udfff", "\udce9", "a\ud83dz", "\ufffd", b"caf\xe9 \xff\xfe".decode("utf-8", "replace"),
)  # fmt: skip
LONG = ("x" * 300, "word " * 150, "y" * 3000, "z" * 4100)
WORDS = (
    "tokens", "thinking", "claim:", "claim", "cron", "daily", "weekdays", "mon-fri", "09:00", "25:61", "24:00",
    "clear", "on", "off", "yes", "today", "tomorrow", "fri", "2025-02-30", "9999-12-31", "0001-01-01", "UTC",
    "Europe/Berlin", "Europe/Nowhere", "../../etc/passwd", "null", "None", "true", "minutes", "45", "45m",
)  # fmt: skip
HOSTILE = NUMBERS + QUOTES + DASHES + MENTIONS + MARKDOWN + CONTROL + BROKEN_TEXT + LONG + WORDS

ARGUMENT_TEXT: Mapping[str, Sequence[str]] = {
    "query": ("tokens", "chain of thought", "LeCun"),
    "claim": ("tokens are thinking", "chain of thought is just more tokens", "LeCun is right"),
    "when": (
        "09:00 mon,wed,fri Europe/Berlin", "cron 0 9 * * 1-5 UTC", "18:30 daily", "07:15 weekdays UTC",
        "cron 61 25 * * * UTC", "09:00 feb", "cron 0 9 30 2 * UTC", "9 daily", "09:00 sun-mon",
    ),
    "on|off": ("on", "off"),
    "title and date": ("Part 2 2030-01-01", "Chapter 1 tomorrow", "Intro fri", "Notes 2020-01-01", "9999-12-31"),
    "number": ("1", "2", "#1"),
    "id": ("1", "2", "#1"),
    "n": ("1", "2"),
    "names": ("ann <@1001> @mod", "<@U0123ABC>, bob;", ",;"),
    "topic": (
        "Tokens claim: tokens are thinking 45", "Part two 30 minutes", "Chapter 2", "claim: only a claim",
        "Topic claim:", "Tokens 4 min", "Tokens 9999",
    ),
    "text": ("Is a longer chain of thought more thinking?", "?"),
    "choice": ("agree", "disagree", "pass", "+1", "abstain"),
}  # fmt: skip
"""Valid-looking text for an argument, by the argument's declared name; any other name gets the general words."""

OPTION_VALUES: Mapping[str, Sequence[str]] = {
    "minutes": ("45", "5", "480", "4", "481", "\u0664\u0665", "45m", "-5"),
    "role": ("debaters", "@everyone", "<@&5>", "@here", "<!subteam^S0123>"),
    "comment": ("1", "#2", "3", "99999", "-1"),
}
"""Valid-looking values of an option that has no autocomplete source, by the option's name."""

PREFIXES = ("", "!", "/", "", "?", " ", "\n", "! ", "")  # none most often, as people type
SEPARATORS = (" ", " ", " ", "  ", "\t", "\n", "\u3000", "\x1c")  # mostly a space; str.split takes them all

TEXT = st.text(st.characters(exclude_categories=()), max_size=30)
"""Any characters at all, lone surrogates included."""


def _fitting(source: str | None, by_name: Sequence[str], choices: Mapping[str, Sequence[str]]) -> list[str]:
    """What a user who means it would type: autocomplete's values for the source, then the known kinds."""
    return [*(choices.get(source, ()) if source else ()), *by_name]


def _value(option: Option, choices: Mapping[str, Sequence[str]]) -> st.SearchStrategy[str]:
    fitting = _fitting(option.choices_from, OPTION_VALUES.get(option.name, ()), choices)
    hostile = st.sampled_from(HOSTILE) | TEXT
    return (st.sampled_from(fitting) | hostile) if fitting else hostile


def _option_words(option: Option, choices: Mapping[str, Sequence[str]]) -> st.SearchStrategy[str]:
    """The option as typed: right, with `=`, with a phone's dash, shouting, with its value missing or extra."""
    dash = st.sampled_from(("--", "--", "\u2014", "\u2013\u2013"))
    name = st.sampled_from((option.name, option.name, option.name.upper()))
    if not option.takes_value:
        return st.builds(
            lambda d, n, v: f"{d}{n}{v}", dash, name, st.sampled_from(("", "", "=", "=1", "=yes"))
        )
    value = _value(option, choices)
    return st.one_of(
        st.builds(lambda d, n, v: f"{d}{n} {v}", dash, name, value),
        st.builds(lambda d, n, v: f"{d}{n}={v}", dash, name, value),
        st.builds(lambda d, n: f"{d}{n}", dash, name),  # the value missing (at the end, or before an option)
    )


def _argument(spec: CommandSpec, choices: Mapping[str, Sequence[str]]) -> st.SearchStrategy[str]:
    param = spec.param
    fitting = _fitting(param.choices_from, ARGUMENT_TEXT.get(param.name, ()), choices) if param else []
    return st.sampled_from(fitting or WORDS)


def _name_words(registry: Registry) -> list[str]:
    """Every word of every command name and alias: a subcommand where none belongs, a name twice."""
    words = {
        word for spec in registry.specs() for name in (spec.name, *spec.aliases) for word in name.split()
    }
    return sorted(words)


def _spoken(spec: CommandSpec) -> st.SearchStrategy[str]:
    """The command's name or an alias, in any case, its words apart by any white space."""

    def say(name: str, case: int, gap: str) -> str:
        cased = (name, name.upper(), name.title())[case]
        return gap.join(cased.split())

    return st.builds(
        say, st.sampled_from((spec.name, *spec.aliases)), st.integers(0, 2), st.sampled_from(SEPARATORS)
    )


def command_lines(
    spec: CommandSpec, registry: Registry, choices: Mapping[str, Sequence[str]]
) -> st.SearchStrategy[str]:
    """Lines that start with `spec`'s name, perhaps its argument, then words: two in three of them meant (an
    option, the argument's kind of text), the rest anything (another command's words, hostile words, any text)."""
    argument = _argument(spec, choices)
    meant = st.one_of(*(_option_words(option, choices) for option in spec.options), argument)
    anything = st.one_of(st.sampled_from(_name_words(registry)), st.sampled_from(HOSTILE), TEXT)
    tail = st.lists(st.tuples(st.sampled_from(SEPARATORS), meant | meant | anything), max_size=8)
    return st.builds(
        lambda prefix, name, first, rest: prefix + name + first + "".join(gap + text for gap, text in rest),
        st.sampled_from(PREFIXES),
        _spoken(spec),
        st.just("") | argument.map(lambda text: " " + text),
        tail,
    )
