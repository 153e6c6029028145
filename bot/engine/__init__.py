"""Stance counts and counterarguments over plain texts: pure, platform-neutral, storage-independent.

Models (an ONNX file + tokenizer.json each) load from folders named by settings or from the optional
`threadbot[models]` packages; nothing is downloaded. With no model the engine falls back to BM25 and a rough
lexical stance, and says so (`rough`).
"""

from bot.engine.counter import CounterCandidate, CounterRanker, CounterReport
from bot.engine.embedder import Embedder
from bot.engine.fusion import reciprocal_rank_fusion
from bot.engine.loader import Engine, load_engine
from bot.engine.modelfiles import ModelFiles
from bot.engine.nli import NliScorer, NliScores
from bot.engine.stance import StanceClassifier, StanceReport, StanceResult

__all__ = [
    "CounterCandidate",
    "CounterRanker",
    "CounterReport",
    "Embedder",
    "Engine",
    "ModelFiles",
    "NliScorer",
    "NliScores",
    "StanceClassifier",
    "StanceReport",
    "StanceResult",
    "load_engine",
    "reciprocal_rank_fusion",
]
