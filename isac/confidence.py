"""Calibrated confidence: a logistic model over retrieval features, fitted on eval/dev.

The fused score of RRF or a convex combination is a rank signal, not a probability.
``Calibrator`` maps the features of a result to P(the top entry is the right answer):

- ``p_top``, ``p_margin``: softmax share of the best entry and its lead over the second;
- ``dense_question``: how close the query is to the nearest citizen question we know;
- ``oos_gap``: how much closer it is to an out-of-scope example (DNI, weather...) than that;
- ``known``: the share of the query's terms the knowledge base contains (gibberish → 0);
- ``oos_sim``: the similarity to that nearest out-of-scope example itself;
- ``clf_top``: the entry classifier's highest probability (isac/classifier.py);
- ``clf_oos``: the log of its out-of-scope class's probability;
- ``oos_words``: the log of P(out of scope | the question's words), a tf-idf model of the
  out-of-scope examples against the citizen phrasings (fitted by ``isac build``).

Features are chosen by 5-fold cross-validated log-loss on the dev splits. With the
classifier: 0.1908 for these seven; 0.1928 without ``clf_top``; 0.1922 with the query's
term count added back (it had helped before the classifier existed). ``clf_oos`` then took
it to 0.1842 (from 0.1860 on that day's dev questions).
``oos_words`` took it from 0.2081 to 0.2012 (eleventh session; the dev splits had grown).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FEATURES = ("p_top", "p_margin", "dense_question", "oos_gap", "known", "oos_sim", "clf_top", "clf_oos", "oos_words")
DEFAULT_PATH = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibrator:
    """A fitted logistic model from retrieval features to P(the top entry is right).

    ``choice``, when fitted, is a second model over the same features: P(a right entry is
    among the top three), which decides whether an unsure result offers "Potser busqueu…".
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...] = (0.0,) * len(FEATURES)
    scale: tuple[float, ...] = (1.0,) * len(FEATURES)
    choice: Calibrator | None = None

    def choice_probability(self, features: dict[str, float]) -> float:
        """P(a right entry is among the top three), or 0 without a choice model."""
        return self.choice(features) if self.choice is not None else 0.0

    def __call__(self, features: dict[str, float]) -> float:
        """The calibrated probability for one result's features."""
        x = (np.array([features[f] for f in FEATURES]) - self.mean) / self.scale
        z = float(np.dot(self.weights, x) + self.bias)
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Calibrator:
        """The calibrator saved at ``path``, or an untuned fallback when it is missing or unusable."""
        try:
            data = json.loads(Path(path).read_text())
            if tuple(data["features"]) != FEATURES:
                raise ValueError("calibration was fitted on other features")
            c = data.get("choice_model")
            choice = cls(tuple(c["weights"]), float(c["bias"]), tuple(c["mean"]), tuple(c["scale"])) if c else None
            return cls(tuple(data["weights"]), float(data["bias"]), tuple(data["mean"]), tuple(data["scale"]), choice)
        except (OSError, ValueError, KeyError, TypeError):
            # untuned fallback: confident when one entry dominates and the words are known
            return cls((4.0, 4.0, 20.0, -40.0, 2.0, 0.0, 0.0, 0.0, 0.0), -22.0)

    def save(self, path: Path = DEFAULT_PATH, **extra) -> None:
        """Write the model as JSON, with any ``extra`` keys (such as the tuned config)."""
        data = {"features": FEATURES, "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "scale": list(self.scale), **extra}
        if self.choice is not None:
            c = self.choice
            data["choice_model"] = {"weights": list(c.weights), "bias": c.bias, "mean": list(c.mean),
                                    "scale": list(c.scale)}
        Path(path).write_text(json.dumps(data, indent=2) + "\n")


def tuned_values(path: Path = DEFAULT_PATH) -> dict:
    """The engine parameters `isac tune` chose (alpha, thresholds...), or {} if untuned."""
    try:
        return dict(json.loads(Path(path).read_text()).get("config", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def fit(X: np.ndarray, y: np.ndarray, *, weights: np.ndarray | None = None, l2: float = 1e-2, steps: int = 4000,
        lr: float = 0.5) -> Calibrator:
    """L2-regularised logistic regression on standardised features (no sklearn needed).

    ``weights`` (one per row, default 1) let synthetic examples count for less than real ones.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    sw = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    sw = sw / sw.mean()
    mean = X.mean(axis=0)
    scale = np.where(X.std(axis=0) > 1e-9, X.std(axis=0), 1.0)
    Z = (X - mean) / scale
    w = np.zeros(Z.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(Z @ w + b, -30, 30)))
        g = (p - y) * sw
        w -= lr * (Z.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return Calibrator(tuple(map(float, w)), float(b), tuple(map(float, mean)), tuple(map(float, scale)))


def reliability(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> list[dict]:
    """Per-bin mean confidence vs observed accuracy: the reliability curve's points."""
    probs = np.asarray(probs)
    labels = np.asarray(labels)
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (probs >= lo) & ((probs < hi) if hi < 1 else (probs <= hi))
        if mask.any():
            out.append({"lo": round(float(lo), 2), "hi": round(float(hi), 2), "n": int(mask.sum()),
                        "confidence": float(probs[mask].mean()), "accuracy": float(labels[mask].mean())})
    return out


def confidence_features(ranking_scores: np.ndarray, unit_scale: bool, nearest_citizen: float,
                        oos_best: float | None, known: float, terms: int, clf_top: float = 0.0,
                        clf_oos: float = 0.0, oos_words: float = 0.0) -> dict[str, float]:
    """What the calibrator sees; independent of the fusion mode's score scale.

    ``ranking_scores`` are the entries' final scores, best first; ``nearest_citizen`` the
    cosine to the closest citizen question or situation; ``oos_best`` the cosine to the
    closest out-of-scope example (None when the knowledge base has none); ``clf_top`` the
    entry classifier's highest probability and ``clf_oos`` its out-of-scope probability;
    ``oos_words`` the word model's probability that the question is out of scope.
    """
    scores = np.asarray(ranking_scores, dtype=np.float64)
    if len(scores) < 2:
        scores = np.append(scores, [0.0, 0.0])[:2]
    spread = scores - scores.max()
    z = 10.0 * spread / (1.0 if unit_scale else np.abs(scores).max() + 1e-9)
    probs = np.exp(z) / np.exp(z).sum()
    return {
        "p_top": float(probs[0]),
        "p_margin": float(probs[0] - probs[1]),
        "dense_question": nearest_citizen,
        "oos_gap": (oos_best - nearest_citizen) if oos_best is not None else -1.0,
        "known": float(min(known, 1.0)),
        "oos_sim": oos_best if oos_best is not None else 0.0,
        "terms": float(terms),
        "clf_top": float(clf_top),
        # a log: the signal is in the small values (0.001 against 0.1)
        "clf_oos": float(np.log(clf_oos + 1e-6)),
        "oos_words": float(np.log(oos_words + 1e-6)),
    }
