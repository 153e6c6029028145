"""The process's shared services, under names the type checker knows: the engine (loaded once, lazily, off the
event loop), the retrieval caches, the stance reader and the stance pipeline other features ask.

One `Services` lives on the `Context`; tests set `engine` or `random` directly to pin what a command uses.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bot.retrieval.cache import VectorCache
from bot.retrieval.identity import configured_model_key
from bot.retrieval.memo import Memo
from bot.settings import Settings
from bot.sides import ArchiveSides, Weighing
from bot.tasks import Tasks
from storage.interface import ArchiveInfo, StoredComment
from storage.prompt_store import ReplyPair

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from bot.engine.loader import Engine
    from bot.features.stance.reader import StanceReading
    from bot.prompts.miner import PromptMiner


class StancePipeline(Protocol):
    """The one stance pipeline (bot/features/stance) as other features reach it: session sides, prompt pushback."""

    async def sides(self, space_key: str, archive: ArchiveInfo, claim: str) -> ArchiveSides:
        """How the archive's comments stand on a claim, with moderators' fixes, as `stance` counts them."""
        ...

    async def pushback(self, pairs: Sequence[ReplyPair], *, background: bool = False) -> list[float] | None:
        """For each (comment, reply) pair, the probability that the reply disagrees with its parent; None when
        no stance model is installed (the caller's own word cues are as good). `background`: read in small
        steps that wait while a command runs, instead of as a command."""
        ...

    async def weigh(
        self,
        archive: ArchiveInfo,
        claim: str,
        comments: Sequence[StoredComment],
        vectors: npt.NDArray[np.float32] | None,
        gate: Callable[[], Awaitable[None]] | None = None,
    ) -> Weighing:
        """How each of these comments stands on a claim, read as `stance` reads them (same engine, same cache;
        no space's fixes), in background steps (the prompt miner). Each step first awaits `gate` (default:
        `idle`, until no command runs)."""
        ...

    async def idle(self) -> None:
        """Until no stance command runs: background work waits here between its steps, as the reader does."""
        ...

    async def quiet(self) -> None:
        """Until no stance command runs and no answer is completing itself (bounded): bulk work that no member
        waits for, such as indexing, waits here between its batches."""
        ...


_UNSET: Any = object()


@dataclass(slots=True)
class Services:
    settings: Settings | None = None
    """Where the models are (`model_dir`), read when they are first needed; None: the installed packages."""
    engine: Engine | None = None
    """The engine once loaded (`load_engine`); tests may set one."""
    vectors: VectorCache = field(default_factory=VectorCache)
    """Per-archive matrices of stored vectors for dense retrieval."""
    memo: Memo[Any] = field(default_factory=Memo)
    """Remembered retrieval results, keyed by query, options and archive revision."""
    lexical_memo: Memo[Any] = field(default_factory=Memo)
    """Remembered BM25 results and query vectors, apart from the vectors."""
    reader: StanceReading | None = None
    """The background stance reader (made by the stance feature when the bot starts)."""
    stance: StancePipeline | None = None
    """The stance pipeline (set by the stance feature when the bot starts); None: word cues only."""
    miner: PromptMiner | None = None
    """The prompt miner (made by the prompts feature when the bot starts): finds each archive's disagreements."""
    random: random.Random = field(default_factory=random.SystemRandom)
    """Chooses among near-tied counterarguments; tests seed their own."""
    tasks: Tasks = field(default_factory=Tasks)
    """Work commands started that outlives their replies (link imports), by key."""
    _model_key: Any = _UNSET
    _engine_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def model_dir(self) -> Path | None:
        return self.settings.model_dir if self.settings is not None else None

    async def load_engine(self) -> Engine:
        """The process's engine, loaded on first use in a worker thread; whoever asks first loads it."""
        if self.engine is None:
            async with self._engine_lock:
                if self.engine is None:
                    self.engine = await asyncio.to_thread(_load_with_identities, self.model_dir)
        return self.engine

    def model_key(self) -> str | None:
        """The configured embedder's key for stored vectors (None: no embedder installed), computed once."""
        if self._model_key is _UNSET:
            self._model_key = configured_model_key(self.model_dir)
        return self._model_key  # type: ignore[no-any-return]


def _load_with_identities(folder: Path | None) -> Engine:
    """Load the engine and hash its model files now (worker thread), so the first cached answer is instant too."""
    from bot.engine.loader import load_engine  # the ONNX runtime loads only when a model is first needed

    engine = load_engine(folder, folder)
    engine.stance.logit_identity()
    engine.stance.relevance_identity()
    return engine
