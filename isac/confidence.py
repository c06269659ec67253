"""Calibrated confidence: a logistic model over retrieval features, fitted on eval/dev.

The fused score of RRF or a convex combination is a rank signal, not a probability.
``Calibrator`` maps the features of a result (top score, margin over the runner-up,
each retriever's own top score, whether they agree) to P(top entry is right).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FEATURES = ("top", "margin", "dense_top", "bm25_top", "agree")
DEFAULT_PATH = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibrator:
    weights: tuple[float, ...]
    bias: float

    def __call__(self, features: dict[str, float]) -> float:
        x = np.array([features[f] for f in FEATURES], dtype=np.float64)
        z = float(np.dot(self.weights, x) + self.bias)
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> "Calibrator":
        try:
            data = json.loads(Path(path).read_text())
            return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]))
        except (OSError, ValueError, KeyError):
            # uncalibrated fallback: leans on the fused score and the margin
            return cls((4.0, 8.0, 1.0, 1.0, 1.0), -3.5)

    def save(self, path: Path = DEFAULT_PATH, **extra) -> None:
        data = {"features": FEATURES, "weights": list(self.weights), "bias": self.bias, **extra}
        Path(path).write_text(json.dumps(data, indent=2) + "\n")


def tuned_values(path: Path = DEFAULT_PATH) -> dict:
    """The engine parameters `isac tune` chose (alpha, thresholds...), or {} if untuned."""
    try:
        return dict(json.loads(Path(path).read_text()).get("config", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def fit(X: np.ndarray, y: np.ndarray, *, l2: float = 1e-2, steps: int = 3000, lr: float = 0.5) -> Calibrator:
    """Plain L2-regularised logistic regression by gradient descent (no sklearn needed)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.zeros(X.shape[1])
    b = 0.0
    n = len(y)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w + b, -30, 30)))
        g = p - y
        w -= lr * (X.T @ g / n + l2 * w)
        b -= lr * g.mean()
    return Calibrator(tuple(float(v) for v in w), float(b))


def reliability(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> list[dict]:
    """Per-bin mean confidence vs observed accuracy: the reliability curve's points."""
    probs = np.asarray(probs)
    labels = np.asarray(labels)
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (probs >= lo) & ((probs < hi) if hi < 1 else (probs <= hi))
        if mask.any():
            out.append({"lo": round(lo, 2), "hi": round(hi, 2), "n": int(mask.sum()),
                        "confidence": float(probs[mask].mean()), "accuracy": float(labels[mask].mean())})
    return out
