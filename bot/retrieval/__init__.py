"""Hybrid retrieval: BM25 fused with stored sentence vectors, and the background indexer that writes them."""

from bot.retrieval.search import Retrieved, retrieve

__all__ = ["Retrieved", "retrieve"]
