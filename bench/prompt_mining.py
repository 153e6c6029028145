"""Disagreement mining for daily prompts (bot/prompts/mining.py): how often a mined pair really opposes, what the
first prompts of a new channel are, what mining costs, and what `prompt next` costs once the pool is stored.

1. ArguAna (../shared/data/arguana, test split): each debate's arguments (points and their counters, text only,
   no reply structure, no sides) are imported as one plain thread and mined. A mined pair is the prompt's two
   quotes, the one that agrees with the claim and the one that disagrees; it is a real opposing pair when the
   two take opposite sides of the debate (a point's side is its own; a counter argues the other side, so a
   point and its counter always oppose). Among each debate's top 10 mined pairs, the share that oppose; also the
   claim's own comment against the disagreeing quote.
2. The bundled sample: the first 6 prompts of a new channel, how many are disagreements with a quote per side.
3. Time: mining the sample and a 100k-comment archive (ArguAna arguments padded with synthetic comments, as
   bench/command_latency.py builds it), how commands answer meanwhile, and `prompt next` with the pool stored.

Baseline, in the same run: today's pool (the code at `--baseline`, default the commit this work started from),
extracted with `git archive` into a temporary folder and run there on the same threads: the plain threads, and
the same debates with each counter as a reply to its point (the reply structure today's pool needs).

    .venv/bin/python -m bench.prompt_mining [--debates 30] [--size 100000] [--skip-big] [--baseline REF]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bench.command_latency import arguana_records
from bench.synth import comments
from bot.core import Bot
from bot.engine.loader import load_engine
from bot.models import PromptReply
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.importers.records import CommentRecord
from storage.interface import ArchiveInfo
from storage.sqlite_store import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "arguana"
SPACE = "console:local"
BASE_COMMIT = "e9434d4"
TOP = 10


def debates(count: int, seed: int, split: str = "test") -> dict[str, list[dict[str, Any]]]:
    """`count` debates of a split (seeded sample; 0: all), each its arguments in file order."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with (DATA / f"arguments_{split}_part0.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            found[row["debate"]].append(row)
    names = sorted(found)
    if count:
        names = random.Random(seed).sample(names, min(count, len(names)))
    return {name: found[name] for name in names}


def side(row: dict[str, Any]) -> str:
    """The side an argument argues: a point its own, a counter the other."""
    if row["kind"] == "point":
        return str(row["side"])
    return "con" if row["side"] == "pro" else "pro"


def thread(rows: list[dict[str, Any]], replies: bool) -> list[CommentRecord]:
    """A debate as comments (text only); with `replies`, each counter replies to its point."""
    ids = {r["id"] for r in rows}
    out = []
    for r in rows:
        parent = r["id"][:-1] + "a" if replies and r["kind"] == "counter" and r["id"][:-1] + "a" in ids else None
        out.append(CommentRecord(source_id=r["id"], text=r["text"], parent_id=parent))
    return out


def opposing_share(pairs: dict[str, list[tuple[str, str]]], sides: dict[str, str]) -> tuple[int, float | None]:
    """How many pairs, and the share whose two arguments take opposite sides."""
    flat = [(a, b) for found in pairs.values() for a, b in found]
    if not flat:
        return 0, None
    return len(flat), sum(sides[a] != sides[b] for a, b in flat) / len(flat)


# ------------------------------------------------------------------ today's pool (the baseline), run in its own tree

BASELINE_SNIPPET = r"""
import asyncio, json, sys
from pathlib import Path
from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.models import PromptReply
from bot.prompts.pool import archive_candidates
from bot.settings import Settings
from bot.times import now_iso
from storage.importers.records import CommentRecord

async def main(job):
    async with open_bot(Settings(db=Path(job["db"]))) as bot:
        ctx = bot.context
        out = {"threads": {}, "sample": []}
        for name, rows in job["threads"].items():
            records = [CommentRecord(source_id=r[0], text=r[1], parent_id=r[2]) for r in rows]
            archive = (await ctx.stores.archives.import_records("console:local", name, records,
                                                                 created_at=now_iso(ctx))).archive
            found = await archive_candidates(ctx, ctx.stores.prompts, archive)
            out["threads"][name] = {
                "disagreements": [[s[1].source_id for s in c.sides] for c in found if c.kind == "disagreement"],
                "prompts": len(found),
            }
        console = ConsoleAdapter(bot, channel="bench-new")
        for _ in range(6):
            reply = await console.ask("prompt now --archive sample")
            out["sample"].append([reply.kind, [s.label for s in reply.sides]] if isinstance(reply, PromptReply) else [None, []])
    print(json.dumps(out))

asyncio.run(main(json.load(sys.stdin)))
"""


def baseline(ref: str, folder: Path, threads: dict[str, list[CommentRecord]]) -> dict[str, Any]:
    """Today's pool on the same threads and the sample's first 6 prompts, run by the code at `ref`."""
    tree = folder / "baseline"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    tar_path = folder / "baseline.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(tree, filter="data")
    job = {
        "db": str(folder / "baseline.db"),
        "threads": {name: [[r.source_id, r.text, r.parent_id] for r in rows] for name, rows in threads.items()},
    }
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", BASELINE_SNIPPET], cwd=tree, input=json.dumps(job), text=True,
                          capture_output=True, check=True)  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["seconds"] = time.perf_counter() - started
    return result


# ------------------------------------------------------------------ the miner


async def mined_pairs(bot: Bot, archive: ArchiveInfo) -> tuple[list[tuple[str, str]], list[tuple[str, str]], float]:
    """The archive's top disagreements as (agree, disagree) and (claim, disagree) source ids, and mining seconds."""
    miner = bot.context.services.miner
    assert miner is not None
    started = time.perf_counter()
    await miner.mine_now(archive.id)
    seconds = time.perf_counter() - started
    items = [i for i in await bot.context.stores.pools.items(archive.id) if i.source in ("mined", "reply")][:TOP]
    ids = {cid for i in items for cid in (i.comment_id, i.agree_id, i.disagree_id) if cid is not None}
    source = {c.id: c.source_id for c in await bot.context.stores.archives.get_comments(sorted(ids))}
    pairs = [(source[i.agree_id], source[i.disagree_id]) for i in items if i.agree_id and i.disagree_id]
    claims = [(source[i.comment_id], source[i.disagree_id]) for i in items if i.disagree_id]
    return pairs, claims, seconds


async def first_prompts(bot: Bot, count: int = 6) -> list[PromptReply]:
    console = ConsoleAdapter(bot, channel="bench-new")
    found = []
    for _ in range(count):
        reply = await console.ask("prompt now --archive sample")
        assert isinstance(reply, PromptReply), reply
        found.append(reply)
    return found


async def timed(console: ConsoleAdapter, text: str) -> float:
    started = time.perf_counter()
    await console.ask(text)
    return time.perf_counter() - started


async def big_archive(folder: Path, size: int) -> None:
    """Mining a `size`-comment archive right after its import (no vectors yet), commands meanwhile, then
    `prompt next` with the pool stored."""
    records, _ = arguana_records()
    padding = list(comments(max(0, size - len(records)), seed=3))
    store = await SqliteStore.open(folder / "big.db")
    started = time.perf_counter()
    await store.import_records(SPACE, "big", records + padding, created_at=iso(utc_now()))
    await store.close()
    print(f"\nimported {len(records) + len(padding):,} comments ({len(records):,} ArguAna) in "
          f"{time.perf_counter() - started:.0f} s; no vectors yet", flush=True)  # fmt: skip
    async with open_bot(Settings(db=folder / "big.db")) as bot:
        bot.context.services.engine = await asyncio.to_thread(load_engine)
        archive = await bot.context.stores.archives.find_archive(SPACE, "big")
        assert archive is not None and bot.context.services.miner is not None
        console = ConsoleAdapter(bot, channel="bench")
        started = time.perf_counter()
        mining = asyncio.create_task(bot.context.services.miner.mine_now(archive.id))
        during: dict[str, list[float]] = {"prompt next": [], "quote tokens": [], "stance": []}
        claims = ["Nuclear power is a safe way to cut emissions", "Schools should ban mobile phones",
                  "The death penalty deters crime", "Social media does more harm than good"]  # fmt: skip
        while not mining.done():
            await asyncio.sleep(3)
            during["prompt next"].append(await timed(console, "prompt next --archive big"))
            during["quote tokens"].append(await timed(console, "quote tokens --archive big"))
            if claims and len(during["prompt next"]) % 5 == 1:
                during["stance"].append(await timed(console, f"stance {claims.pop()} --archive big"))
        await mining
        seconds = time.perf_counter() - started
        state = await bot.context.stores.pools.state(archive.id)
        items = await bot.context.stores.pools.items(archive.id)
        disagreements = sum(i.source in ("mined", "reply") for i in items)
        print(f"mining the {archive.comment_count:,}-comment archive: {seconds:.0f} s wall, pool stored with "
              f"{disagreements} disagreements and {len(items) - disagreements} other prompts "
              f"({state.comments_read if state else 0} comments read, {state.claims_weighed if state else 0} "
              f"claims weighed, {'complete' if state and state.complete else 'bounded'})", flush=True)  # fmt: skip
        for name, values in during.items():
            if values:
                print(f"  while mining: {name:<12} p50 {statistics.median(values) * 1000:6.0f} ms, max "
                      f"{max(values) * 1000:6.0f} ms over {len(values)}")  # fmt: skip
        await next_cost(console, "big")


async def next_cost(console: ConsoleAdapter, archive: str, rounds: int = 20) -> None:
    await console.ask(f"prompt next --archive {archive}")
    values = sorted([await timed(console, f"prompt next --archive {archive}") for _ in range(rounds)])
    print(f"  prompt next with the pool stored ({archive}): p50 {statistics.median(values) * 1000:.1f} ms, "
          f"max {values[-1] * 1000:.1f} ms over {rounds}", flush=True)  # fmt: skip


async def main_async(args: argparse.Namespace, folder: Path) -> None:
    if args.only_big:
        await big_archive(folder, args.size)
        return
    chosen = debates(args.debates, args.seed, args.split)
    sides = {r["id"]: side(r) for rows in chosen.values() for r in rows}
    plain = {f"d{n}": thread(rows, False) for n, rows in enumerate(chosen.values())}
    replied = {f"d{n}-replies": thread(rows, True) for n, rows in enumerate(chosen.values())}
    print(f"ArguAna {args.split}: {len(chosen)} debates (seed {args.seed}), {len(sides)} arguments", flush=True)

    today = {"threads": {}, "sample": []} if args.no_baseline else baseline(args.baseline, folder, {**plain, **replied})
    for label, names in (("plain threads", plain), ("with counters as replies", replied)):
        if args.no_baseline:
            break
        found = {n: [tuple(p) for p in today["threads"][n]["disagreements"][:TOP]] for n in names}
        count, share = opposing_share(found, sides)  # type: ignore[arg-type]
        shown = "n/a" if share is None else f"{share:.3f}"
        print(f"baseline (today's pool, {args.baseline}), {label}: {count} disagreement pairs in the top {TOP} of "
              f"{len(names)} debates, opposing share {shown}", flush=True)  # fmt: skip
    if not args.no_baseline:
        print(f"baseline sample, first 6 prompts: {[k for k, _ in today['sample']]}", flush=True)

    async with open_bot(Settings(db=folder / "mined.db")) as bot:
        bot.context.services.engine = await asyncio.to_thread(load_engine)
        ctx = bot.context
        pairs: dict[str, list[tuple[str, str]]] = {}
        claims: dict[str, list[tuple[str, str]]] = {}
        seconds: list[float] = []
        for name, records in plain.items():
            archive = (await ctx.stores.archives.import_records(SPACE, name, records, created_at=iso(utc_now()))).archive
            pairs[name], claims[name], took = await mined_pairs(bot, archive)
            seconds.append(took)
            count, share = opposing_share(pairs, sides)
            print(f"  {name}: {len(pairs[name])} pairs, {took:.0f} s; running share {share}", flush=True)
        count, share = opposing_share(pairs, sides)
        claim_count, claim_share = opposing_share(claims, sides)
        per_debate = [len(found) for found in pairs.values()]
        print(f"mined, plain threads: {count} pairs in the top {TOP} of {len(plain)} debates "
              f"(median {statistics.median(per_debate):.0f} per debate, {sum(not n for n in per_debate)} debates with none), "
              f"opposing share {_share(share)}; claim vs disagreeing quote {_share(claim_share)} over {claim_count}; "
              f"mining p50 {statistics.median(seconds):.0f} s per debate", flush=True)  # fmt: skip

        if not args.skip_sample:
            await sample_prompts(bot)
    if not args.skip_big:
        await big_archive(folder, args.size)


def _share(value: float | None) -> str:
    """A share for the report; none when no pair was mined at all."""
    return "none (no pairs)" if value is None else f"{value:.3f}"


async def sample_prompts(bot: Bot) -> None:
    """Mine the bundled sample, then the first 6 prompts of a new channel and `prompt next` with the pool stored."""
    ctx = bot.context
    sample = await ctx.stores.archives.find_archive(SPACE, "sample")
    assert sample is not None and ctx.services.miner is not None
    started = time.perf_counter()
    await ctx.services.miner.mine_now(sample.id)
    print(f"\nmining the sample ({sample.comment_count} comments): {time.perf_counter() - started:.0f} s", flush=True)
    prompts = await first_prompts(bot)
    two_sided = [p for p in prompts if p.kind == "disagreement" and len(p.sides) == 3]
    print(f"sample, first 6 prompts: {[p.kind for p in prompts]}; {len(two_sided)} disagreements with a quote "
          f"on each side", flush=True)  # fmt: skip
    for p in prompts:
        if p.kind == "disagreement":
            print(f"  [{p.tally.line() if p.tally else ''}] claim: {p.sides[0].quote.text[:110]}")
            for s in p.sides[1:]:
                print(f"      {s.label}: {s.quote.text[:110]}")
    await next_cost(ConsoleAdapter(bot, channel="bench-next"), "sample")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--debates", type=int, default=30, help="test debates to mine (0: all 183)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--split", default="test", choices=["test", "validation"], help="validation: for tuning")
    parser.add_argument("--no-baseline", action="store_true", help="skip today's pool (tuning runs)")
    parser.add_argument("--skip-sample", action="store_true")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--only-big", action="store_true", help="only the large archive's mining time and costs")
    parser.add_argument("--baseline", default=BASE_COMMIT, help="the commit whose pool is today's")
    parser.add_argument("--verbose", action="store_true", help="the miner's progress lines")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main_async(args, Path(tmp)))


if __name__ == "__main__":
    main()
