"""Prompt tests are about scheduling and choosing prompts: the bot runs on the word-based fallback."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _word_based(no_models: None) -> None:
    """No models: reply pairs are judged by word cues (tests/stance covers the models)."""
