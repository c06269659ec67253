"""Retrievers: each scores every passage for one query, behind one small protocol.

The engine composes retrievers and never calls bm25s or numpy search itself, so another
one (a second dense model, OpenSearch) plugs in without touching it. Every retriever
scores the whole passage set: the ranking stage needs each entry's best few passages,
and at a few thousand passages a full scoring is cheaper than a top-k search plus gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class RetrievalQuery:
    """What retrievers see: the analysed terms and the encoder's query vector."""

    tokens: tuple[str, ...]
    vector: np.ndarray  # (dim,) float32, L2-normalised


@runtime_checkable
class Retriever(Protocol):
    """Scores every passage of the index for a query; higher is better, 0 or less is no match."""

    name: str

    def score(self, query: RetrievalQuery) -> np.ndarray:
        """(passages,) float64 scores, in passage-id order."""
        ...


class BM25Retriever:
    """Okapi BM25 (bm25s, lucene variant) over the analyser's terms."""

    name = "bm25"

    def __init__(self, directory: Path, n_passages: int):
        """Memory-map the BM25 index saved in ``directory``, which covers ``n_passages``."""
        import bm25s

        self._bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0, mmap=True)
        self._vocab = self._bm25.vocab_dict
        self._n = n_passages

    def score(self, query: RetrievalQuery) -> np.ndarray:
        """BM25 of every passage; zeros when no query term is in the vocabulary."""
        known = [t for t in query.tokens if t in self._vocab]
        if not known:
            return np.zeros(self._n, dtype=np.float64)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float64)


class DenseRetriever:
    """Cosine similarity between the query vector and every passage vector (exact, one matmul)."""

    name = "dense"

    def __init__(self, vectors: np.ndarray):
        """Score against ``vectors``, one L2-normalised row per passage."""
        # memory-mapped from vectors.npy: one copy of the embeddings, shared by workers; a plain
        # ndarray view of the map skips numpy.memmap's per-operation wrapping (0.86 → 0.63 ms)
        self._vectors = np.asarray(vectors)

    def score(self, query: RetrievalQuery) -> np.ndarray:
        """Cosine of every passage (vectors are L2-normalised)."""
        return (self._vectors @ query.vector).astype(np.float64)


class OutOfScopeMatcher:
    """Similarity to each example of what other administrations handle."""

    name = "out_of_scope"

    def __init__(self, vectors: np.ndarray):
        """Score against ``vectors``, one L2-normalised row per out-of-scope example."""
        self._vectors = vectors

    def score(self, query: RetrievalQuery) -> np.ndarray:
        """Cosine to every out-of-scope example; empty when the knowledge base has none."""
        if not len(self._vectors):
            return np.zeros(0, dtype=np.float64)
        return (self._vectors @ query.vector).astype(np.float64)


__all__ = ["BM25Retriever", "DenseRetriever", "OutOfScopeMatcher", "RetrievalQuery", "Retriever"]
