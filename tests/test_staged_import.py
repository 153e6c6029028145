"""What a dead import left staged is invisible to every read, and the next import removes it and counts right."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import import_writer
from storage.importers.records import CommentRecord
from storage.stores import Stores, open_stores

CREATED = "2025-03-10T18:00:00+00:00"
SPACE = "console:local"


def thread(prefix: str, n: int) -> list[CommentRecord]:
    """A root and replies to it, all by `prefix`-author, each with the word zebra."""
    root = CommentRecord(source_id=f"{prefix}0", text=f"{prefix} root about zebra stripes", author=prefix)
    replies = [
        CommentRecord(
            source_id=f"{prefix}{k}",
            text=f"{prefix} reply {k} on zebra",
            parent_id=f"{prefix}0",
            author=prefix,
        )
        for k in range(1, n)
    ]
    return [root, *replies]


class Killed(Exception):
    """Stands in for the process dying mid-import."""


async def stage_and_die(
    stores: Stores, monkeypatch: pytest.MonkeyPatch, records: list[CommentRecord]
) -> None:
    """An import into archive `t` that commits a few chunks and then dies, leaving them staged."""

    async def nothing(_db: object) -> int:
        return 0

    def die(done: int, total: int) -> None:
        if done < total:
            raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(import_writer, "discard_staged", nothing)
        patch.setattr(import_writer, "FIRST_CHUNK", 3)
        patch.setattr(import_writer, "MIN_CHUNK", 3)
        patch.setattr(import_writer, "MAX_CHUNK", 3)
        with pytest.raises(Killed):
            await stores.archives.import_records(SPACE, "t", records, created_at=CREATED, progress=die)


async def test_staged_comments_of_an_existing_archive_are_invisible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staged replies in a published archive: counts, search, random, prompts, vectors and deletes skip them."""
    stores = await open_stores(tmp_path / "s.db")
    try:
        first = await stores.archives.import_records(SPACE, "t", thread("old", 4), created_at=CREATED)
        archive_id = first.archive.id
        await stage_and_die(stores, monkeypatch, thread("new", 9))
        staged = await stores.database.fetchall("SELECT count(*) FROM comments WHERE source_id LIKE 'new%'")
        assert int(staged[0][0]) == 3
        archive = await stores.archives.find_archive(SPACE, "t")
        assert archive is not None and archive.comment_count == 4
        hits = await stores.archives.search([archive_id], "zebra", 50)
        assert {h.comment.author for h in hits} == {"old"}
        for _ in range(20):
            picked = await stores.archives.random_comment([archive_id], set())
            assert picked is not None and picked.author == "old"
        pairs = await stores.prompts.reply_pairs(archive_id, None, 50)
        assert pairs and all(p.reply.author == "old" for p in pairs)
        assert all(
            p.reply.author == "old" for p in await stores.prompts.reply_pairs(archive_id, '"zebra"', 50)
        )
        vectors = stores.vectors.for_model("m")
        assert (await vectors.corpus_state()).max_id == max(h.comment.id for h in hits)
        assert await vectors.count_pending() == 4
        assert await stores.archives.delete_comments_by_author(SPACE, "t", "new") == 0

        again = await stores.archives.import_records(SPACE, "t", thread("new", 9), created_at=CREATED)
        assert again.added == 9 and again.archive.comment_count == 13
        rows = await stores.database.fetchall("SELECT count(*) FROM comments")
        assert int(rows[0][0]) == 13
    finally:
        await stores.close()


async def test_an_archive_created_by_a_dead_import_is_hidden_then_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new archive stays unlisted and undeletable while staged; the next import (another archive) drops it."""
    stores = await open_stores(tmp_path / "s.db")
    try:
        await stage_and_die(stores, monkeypatch, thread("new", 9))
        assert await stores.archives.find_archive(SPACE, "t") is None
        assert await stores.archives.list_archives(SPACE) == []
        assert await stores.archives.delete_archive(SPACE, "t") is False
        await stores.archives.import_records(SPACE, "other", thread("o", 2), created_at=CREATED)
        assert [a.name for a in await stores.archives.list_archives(SPACE)] == ["other"]
        rows = await stores.database.fetchall(
            "SELECT count(*), (SELECT count(*) FROM archives) FROM comments"
        )
        assert (int(rows[0][0]), int(rows[0][1])) == (2, 1)
        await stores.database.fetchall("INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')")
    finally:
        await stores.close()
