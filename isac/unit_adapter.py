"""A query adapter for the second level: e5's question vector, bent towards the part that answers.

e5 places "Taigua és privada?" next to the FAQ item about the private zone of the water
company's website, not the part that says Taigua is 100 % public. The adapter learns, from
the detail questions and the parts of their entries that hold the answer, a low-rank
correction to the match of a question ``q`` and a passage ``p``:

    s(q, p) = q·p + (Uᵀq)·(Vᵀp)        U, V: (384, rank)

A part scores the soft maximum of its passages' ``s`` (``pooled``), and the second level
reads that score and its gap to the best part of the same kind as two features
(``answering.UNIT_FEATURES``: ``adapted``, ``adapted_kind_gap``). The passages keep their
vectors: ``Vᵀp`` is computed once when the engine loads, and a question costs one
(384 × rank) product. Fitted by `isac tune` (numpy, Adam, a softmax over each question's
parts) and saved in ``isac/unit_adapter.npz``.

Measured with ``scripts/unit_cv.py`` (5 folds × 3 shuffles over the 1,173 dev detail
questions, the adapter refitted in each fold, the weights on out-of-fold columns): the
picked part holds a fact 0.832 → 0.850 ± 0.004. The same two columns without the adapter
(the plain soft maximum) read 0.828 on one shuffle against 0.830 without them: the gain is
the adapter's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_PATH = Path(__file__).with_name("unit_adapter.npz")
# the soft maximum's temperature: a part is about as good as its best passage
TAU = 0.02
# softmax scale over a question's parts: cosines between parts differ by hundredths
SCALE = 30.0


@dataclass(frozen=True)
class UnitAdapter:
    """The fitted low-rank correction (``u``, ``v``: (dimension, rank))."""

    u: np.ndarray
    v: np.ndarray

    def project(self, vector: np.ndarray) -> np.ndarray:
        """Uᵀq for one question vector."""
        return np.asarray(vector, dtype=np.float32) @ self.u

    def save(self, path: Path = DEFAULT_PATH) -> None:
        """Write both matrices to one ``.npz`` (written beside it, then moved: never half a file)."""
        tmp = Path(path).with_name(Path(path).name + ".tmp.npz")
        np.savez(tmp, u=self.u.astype(np.float32), v=self.v.astype(np.float32))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH, dimension: int | None = None) -> UnitAdapter | None:
        """The adapter saved at ``path``; None when there is none, it is unreadable, or it was fitted
        for vectors of another ``dimension`` (another encoder)."""
        try:
            with np.load(path) as data:
                u, v = np.asarray(data["u"], dtype=np.float32), np.asarray(data["v"], dtype=np.float32)
        except (OSError, ValueError, KeyError):
            return None
        if u.shape != v.shape or u.ndim != 2 or (dimension is not None and u.shape[0] != dimension):
            return None
        return cls(u, v)


def soft_max_by_unit(scores: np.ndarray, onehot: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit's soft maximum of its passages' scores, for questions × passages ``scores`` and a
    passages × units ``onehot``; also each passage's weight in its unit and each unit's mass
    (0 for a unit without passages), which the fit's gradient needs."""
    top = scores.max(axis=1, keepdims=True)
    e = np.exp((scores - top) / TAU)
    mass = e @ onehot
    unit = TAU * np.log(mass + 1e-30) + top
    return unit, e / (mass @ onehot.T + 1e-30), mass


def pooled(scores: np.ndarray, owner: np.ndarray, n_units: int) -> np.ndarray:
    """Each unit's soft maximum of its passages' ``scores`` (``owner``: each passage's unit)."""
    onehot = np.zeros((len(owner), n_units))
    onehot[np.arange(len(owner)), owner] = 1.0
    unit, _, mass = soft_max_by_unit(np.asarray(scores, dtype=np.float64)[None], onehot)
    return np.where(mass[0] > 0, unit[0], -1.0)


@dataclass(frozen=True)
class Sample:
    """One detail question for the fit: its vector, its entry's unit passages and the target."""

    vector: np.ndarray  # (dimension,)
    passages: np.ndarray  # (passages, dimension): the vectors of the entry's unit passages
    owner: np.ndarray  # (passages,): each passage's unit
    target: np.ndarray  # (units,): 1 where the unit holds an expected fact


def fit_unit_adapter(samples: Sequence[Sample], *, rank: int = 32, epochs: int = 60, l2: float = 1e-3,
                     lr: float = 1e-2, seed: int = 0) -> UnitAdapter | None:
    """Full-batch Adam on the mean cross-entropy of each question's softmax over its parts.

    rank 32, 60 epochs and l2 1e-3 were chosen by ``scripts/unit_cv.py`` on dev (rank 16 /
    32 / 64: 0.852 / 0.855 / 0.852 on one shuffle; 120 epochs 0.848; l2 1e-2 0.847).
    Questions of one entry share its passages, so they are batched together.
    """
    samples = [s for s in samples if s.target.any()]
    if not samples:
        return None
    dim = samples[0].vector.shape[0]
    groups: dict[int, list[Sample]] = {}
    for s in samples:
        groups.setdefault(id(s.passages), []).append(s)
    batches = []
    for rows in groups.values():
        first = rows[0]
        onehot = np.zeros((len(first.owner), len(first.target)), dtype=np.float32)
        onehot[np.arange(len(first.owner)), first.owner] = 1.0
        batches.append((first.passages.astype(np.float32), onehot, np.stack([r.vector for r in rows]),
                        np.stack([r.target / r.target.sum() for r in rows])))
    rng = np.random.default_rng(seed)
    u = rng.normal(0.0, 0.01, (dim, rank)).astype(np.float32)
    v = np.zeros((dim, rank), dtype=np.float32)
    moments = [[np.zeros_like(u), np.zeros_like(u)], [np.zeros_like(v), np.zeros_like(v)]]
    n = len(samples)
    for step in range(1, epochs + 1):
        du, dv = np.zeros_like(u), np.zeros_like(v)
        for passages, onehot, q, target in batches:
            a, b = q @ u, passages @ v
            unit, weight, _ = soft_max_by_unit(q @ passages.T + a @ b.T, onehot)
            z = SCALE * unit
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            # back through the softmax and the soft maximum to each passage's score
            d = ((SCALE * (p - target)) @ onehot.T) * weight
            du += q.T @ (d @ b)
            dv += passages.T @ (d.T @ a)
        for param, grad, (m, w) in ((u, du / n + l2 * u, moments[0]), (v, dv / n + l2 * v, moments[1])):
            m *= 0.9
            m += 0.1 * grad
            w *= 0.999
            w += 0.001 * grad * grad
            param -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(w / (1 - 0.999 ** step)) + 1e-8)
    return UnitAdapter(u, v)
