"""A re-import keyed by source ids (`import_records(sync=...)`): adds only new comments, replaces edited ones and
deletes what the source deleted, all in one publish; comments from files or other links are never touched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.importers.records import CommentRecord
from storage.interface import SyncScope
from storage.stores import Stores, open_stores

CREATED = "2025-03-10T18:00:00+00:00"
SPACE = "console:local"
ORIGIN = "hn:1"


def thread(*texts: str) -> list[CommentRecord]:
    return [CommentRecord(source_id=f"c{k}", text=text, author=f"a{k}") for k, text in enumerate(texts)]


@pytest.fixture
async def stores(tmp_path: Path) -> AsyncIterator[Stores]:
    opened = await open_stores(tmp_path / "sync.db")
    try:
        yield opened
    finally:
        await opened.close()


async def texts(stores: Stores, archive: str = "t") -> dict[str, str]:
    found = await stores.archives.find_archive(SPACE, archive)
    assert found is not None
    rows = await stores.database.fetchall(
        "SELECT source_id, text FROM comments WHERE archive_id = ? ORDER BY source_id", (found.id,)
    )
    return {str(r[0]): str(r[1]) for r in rows}


async def sync(stores: Stores, records: list[CommentRecord], complete: bool = True, gone: frozenset[str] = frozenset(),
               origin: str = ORIGIN):  # fmt: skip
    scope = SyncScope(origin=origin, complete=complete, gone=gone)
    return await stores.archives.import_records(SPACE, "t", records, created_at=CREATED, sync=scope)


async def test_a_re_import_adds_nothing_and_a_changed_source_adds_edits_and_deletes(stores: Stores) -> None:
    first = await sync(stores, thread("alpha zebra", "beta", "gamma"))
    assert (first.added, first.updated, first.deleted) == (3, 0, 0)
    again = await sync(stores, thread("alpha zebra", "beta", "gamma"))
    assert (again.added, again.updated, again.deleted, again.skipped_existing) == (0, 0, 0, 3)

    changed = [*thread("alpha zebra", "beta edited"), CommentRecord("c3", "delta", author="a3")]  # c2 deleted
    result = await sync(stores, changed)
    assert (result.added, result.updated, result.deleted) == (1, 1, 1)
    assert result.archive.comment_count == 3
    assert await texts(stores) == {"c0": "alpha zebra", "c1": "beta edited", "c3": "delta"}
    archive = result.archive
    hits = await stores.archives.search([archive.id], "edited", 5)
    assert [h.comment.source_id for h in hits] == ["c1"]  # the new text is searchable
    assert await stores.archives.search([archive.id], "gamma", 5) == []  # the deleted one is not


async def test_an_incomplete_fetch_deletes_only_tombstones(stores: Stores) -> None:
    await sync(stores, thread("one", "two", "three"))
    result = await sync(stores, thread("one"), complete=False, gone=frozenset({"c2"}))
    assert (result.added, result.deleted) == (0, 1)
    assert set(await texts(stores)) == {"c0", "c1"}


async def test_a_sync_never_deletes_comments_of_a_file_or_another_link(stores: Stores) -> None:
    await stores.archives.import_records(SPACE, "t", [CommentRecord("f1", "from a file")], created_at=CREATED)
    await sync(stores, [CommentRecord("x1", "other link")], origin="reddit:x")
    await sync(stores, thread("mine"))
    result = await sync(stores, [], complete=True)
    assert result.deleted == 1
    assert set(await texts(stores)) == {"f1", "x1"}


async def test_a_file_imported_comment_is_edited_and_then_kept_in_step(stores: Stores) -> None:
    """The same thread imported from its JSON file first: the link's re-import recognises the ids."""
    await stores.archives.import_records(SPACE, "t", thread("old words", "same"), created_at=CREATED)
    result = await sync(stores, thread("new words", "same"))
    assert (result.added, result.updated) == (0, 1)
    gone = await sync(stores, [], complete=True)
    assert gone.deleted == 2  # both now belong to the link
    assert gone.archive.comment_count == 0


async def test_a_failing_re_import_changes_nothing(stores: Stores, monkeypatch: pytest.MonkeyPatch) -> None:
    from storage import import_writer

    await sync(stores, thread("alpha", "beta"))

    async def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_writer, "apply_sync", broken)
    with pytest.raises(RuntimeError):
        await sync(stores, [*thread("alpha", "beta changed"), CommentRecord("c9", "new", author="z")])
    assert await texts(stores) == {"c0": "alpha", "c1": "beta"}
    archive = await stores.archives.find_archive(SPACE, "t")
    assert archive is not None and archive.comment_count == 2
