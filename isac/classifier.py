"""An entry classifier over the embeddings: softmax regression fitted on the index's own passages.

Cosine similarity treats every direction of the embedding alike. A classifier learns which
directions tell two neighbouring entries apart ("baixa del padró" against "canvi de
domicili"), from every passage of every entry: each passage is a labelled example of its
entry. Alone it ranks the wild dev questions about as well as the whole hybrid engine did
(0.856 accuracy@1), with errors of its own, so it is one more reranker feature.

It is fitted at build time on the knowledge base only, never on eval questions, with
L-BFGS (scipy). An incremental build starts from the previous weights, which makes a refit
after editing one entry a fraction of a cold one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILE = "classifier.npz"


@dataclass(frozen=True)
class EntryClassifier:
    """P(entry | query vector) = softmax(W · v + b), one row of W per entry."""

    entry_ids: tuple[str, ...]
    weights: np.ndarray  # (entries, dim) float32
    bias: np.ndarray  # (entries,) float32

    def probabilities(self, vector: np.ndarray) -> np.ndarray:
        """One probability per entry, in ``entry_ids`` order."""
        z = self.weights @ vector + self.bias
        z = np.exp(z - z.max())
        return z / z.sum()

    def save(self, directory: Path) -> None:
        """Write ``classifier.npz`` into ``directory``."""
        np.savez(Path(directory) / FILE, entry_ids=np.array(self.entry_ids), weights=self.weights, bias=self.bias)

    @classmethod
    def load(cls, directory: Path) -> EntryClassifier:
        """The classifier saved in ``directory`` (OSError or KeyError when there is none)."""
        with np.load(Path(directory) / FILE) as data:
            return cls(tuple(str(e) for e in data["entry_ids"]), data["weights"].astype(np.float32),
                       data["bias"].astype(np.float32))


def _loss_and_grad(params: np.ndarray, X: np.ndarray, y: np.ndarray, n_classes: int, l2: float):
    """Mean softmax cross-entropy plus an L2 penalty on the weights, and its gradient."""
    dim = X.shape[1]
    # float32 products: the passages are float32 and an upcast copy per step would dominate
    W = params[: n_classes * dim].reshape(n_classes, dim).astype(np.float32)
    b = params[n_classes * dim:].astype(np.float32)
    z = X @ W.T + b
    z -= z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(X)
    loss = -float(log_p[np.arange(n), y].mean()) + 0.5 * l2 * float((W * W).sum())
    g = np.exp(log_p)
    g[np.arange(n), y] -= 1.0
    g /= n
    grad_w = g.T @ X + l2 * W
    return float(loss), np.concatenate([grad_w.ravel(), g.sum(axis=0)]).astype(np.float64)


def fit_classifier(vectors: np.ndarray, labels: np.ndarray, entry_ids: Sequence[str], *,
                   previous: EntryClassifier | None = None, c: float = 10.0, max_iter: int = 300) -> EntryClassifier:
    """Softmax regression from passage vectors to their entries' positions in ``entry_ids``.

    ``c`` is the inverse L2 strength per example, as in scikit-learn (``C=10`` was the best
    of 10 and 100 on the wild dev questions). ``previous`` warm-starts the entries it knows.
    """
    from scipy.optimize import minimize

    X = np.asarray(vectors, dtype=np.float32)
    y = np.asarray(labels, dtype=np.int64)
    k, dim = len(entry_ids), X.shape[1] if X.ndim == 2 else 0
    W0, b0 = np.zeros((k, dim), dtype=np.float64), np.zeros(k, dtype=np.float64)
    if previous is not None and previous.weights.shape[1:] == (dim,):
        old = {e: i for i, e in enumerate(previous.entry_ids)}
        for i, e in enumerate(entry_ids):
            if e in old:
                W0[i], b0[i] = previous.weights[old[e]], previous.bias[old[e]]
    if len(X) == 0 or k < 2:
        return EntryClassifier(tuple(entry_ids), W0.astype(np.float32), b0.astype(np.float32))
    result = minimize(_loss_and_grad, np.concatenate([W0.ravel(), b0]), args=(X, y, k, 1.0 / (c * len(X))),
                      jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    params = result.x
    return EntryClassifier(tuple(entry_ids), params[: k * dim].reshape(k, dim).astype(np.float32),
                           params[k * dim:].astype(np.float32))
