"""Hybrid retrieval: BM25 fused with stored sentence vectors, and the background indexer that writes them.

The unit `feature` has no commands: its one job, under `threadbot run`, is the indexer.
"""

from bot.feature import Feature
from bot.retrieval.indexer import run_indexer
from bot.retrieval.search import Retrieved, retrieve

feature = Feature(name="retrieval", jobs=(("indexer", run_indexer),))

__all__ = ["Retrieved", "feature", "retrieve"]
