"""Fusion of the lexical and dense rankings, as a pure function with a mode."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

import numpy as np


class FusionMode(str, Enum):
    """How the two rankings combine: reciprocal rank fusion, a convex mix, or one alone."""

    RRF = "rrf"
    CONVEX = "convex"
    BM25 = "bm25"
    DENSE = "dense"


def saturate(bm25: np.ndarray, saturation: float) -> np.ndarray:
    """BM25 to [0, 1) with s / (s + c): an absolute sense of "how much matched"."""
    return bm25 / (bm25 + saturation)


def rescale(cosine: np.ndarray, floor: float, ceil: float) -> np.ndarray:
    """Cosines from the encoder's typical band [floor, ceil] to [0, 1]."""
    return np.clip((cosine - floor) / max(ceil - floor, 1e-6), 0.0, 1.0)


def blend(bm25: np.ndarray, dense: np.ndarray, *, alpha: float, saturation: float,
          floor: float, ceil: float) -> np.ndarray:
    """Convex mix of normalised passage scores: which passage best explains an entry."""
    return alpha * rescale(dense, floor, ceil) + (1 - alpha) * saturate(bm25, saturation)


def normalise_bm25(scores: Mapping[str, float], saturation: float) -> dict[str, float]:
    """Map raw BM25 to [0, 1) with s / (s + c).

    Min-max would call the best of a page of weak matches a perfect 1.0; saturation keeps
    an absolute sense of "how much matched", which the confidence needs.
    """
    return {k: v / (v + saturation) for k, v in scores.items() if v > 0}


def normalise_dense(scores: Mapping[str, float], floor: float, ceil: float) -> dict[str, float]:
    """Rescale cosines from the encoder's typical band [floor, ceil] to [0, 1]."""
    span = max(ceil - floor, 1e-6)
    return {k: min(max((v - floor) / span, 0.0), 1.0) for k, v in scores.items()}


def fuse(
    bm25: Mapping[str, float],
    dense: Mapping[str, float],
    mode: FusionMode,
    *,
    alpha: float = 0.5,
    rrf_k: int = 60,
) -> list[tuple[str, float]]:
    """Combine two score maps (higher is better) into one ranking, best first.

    For CONVEX the inputs must already be normalised to comparable [0, 1] scales:
    score = alpha * dense + (1 - alpha) * bm25, a missing score counting as 0.
    """
    if mode is FusionMode.BM25:
        fused = dict(bm25)
    elif mode is FusionMode.DENSE:
        fused = dict(dense)
    elif mode is FusionMode.RRF:
        fused = {}
        for scores in (bm25, dense):
            ranked = sorted(scores, key=lambda k: (-scores[k], k))
            for rank, key in enumerate(ranked, start=1):
                fused[key] = fused.get(key, 0.0) + 1.0 / (rrf_k + rank)
    elif mode is FusionMode.CONVEX:
        keys = set(bm25) | set(dense)
        fused = {k: alpha * dense.get(k, 0.0) + (1 - alpha) * bm25.get(k, 0.0) for k in keys}
    else:  # pragma: no cover - enum is closed
        raise ValueError(f"unknown fusion mode {mode!r}")
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


__all__ = ["FusionMode", "blend", "fuse", "normalise_bm25", "normalise_dense", "rescale", "saturate"]
