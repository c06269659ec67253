"""An entry classifier over the embeddings: softmax regression fitted on the index's own passages.

Cosine similarity treats every direction of the embedding alike. A classifier learns which
directions tell two neighbouring entries apart ("baixa del padró" against "canvi de
domicili"), from every passage of every entry: each passage is a labelled example of its
entry. Alone it ranks the wild dev questions about as well as the whole hybrid engine did
(0.856 accuracy@1), with errors of its own, so it is one more reranker feature.

It is fitted at build time on the knowledge base only, never on eval questions, with
L-BFGS (scipy). An incremental build starts from the previous weights, which makes a refit
after editing one entry a fraction of a cold one; an edit of a few entries refits only their
rows (``update_classifier``).

The out-of-scope examples (``knowledge/out-of-scope.yaml``) are one more class,
``OUT_OF_SCOPE``: its probability tells the confidence model how much a question looks like
what the council does not do. As a confidence feature it cut the dev questions left
unanswered from 6.7 % to 6.0 % at the same out-of-scope silence (5-fold, before retuning).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILE = "classifier.npz"
# the class of the out-of-scope examples, after the entries' classes
OUT_OF_SCOPE = "__out_of_scope__"
# partial refits (``update_classifier``) allowed before a build refits every row again
MAX_UPDATES = 20


@dataclass(frozen=True)
class EntryClassifier:
    """P(entry | query vector) = softmax(W · v + b), one row of W per entry."""

    entry_ids: tuple[str, ...]
    weights: np.ndarray  # (entries, dim) float32
    bias: np.ndarray  # (entries,) float32
    updates: int = 0  # partial refits since every row was last fitted
    # per entry, a digest of the passages its row was fitted on: a rebuild refits the rows whose digest changed
    fingerprints: tuple[str, ...] = ()

    def probabilities(self, vector: np.ndarray) -> np.ndarray:
        """One probability per class, in ``entry_ids`` order (``OUT_OF_SCOPE`` last when fitted)."""
        z = self.weights @ vector + self.bias
        z = np.exp(z - z.max())
        return z / z.sum()

    @property
    def entries(self) -> tuple[str, ...]:
        """The entries' classes, without ``OUT_OF_SCOPE``."""
        return self.entry_ids[:-1] if self.has_out_of_scope else self.entry_ids

    @property
    def has_out_of_scope(self) -> bool:
        """Whether the last class is the out-of-scope examples'."""
        return bool(self.entry_ids) and self.entry_ids[-1] == OUT_OF_SCOPE

    def split(self, vector: np.ndarray) -> tuple[np.ndarray, float]:
        """The entries' probabilities and the out-of-scope class's (0 when it was not fitted)."""
        p = self.probabilities(vector)
        return (p[:-1], float(p[-1])) if self.has_out_of_scope else (p, 0.0)

    def save(self, directory: Path) -> None:
        """Write ``classifier.npz`` into ``directory``."""
        np.savez(Path(directory) / FILE, entry_ids=np.array(self.entry_ids), weights=self.weights, bias=self.bias,
                 updates=np.array(self.updates), fingerprints=np.array(self.fingerprints, dtype=str))

    @classmethod
    def load(cls, directory: Path) -> EntryClassifier:
        """The classifier saved in ``directory`` (OSError or KeyError when there is none)."""
        with np.load(Path(directory) / FILE) as data:
            return cls(tuple(str(e) for e in data["entry_ids"]), data["weights"].astype(np.float32),
                       data["bias"].astype(np.float32), int(data["updates"]) if "updates" in data else 0,
                       tuple(str(f) for f in data["fingerprints"]) if "fingerprints" in data else ())


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
    of 1, 3, 10 and 100 on the wild dev questions). ``previous`` warm-starts the entries it knows.
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


def _block_loss_and_grad(params: np.ndarray, X: np.ndarray, lse_fixed: np.ndarray, z_fixed: np.ndarray,
                         target: np.ndarray, l2: float):
    """The loss and gradient of the rows being refitted, every other row's logits held fixed.

    ``lse_fixed`` is the log-sum-exp of the fixed rows' logits per example; ``z_fixed`` the
    label's logit where the label is a fixed row; ``target`` the label's position among the
    refitted rows, or -1.
    """
    dim = X.shape[1]
    k = len(params) // (dim + 1)
    W = params[: k * dim].reshape(k, dim).astype(np.float32)
    z = X @ W.T + params[k * dim:].astype(np.float32)
    top = np.maximum(z.max(axis=1), lse_fixed)
    lse = top + np.log(np.exp(lse_fixed - top) + np.exp(z - top[:, None]).sum(axis=1))
    own = target >= 0
    z_label = np.where(own, z[np.arange(len(X)), np.maximum(target, 0)], z_fixed)
    n = len(X)
    loss = float((lse - z_label).mean()) + 0.5 * l2 * float((W * W).sum())
    g = np.exp(z - lse[:, None])
    g[np.nonzero(own)[0], target[own]] -= 1.0
    g /= n
    return loss, np.concatenate([(g.T @ X + l2 * W).ravel(), g.sum(axis=0)]).astype(np.float64)


def update_classifier(previous: EntryClassifier, vectors: np.ndarray, labels: np.ndarray, entry_ids: Sequence[str],
                      changed: set[str], *, c: float = 10.0, max_iter: int = 300) -> EntryClassifier:
    """Refit only the rows of the ``changed`` entries (edited or new); keep every other row.

    After editing one entry, refitting every row from the previous weights took 7.7 s; one
    row against the others' fixed logits takes well under a second. The kept rows are no
    longer exactly optimal, so ``updates`` counts these partial fits and the build refits
    everything after ``MAX_UPDATES`` of them.
    """
    from scipy.optimize import minimize

    X = np.asarray(vectors, dtype=np.float32)
    y = np.asarray(labels, dtype=np.int64)
    old = {e: i for i, e in enumerate(previous.entry_ids)}
    W = np.zeros((len(entry_ids), X.shape[1]), dtype=np.float32)
    b = np.zeros(len(entry_ids), dtype=np.float32)
    for i, e in enumerate(entry_ids):
        if e in old:
            W[i], b[i] = previous.weights[old[e]], previous.bias[old[e]]
    rows = np.array([i for i, e in enumerate(entry_ids) if e in changed or e not in old], dtype=np.int64)
    fixed = np.setdiff1d(np.arange(len(entry_ids)), rows)
    if len(rows) == 0 or len(fixed) == 0:
        return fit_classifier(X, y, entry_ids, previous=previous, c=c, max_iter=max_iter)
    z_all_fixed = X @ W[fixed].T + b[fixed]
    top = z_all_fixed.max(axis=1)
    lse_fixed = top + np.log(np.exp(z_all_fixed - top[:, None]).sum(axis=1))
    position = np.full(len(entry_ids), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    fixed_position = np.full(len(entry_ids), -1, dtype=np.int64)
    fixed_position[fixed] = np.arange(len(fixed))
    target = position[y]
    z_fixed = np.where(target < 0, z_all_fixed[np.arange(len(X)), np.maximum(fixed_position[y], 0)], 0.0)
    x0 = np.concatenate([W[rows].ravel(), b[rows]]).astype(np.float64)
    result = minimize(_block_loss_and_grad, x0, args=(X, lse_fixed, z_fixed, target, 1.0 / (c * len(X))),
                      jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    k = len(rows)
    W[rows] = result.x[: k * X.shape[1]].reshape(k, -1)
    b[rows] = result.x[k * X.shape[1]:]
    return EntryClassifier(tuple(entry_ids), W, b, previous.updates + 1)
