"""Numbers typed by users: digits that are not ASCII (`①`, `²`) and numbers too large for the database are
refused with a usage hint, never an internal error (bot/numbers.py)."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.models import ErrorReply

HUGE = "99999999999999999999"


@pytest.fixture(autouse=True)
def _word_based(no_models: None) -> None:
    """The number checks, not the models."""


@pytest.mark.parametrize(
    "command",
    [
        *(f"{name} {number}" for name in ("prompt approve", "prompt reject") for number in ("①", "²", HUGE)),
        *(f"{name} {number}" for name in ("session recap", "reading remove") for number in ("①", "²", HUGE)),
        "prompt approve #²",
    ],
)
async def test_a_number_that_is_not_one_is_a_usage_error(console: ConsoleAdapter, command: str) -> None:
    """The reply names the input and says how to write the number."""
    reply = await console.ask(command)
    assert isinstance(reply, ErrorReply), reply
    assert "Something went wrong" not in reply.message and reply.hint
    assert command.split()[-1].lstrip("#")[:20] in reply.message


async def test_a_comment_number_too_large_for_the_database_is_not_found(console: ConsoleAdapter) -> None:
    """`stance fix` with a number beyond SQLite's integers says there is no such comment."""
    reply = await console.ask(f"stance fix {HUGE} agree remote work is better")
    assert isinstance(reply, ErrorReply), reply
    assert reply.message == f"There is no comment #{HUGE} in this space's archives." and reply.hint


async def test_ordinary_numbers_still_work(console: ConsoleAdapter) -> None:
    """`#3` and `3` still name suggestion 3; 0 and a missing one are still not found."""
    assert (await console.ask("prompt suggest What would change your mind about remote work?")).type == "text"
    approved = await console.ask("prompt approve #1")
    assert approved.type == "text" and "approved" in (approved.title or "")
    for command, message in [
        ("prompt reject 2", "There is no suggestion #2 in this channel."),
        ("reading remove 0", "There is no reading 0 in this channel."),
        ("session recap 0", "`0` is not a session number."),
    ]:
        reply = await console.ask(command)
        assert isinstance(reply, ErrorReply) and reply.message == message


@pytest.mark.parametrize("command", ["stance fix ² agree remote work", "stance fix --comment ² --label agree remote work"])
async def test_a_comment_number_that_is_not_one_is_a_usage_error(console: ConsoleAdapter, command: str) -> None:
    """`stance fix` with a superscript (which `str.isdigit` takes) asks for a comment number."""
    reply = await console.ask(command)
    assert isinstance(reply, ErrorReply), reply
    assert "Something went wrong" not in reply.message and "comment" in reply.message and reply.hint
