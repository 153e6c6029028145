"""One enormous comment cannot stall the bot: it is stored as parts of a bounded size, and `quote` on it
answers quickly while other commands go on."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from adapters.console import ConsoleAdapter
from adapters.importing import ImportReport, import_files
from bench.synth import comments
from bot.core import Bot
from bot.models import QuotesReply, Reply
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord
from storage.splitting import MAX_COMMENT_CHARS, split_long

HUGE_BYTES = 3_000_000


def huge_line() -> str:
    """About 3 MB of sentences on one line (no blank line to split a text file at)."""
    parts: list[str] = []
    size = 0
    for record in comments(20_000, seed=3):
        parts.append(record.text)
        size += len(record.text) + 1
        if size >= HUGE_BYTES:
            break
    return " ".join(parts) + " zeppelinword."


async def import_file(bot: Bot, path: Path, archive: str) -> ImportReport:
    """Import one file into `archive` (console:local), detecting its format."""
    return await import_files(
        bot.context.stores.archives,
        [path],
        space_key="console:local",
        archive=archive,
        fmt=None,
        max_bytes=10**9,
        created_at=iso(utc_now()),
    )


async def test_a_3mb_comment_is_stored_in_parts_and_quoted_quickly(bot: Bot, tmp_path: Path) -> None:
    """A single-line 3 MB text file becomes parts of at most MAX_COMMENT_CHARS; `quote` on it takes < 2 s and
    an `archives` asked meanwhile is not held up behind it."""
    path = tmp_path / "huge.txt"
    path.write_text(huge_line() + "\n", encoding="utf-8")
    report = await import_file(bot, path, "huge")
    assert report.result.added > HUGE_BYTES // MAX_COMMENT_CHARS
    rows = await bot.context.stores.database.fetchall(
        "SELECT source_id, length(text) FROM comments WHERE archive_id = ?", [report.result.archive.id]
    )
    assert max(int(r[1]) for r in rows) <= MAX_COMMENT_CHARS
    first = min(str(r[0]) for r in rows)
    assert {f"{first.split('#')[0]}#p2"} <= {str(r[0]) for r in rows}
    console = ConsoleAdapter(bot)

    async def timed(text: str) -> tuple[Reply, float]:
        started = time.perf_counter()
        reply = await console.ask(text)
        return reply, time.perf_counter() - started

    (quote, quote_s), (_listing, listing_s) = await asyncio.gather(
        timed("quote the --archive huge"), timed("archives")
    )
    assert isinstance(quote, QuotesReply) and quote.quotes, quote
    assert quote_s < 2.0 and listing_s < 2.0, (quote_s, listing_s)


async def test_a_reimport_of_the_huge_file_adds_nothing(bot: Bot, tmp_path: Path) -> None:
    """Parts have stable ids and texts, so importing the same file again adds none of them."""
    path = tmp_path / "huge.txt"
    path.write_text(huge_line()[:300_000] + "\n", encoding="utf-8")

    async def once() -> int:
        return (await import_file(bot, path, "h")).result.added

    assert await once() >= 300_000 // MAX_COMMENT_CHARS
    assert await once() == 0


def test_parts_split_at_paragraphs_then_sentences_then_spaces_and_keep_every_word() -> None:
    """Each part fits the limit; paragraphs stay whole when they fit; no word is lost or reordered."""
    paragraph = " ".join(f"Sentence number {n} ends here." for n in range(30))  # ~900 characters
    text = "\n\n".join([paragraph] * 5) + "\n\n" + "x" * 2500 + " tail"
    record = CommentRecord(source_id="c1", text=text, parent_id="p0", author="ann")
    parts = split_long([record, CommentRecord(source_id="short", text="Short.")], limit=1000)
    assert [p.source_id for p in parts][:3] == ["c1", "c1#p2", "c1#p3"] and parts[-1].source_id == "short"
    assert all(len(p.text) <= 1000 for p in parts)
    assert all(p.parent_id == "p0" and p.author == "ann" for p in parts[:-1])
    assert parts[0].text.startswith(f"(part 1 of {len(parts) - 1}) ")
    assert parts[0].text.removeprefix(f"(part 1 of {len(parts) - 1}) ") == paragraph
    bodies = [p.text.split(") ", 1)[1] for p in parts[:-1]]
    assert "".join("".join(bodies).split()) == "".join(text.split())
