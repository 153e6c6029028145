"""Building the engine from settings: load whatever models are available, fall back to lexical methods otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.engine.counter import CounterRanker
from bot.engine.embedder import Embedder
from bot.engine.heads.stance_head import head_for_model
from bot.engine.modelfiles import resolve_embedder, resolve_nli
from bot.engine.nli import NliScorer
from bot.engine.stance import DEFAULT_EVIDENCE, EvidenceConfig, StanceClassifier


@dataclass(frozen=True)
class Engine:
    """The loaded engine. `embedder`/`nli` are None when no model was found (fallback mode)."""

    embedder: Embedder | None
    nli: NliScorer | None
    stance: StanceClassifier
    counter: CounterRanker

    @property
    def rough(self) -> bool:
        return self.nli is None


NLI_RUN_PAIRS = 1


def load_engine(
    embedder_dir: Path | None = None,
    nli_dir: Path | None = None,
    *,
    threads: int = 2,
    max_nli: int = 256,
    evidence: EvidenceConfig | None = DEFAULT_EVIDENCE,
    read_parents: bool = True,
) -> Engine:
    """Load models from the given folders (None: the default models of `threadbot[models]`, if installed).

    `evidence` reads long comments sentence by sentence (bot/engine/evidence.py); None reads each comment whole.
    `read_parents` reads a reply through the comments it answers, where the caller gives them (bot/engine/replies.py).

    Loading takes a few seconds; do it once, off the event loop (e.g. `asyncio.to_thread(load_engine, ...)`).
    """
    embedder_files = resolve_embedder(embedder_dir)
    nli_files = resolve_nli(nli_dir)
    embedder = Embedder(embedder_files, threads=threads) if embedder_files else None
    # The stance head trained for this exact model file, if any; any other NLI model keeps the 2-logit calibration.
    head = head_for_model(nli_files.onnx) if nli_files else None
    # One pair a run: the int8 model quantizes each run's activations together, so a pair's outputs move with the
    # pairs run beside it, and which pairs share a run depends on how far a time budget got (the machine's load).
    # Alone, a comment gets the same z whenever it is read. One-pair runs use a second core poorly, so they run
    # side by side, one a thread: about 2x the pairs a second of one two-thread run (bench/README_engine.md).
    nli = (
        NliScorer(
            nli_files,
            threads=threads,
            lanes=threads,
            batch_size=NLI_RUN_PAIRS,
            extra_output=head.output if head else None,
        )
        if nli_files
        else None
    )
    stance = StanceClassifier(
        nli, embedder, max_nli=max_nli, head=head, evidence=evidence, read_parents=read_parents
    )
    return Engine(embedder, nli, stance, CounterRanker(stance, embedder))
