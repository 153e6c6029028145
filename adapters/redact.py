"""Keeps Slack and Discord tokens out of every log line, the libraries' included (slack_sdk logs OAuth
responses at DEBUG, aiosqlite the INSERT of an installation).

`install()` puts `RedactTokens` on the root logger's handlers and wraps the log record factory, so a record
from any logger is redacted when it is made, whichever handler (added now or later) ends up writing it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

# xoxb-/xoxp-/xoxa-/xoxr- tokens, xoxe-1-... refresh tokens, xoxe.xoxb-... rotated tokens, xapp- app tokens,
# and Discord's three dot-separated base64 parts (user id, timestamp, HMAC).
TOKEN = re.compile(
    r"(?P<kind>(?:xoxe\.)?xox[abpre]-|xapp-)[\w-]+"
    r"|(?<![\w-])[\w-]{24,}\.[\w-]{6}\.[\w-]{27,}"
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with every token-shaped string replaced; the Slack token's kind (`xoxb-`) is kept."""
    return TOKEN.sub(lambda found: (found["kind"] or "") + REDACTED, text)


def redact_record(record: logging.LogRecord) -> None:
    """Rewrite a record in place so neither its message, its arguments nor its traceback hold a token."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it later, with our redacted arguments
        message = str(record.msg)
    if TOKEN.search(message) or (record.args and TOKEN.search(repr(record.args))):
        record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        trace = logging.Formatter().formatException(record.exc_info)
        if TOKEN.search(trace):  # else each formatter formats it its own way, as before
            record.exc_text = redact(trace)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactTokens(logging.Filter):
    """A handler filter: lets every record through, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


class _RedactingFactory:
    """The log record factory, wrapped: each record is redacted as it is made."""

    def __init__(self, make: Callable[..., logging.LogRecord]) -> None:
        self.make = make

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.make(*args, **kwargs)
        redact_record(record)
        return record


def install() -> None:
    """Redact tokens in every log record from now on (idempotent; the entry points and runtimes call it)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(existing, RedactTokens) for existing in handler.filters):
            handler.addFilter(RedactTokens())
    make = logging.getLogRecordFactory()
    if not isinstance(make, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(make))
