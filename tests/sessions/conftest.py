"""Fixtures of the session tests: the bot's clock made settable, and a recording poster for the console."""

from __future__ import annotations

import pytest

from bot.core import Bot
from tests.sessions.support import Clock, RecordingPoster


@pytest.fixture(autouse=True)
def _word_based(no_models: None) -> None:
    """Session mechanics, not the models: sides come from the word-based fallback (tests/stance covers them)."""


@pytest.fixture
def clock(bot: Bot) -> Clock:
    clock = Clock()
    bot.context.clock = clock
    return clock


@pytest.fixture
def poster(bot: Bot) -> RecordingPoster:
    poster = RecordingPoster()
    bot.context.posters.register("console", poster)
    return poster
