"""End-to-end latency of `stance` and `counter` as a user meets it: through the console adapter, the core, storage
and the engine, on a fresh database, over the bundled sample and over a large archive.

The large archive is real argument text (every ArguAna argument, 8-9k words of debate per topic, from
../shared/data/arguana) padded with synthetic comments (bench/synth.py) up to the size asked, so claims meet a
realistic number of on-topic comments (dozens to a couple of hundred) in an archive of that size.
Claims are ArguAna test conclusions, each new to the NLI cache unless stated.

Baseline in the same run: one NLI pass over 64 (comment, claim) pairs with both hypotheses, the engine's fixed
cost per new claim; the ratios say how much the command adds around it.

    .venv/bin/python -m bench.command_latency [--size 100000] [--claims 12] [--embed]

With `--embed` the large archive is fully indexed first: the padding gets random unit vectors, the real
arguments are embedded by `threadbot embed` (what the bot's background indexer does after an import; ~10 min):
the steady state. Without it, no vector exists yet: the minutes right after an import.

With `--backend postgresql` (or `both`: SQLite first, then PostgreSQL, in the same run) the databases are
throwaway PostgreSQL databases on the server of `--url` or THREADBOT_BENCH_DATABASE_URL (bench/pg_common.py);
`--embed` and `--keep` are SQLite only.

With `--background` the bot's background jobs run as under `threadbot run`: on a fresh archive the indexer embeds
it meanwhile, as it does for members in the minutes after an import.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bench.pg_common import scratch_database, server_url
from bench.synth import comments
from bot.core import Bot
from bot.engine.loader import load_engine
from bot.features.stance.reader import reading
from bot.models import CounterReply, StanceReply
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.embedding_store import WindowVectorStore
from storage.importers.records import CommentRecord
from storage.sqlite_store import SqliteStore
from storage.stores import database_url, open_stores

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "arguana"
SAMPLE_CLAIMS = [
    "AI labs should stop measuring engineers by how many tokens they use",
    "Reasoning in words is the wrong path for language models",
    "Token leaderboards are a good way to measure productivity",
    "Large language models think the way humans do",
    "The transformer was the big breakthrough for neural networks",
    "Current LLMs will get smart enough to help with new AI research",
    "Chain-of-thought reasoning is what makes the industry money",
    "Most people think in felt meanings rather than words",
    "Meta's researchers could have built this model without distillation",
    "System 2 reasoning is what experts use most of the time",
    "Companies prioritize architectures that can be shipped and monetized",
    "LeCun is right that language models are a dead end",
]


def arguana_records() -> tuple[list[CommentRecord], list[str]]:
    """Every ArguAna argument as a comment, and the test split's conclusions (claims to ask about)."""
    records: list[CommentRecord] = []
    claims: list[str] = []
    for path in sorted(DATA.glob("arguments_*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                records.append(CommentRecord(source_id=f"arguana-{row['id']}", text=row["text"]))
                conclusion = (row.get("conclusion") or "").strip()
                if "test" in path.name and 20 < len(conclusion) < 200:
                    claims.append(conclusion)
    return records, claims


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"p50 {statistics.median(ordered):5.2f} s  p90 {p90:5.2f} s  max {ordered[-1]:5.2f} s"


def nli_baseline(claims: list[str], texts: list[str], rounds: int = 3) -> float:
    """Median seconds of one NLI pass (claim and negation) over 64 comments: the engine's cost per new claim."""
    engine = load_engine()
    assert engine.nli is not None, "install threadbot[models] first"
    times = []
    for claim in claims[:rounds]:
        start = time.perf_counter()
        engine.stance.agree_logits(f"{claim} (baseline)", texts[:64])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def database(backend: str, folder: Path, name: str, url: str | None) -> Iterator[Settings]:
    """Settings for a new database: a file in `folder`, or a throwaway PostgreSQL database."""
    if backend == "sqlite":
        yield Settings(db=folder / f"{name}.db")
        return
    with scratch_database(server_url(url), name) as pg_url:
        yield Settings(db=folder / f"{name}.db", database_url=SecretStr(pg_url))


async def measure(
    settings: Settings, archive: str | None, claims: list[str], label: str, baseline: float
) -> None:
    """Per new claim: the first reply, the complete answer (the background reading done), the same claim asked
    again, and `counter` once the claim is read."""
    option = f" --archive {archive}" if archive else ""
    async with open_bot(settings) as bot:
        if BACKGROUND:
            bot.start_background()
        console = ConsoleAdapter(bot, channel="bench")
        start = time.perf_counter()
        await console.ask(f"stance warming up the engine{option}")
        load = time.perf_counter() - start
        await answered(bot)
        pauses: list[float] = []
        beating = asyncio.create_task(heartbeat(pauses))
        stance_s, complete_s, repeat_s, counter_s = [], [], [], []
        scored: list[int] = []
        read_on: list[int] = []
        settled: list[str] = []
        repeated_partial = 0
        for claim in claims:
            start = time.perf_counter()
            reply = await console.ask(f"stance {claim}{option}")
            stance_s.append(time.perf_counter() - start)
            assert isinstance(reply, StanceReply), reply
            scored.append(reply.counts.agree + reply.counts.disagree + reply.counts.neutral)
            await answered(bot)  # what an in-place completion waits for
            complete_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            done = await console.ask(f"stance {claim}{option}")
            repeat_s.append(time.perf_counter() - start)
            assert isinstance(done, StanceReply), done
            # With the indexer running, the repeated ask may meet candidates embedded since: they are read then.
            assert BACKGROUND or not done.partial, done.note
            repeated_partial += done.partial
            read_on.append(done.counts.agree + done.counts.disagree + done.counts.neutral)
            c = done.counts
            settled.append(f"{c.agree}/{c.disagree}/{c.neutral}/{c.unrelated}")
            start = time.perf_counter()
            counter = await console.ask(f"counter {claim}{option}")
            counter_s.append(time.perf_counter() - start)
            assert isinstance(counter, CounterReply), counter
        beating.cancel()
    print(
        f"\n{label}: first call (loads the models) {load:.2f} s; on-topic comments per claim, median "
        f"{statistics.median(scored):.0f} in the first reply, {statistics.median(read_on):.0f} once complete",
        flush=True,
    )
    print(
        f"  stance, new claim      {summary(stance_s)}  (p50 / NLI baseline {statistics.median(stance_s) / baseline:.2f})"
    )
    print(f"  stance, complete       {summary(complete_s)}  (from the command to the background reading done)")
    print(f"  stance, repeated claim {summary(repeat_s)}  (once complete)")
    print(
        f"  counter, claim read    {summary(counter_s)}  (p50 / NLI baseline {statistics.median(counter_s) / baseline:.2f})"
    )
    print(f"  event loop: longest pause {max(pauses) * 1000:.0f} ms (ticks every {TICK * 1000:.0f} ms meanwhile)")
    print(f"  settled counts per claim (agree/disagree/neutral/unrelated): {', '.join(settled)}")
    if BACKGROUND:
        print(f"  repeated asks that met newly indexed candidates (partial again): {repeated_partial} of {len(claims)}")
    print(
        "  per claim (judged in the first reply, first reply s, complete s): "
        + ", ".join(f"{n} {a:.2f} {b:.1f}" for n, a, b in zip(scored, stance_s, complete_s, strict=True))
    )


TICK = 0.01
BACKGROUND = False
"""`--background`: the bot's background jobs run as under `threadbot run` (the indexer embedding the archive,
the prompt miner), so a fresh archive is measured as members meet it in the minutes after an import."""


async def answered(bot: Bot) -> None:
    """Until the claim's answer has completed itself: the bot's unfinished work, or with the background jobs
    running (which never finish), the stance reader's."""
    if BACKGROUND:
        await reading(bot.context).wait_until_read()
    else:
        await bot.finish()


async def heartbeat(pauses: list[float]) -> None:
    """Tick on the event loop and record how late each tick is: what a platform's heartbeat would suffer."""
    last = time.perf_counter()
    while True:
        await asyncio.sleep(TICK)
        now = time.perf_counter()
        pauses.append(now - last - TICK)
        last = now


async def random_padding_vectors(db: Path) -> None:
    """Unit random vectors for the synthetic padding (its text is random words, so a real vector means nothing
    either); `threadbot embed` then embeds only the real arguments. Makes the indexed state reachable in minutes."""
    import numpy as np

    from bot.retrieval.identity import configured_model_key
    from storage.embedding_store import EmbeddingStore

    key = configured_model_key(None)
    assert key is not None, "install threadbot[models] first"
    store = await SqliteStore.open(db)
    vectors = EmbeddingStore(store.db, key)
    rows = await store.db.fetchall("SELECT id FROM comments WHERE source_id NOT LIKE 'arguana-%'")
    ids = [int(row[0]) for row in rows]
    rng = np.random.default_rng(1)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        block = rng.standard_normal((len(chunk), 384)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        await vectors.save(chunk, block)
    windows = engine_windows_store(store, key)
    for start in range(0, len(ids), 5000):  # random words have no sentences worth reading: no windows either
        chunk = ids[start : start + 5000]
        await windows.save(chunk, [np.zeros((0, 384), dtype=np.float32)] * len(chunk))
    await store.close()
    print(f"random vectors for {len(ids):,} padding comments", flush=True)


def engine_windows_store(store: SqliteStore, key: str) -> WindowVectorStore:
    """The window-vector store the bot's default engine reads."""
    from bot.engine.stance import DEFAULT_EVIDENCE, StanceClassifier

    identity = StanceClassifier(None, None, evidence=DEFAULT_EVIDENCE).window_identity(key)
    assert identity is not None
    return WindowVectorStore(store.db, identity)


def embed_all(db: Path) -> None:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "adapters.cli", "embed", "--db", str(db)], check=True, capture_output=True
    )
    print(f"embedded every comment (threadbot embed) in {time.perf_counter() - start:.0f} s", flush=True)


async def main_async(
    size: int, claim_count: int, folder: Path, embed: bool, seed: int, backends: list[str], url: str | None
) -> None:
    records, test_claims = arguana_records()
    rng = random.Random(seed)
    claims = rng.sample(test_claims, claim_count)
    baseline = nli_baseline(claims, [r.text for r in records[:64]])
    print(f"baseline: one NLI pass over 64 comments x 2 hypotheses, median {baseline:.2f} s", flush=True)
    for backend in backends:
        await measure_backend(backend, size, claims, folder, embed, baseline, records, url)


async def measure_backend(
    backend: str,
    size: int,
    claims: list[str],
    folder: Path,
    embed: bool,
    baseline: float,
    records: list[CommentRecord],
    url: str | None,
) -> None:
    (folder / "sample.db").unlink(missing_ok=True)
    with database(backend, folder, "sample", url) as settings:
        await measure(
            settings, None, SAMPLE_CLAIMS[: len(claims)], f"{backend}: bundled sample (49 comments)", baseline
        )

    big = folder / "big.db"
    if backend == "sqlite" and big.exists():  # --keep: a previous run's archive (and its vectors), as it was left
        print(f"\nreusing {big}", flush=True)
        await measure(Settings(db=big), "big", claims, f"{big.name} (kept)", baseline)
        return
    padding = list(comments(max(0, size - len(records)), seed=3))
    with database(backend, folder, "big", url) as settings:
        stores = await open_stores(settings.db, database_url(settings))
        start = time.perf_counter()
        await stores.archives.import_records("console:local", "big", records + padding, created_at=iso(utc_now()))
        await stores.close()
        print(
            f"\n{backend}: imported {len(records) + len(padding):,} comments ({len(records):,} ArguAna arguments) in "
            f"{time.perf_counter() - start:.0f} s; {'vectors next' if embed else 'no vectors computed beforehand'}",
            flush=True,
        )
        if embed:
            await random_padding_vectors(big)
            embed_all(big)
        await measure(
            settings, "big", claims, f"{backend}: {len(records) + len(padding):,}-comment archive", baseline
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=12)
    parser.add_argument("--embed", action="store_true", help="index the large archive fully before measuring")
    parser.add_argument("--seed", type=int, default=5, help="which test claims to ask (another seed: new claims)")
    parser.add_argument(
        "--keep", type=Path, help="keep the databases in this folder and reuse a large archive already there"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument(
        "--background", action="store_true", help="run the indexer and prompt miner as `threadbot run` does"
    )
    parser.add_argument("--url", help="with --backend postgresql/both: a server where this role may create databases")
    args = parser.parse_args()
    global BACKGROUND
    BACKGROUND = args.background
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if args.backend != "sqlite" and (args.embed or args.keep):
        parser.error("--embed and --keep work on SQLite only")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        asyncio.run(main_async(args.size, args.claims, args.keep, args.embed, args.seed, backends, args.url))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main_async(args.size, args.claims, Path(tmp), args.embed, args.seed, backends, args.url))


if __name__ == "__main__":
    main()
