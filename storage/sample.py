"""The bundled sample thread, imported into the shared space of every fresh database so every command
works at once."""

from __future__ import annotations

from importlib import resources

from storage.importers.detect import FORMATS
from storage.interface import SHARED_SPACE, Store

SAMPLE_ARCHIVE = "sample"
SAMPLE_TITLE = "Comments on an essay about tokenmaxxing, chain-of-thought and LeCun"
SAMPLE_FILE = "sample_thread.txt"


def sample_bytes() -> bytes:
    return resources.files("storage").joinpath("seed", SAMPLE_FILE).read_bytes()


async def ensure_sample(store: Store, created_at: str) -> None:
    """Import the sample once (dated `created_at`); later calls find it and add nothing."""
    if await store.find_archive(SHARED_SPACE, SAMPLE_ARCHIVE) is not None:
        return
    parsed = FORMATS["text"](sample_bytes(), SAMPLE_FILE)
    await store.import_records(
        SHARED_SPACE,
        SAMPLE_ARCHIVE,
        parsed.records,
        created_at=created_at,
        title=SAMPLE_TITLE,
        source="bundled sample",
    )
