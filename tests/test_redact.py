"""Tokens are redacted from log records of every logger, whichever handler writes them (adapters/redact.py)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from adapters import redact

SLACK = ["xoxb-1234-5678-AbCdEf", "xoxp-1-2-3", "xoxe-1-T123-2", "xoxe.xoxb-1-abc", "xapp-1-A0THREAD-1-ff"]
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456"


@pytest.fixture
def installed() -> Iterator[None]:
    factory = logging.getLogRecordFactory()
    redact.install()
    yield
    logging.setLogRecordFactory(factory)


def test_token_shapes_are_redacted_and_their_kind_kept() -> None:
    """Every Slack token kind and a Discord token are replaced; ordinary text and dotted names are not."""
    for token in [*SLACK, DISCORD]:
        assert token not in redact.redact(f"token={token}&x=1")
    assert redact.redact("xoxe.xoxb-1-abc") == "xoxe.xoxb-[redacted]"
    plain = "slack_sdk.web.async_base_client sent 3 messages to C1 (1700000000.000001)"
    assert redact.redact(plain) == plain


def test_a_handler_added_later_and_a_logger_that_does_not_propagate_see_no_token(installed: None) -> None:
    """As after `logging.basicConfig` or in a library with its own handler: the record is redacted when made."""
    late, own = io.StringIO(), io.StringIO()
    root_handler = logging.StreamHandler(late)
    logging.getLogger().addHandler(root_handler)
    private = logging.getLogger("tests.redact.private")
    private.propagate = False
    private_handler = logging.StreamHandler(own)
    private.addHandler(private_handler)
    private.setLevel(logging.DEBUG)
    try:
        logging.getLogger("tests.redact").warning("response: %s", {"access_token": SLACK[0]})
        private.debug("INSERT ... %r", (DISCORD, SLACK[3]))
        try:
            raise RuntimeError(f"refused {SLACK[2]}")
        except RuntimeError:
            logging.getLogger("tests.redact").exception("failed")
    finally:
        logging.getLogger().removeHandler(root_handler)
        private.removeHandler(private_handler)
    written = late.getvalue() + own.getvalue()
    assert "access_token" in written and "INSERT" in written and "RuntimeError" in written
    assert not [token for token in [*SLACK, DISCORD] if token in written]
