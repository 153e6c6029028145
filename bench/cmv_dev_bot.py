"""The real-thread dev set through the bot, as a user meets it: each of the 8 dev threads imported as a Reddit thread
is (comments with their parent ids and authors, the post's title as the archive's title, the post's body not a
comment), then `stance <claim> --all` asked on the console and read once complete.

Unlike bench/cmv_dev.py (the engine on the labelled comments alone), this measures what the user sees: which
comments retrieval brings to the claim at all, and how the settled answer labels them. A labelled comment the
answer does not list counts as not counted (wrong). The two acceptance threads are refused, as in cmv_dev.py.

    .venv/bin/python bench/cmv_dev_bot.py [--show-errors]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from cmv_dev import HELD_OUT, TREES, load

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.models import StanceReply
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord

SPACE = "console:local"
ROUNDS = 5


def thread_records(conv: dict[str, Any]) -> list[CommentRecord]:
    """The thread's comments as a Reddit import stores them: top-level comments have no parent (the post is not a
    comment), replies name their parent's id."""
    records: list[CommentRecord] = []
    root = conv["tree"][0]

    def walk(node: dict[str, Any], parent: str | None) -> None:
        for child in node.get("children", []):
            records.append(CommentRecord(source_id=child["id"], parent_id=parent, text=child["text"],
                                         author=child.get("speaker")))  # fmt: skip
            walk(child, child["id"])

    walk(root, None)
    return records


async def main_async(show_errors: bool) -> None:
    rows = load()
    trees = {c["conversation_id"]: c for c in json.loads(TREES.read_text(encoding="utf-8"))}
    wanted = sorted({r["thread"] for r in rows})
    assert not set(wanted) & HELD_OUT
    by_claim: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_claim[(r["thread"], r["claim"])].append(r)
    predicted: dict[tuple[str, str], str] = {}  # (claim, comment id) -> label in the settled answer
    with tempfile.TemporaryDirectory() as tmp:
        async with open_bot(Settings(db=Path(tmp) / "dev.db")) as bot:
            ctx = bot.context
            names = {}
            for n, thread in enumerate(wanted):
                conv = trees[thread]
                name = f"cmv{n}"
                records = thread_records(conv)
                await ctx.stores.archives.import_records(SPACE, name, records, created_at=iso(utc_now()),
                                                         title=conv["title"])  # fmt: skip
                names[thread] = name
            console = ConsoleAdapter(bot, channel="dev")
            for (thread, claim), labelled in by_claim.items():
                ask = f"stance {claim} --archive {names[thread]} --all"
                reply = await console.ask(ask)
                for _ in range(ROUNDS):  # until an ask finds nothing left to read (vectors embedded meanwhile
                    await bot.finish()  # bring more candidates to a later ask); each reading done completes it
                    reply = await console.ask(ask)
                    if isinstance(reply, StanceReply) and not reply.partial:
                        break
                assert isinstance(reply, StanceReply) and not reply.partial, reply.note
                comments = await ctx.stores.archives.get_comments([item.comment_id for item in reply.items])
                source = {c.id: c.source_id for c in comments}
                for item in reply.items:
                    predicted[(claim, source[item.comment_id])] = item.label
                c = reply.counts
                print(f"{claim[:60]!r}: {c.agree}/{c.disagree}/{c.neutral}/{c.unrelated} "
                      f"(agree/disagree/neutral/unrelated), {len(labelled)} labelled", flush=True)  # fmt: skip
    sided = [r for r in rows if r["label"] in ("agree", "disagree")]
    got = [predicted.get((r["claim"], r["comment_id"]), "not counted") for r in sided]
    right = sum(g == r["label"] for g, r in zip(got, sided, strict=True))
    print(f"\nside accuracy through the bot: {right / len(sided):.3f} ({right}/{len(sided)}); "
          f"not counted {got.count('not counted')}, wrong side "
          f"{sum(g in ('agree', 'disagree') and g != r['label'] for g, r in zip(got, sided, strict=True))}")
    confusion = Counter((r["label"], predicted.get((r["claim"], r["comment_id"]), "not counted")) for r in rows)
    for gold in ("agree", "disagree", "neutral", "unrelated"):
        print(f"  {gold:>9}: " + ", ".join(f"{p} {n}" for (g, p), n in sorted(confusion.items()) if g == gold))
    if show_errors:
        for g, r in zip(got, sided, strict=True):
            if g != r["label"]:
                print(f"    {r['comment_id']} gold {r['label']} -> {g}: {r['text'][:90]!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-errors", action="store_true")
    asyncio.run(main_async(parser.parse_args().show_errors))


if __name__ == "__main__":
    main()
