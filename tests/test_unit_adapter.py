"""The second level's query adapter (isac/unit_adapter.py): its fit, its file and its wiring."""

from __future__ import annotations

import numpy as np
import pytest

from isac.unit_adapter import TAU, Sample, UnitAdapter, fit_unit_adapter, pooled


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _synthetic(n: int, rng: np.random.Generator, bend: np.ndarray, dim: int = 16, units: int = 4) -> list[Sample]:
    """Questions whose answering part is ``bend`` applied to them: plain cosine cannot tell it."""
    out = []
    for _ in range(n):
        q = _unit(rng.normal(size=dim))
        passages = _unit(rng.normal(size=(units, dim)))
        right = int(rng.integers(units))
        passages[right] = _unit(bend @ q + 0.1 * rng.normal(size=dim))
        target = np.zeros(units)
        target[right] = 1.0
        out.append(Sample(q.astype(np.float32), passages.astype(np.float32), np.arange(units), target))
    return out


def _accuracy(samples: list[Sample], adapter: UnitAdapter | None) -> float:
    hits = 0
    for s in samples:
        scores = s.passages @ s.vector
        if adapter is not None:
            scores = scores + (s.passages @ adapter.v) @ adapter.project(s.vector)
        hits += int(s.target[int(np.argmax(pooled(scores, s.owner, len(s.target))))] > 0)
    return hits / len(samples)


def test_the_adapter_learns_what_the_plain_cosine_misses():
    rng = np.random.default_rng(0)
    bend = np.linalg.qr(rng.normal(size=(16, 16)))[0]  # a rotation: q and its answer are unrelated by cosine
    train, held_out = _synthetic(300, rng, bend), _synthetic(100, rng, bend)
    adapter = fit_unit_adapter(train, rank=16, epochs=150, lr=3e-2)
    assert adapter is not None
    assert _accuracy(held_out, None) < 0.5
    assert _accuracy(held_out, adapter) > 0.85


def test_no_question_with_an_answering_part_fits_nothing():
    s = Sample(np.ones(4, dtype=np.float32), np.eye(4, dtype=np.float32), np.arange(4), np.zeros(4))
    assert fit_unit_adapter([s]) is None


def test_pooled_is_a_soft_maximum_per_unit():
    scores = np.array([0.80, 0.90, 0.70, 0.85])
    owner = np.array([0, 0, 1, 1])
    best = pooled(scores, owner, 3)
    assert best[0] >= 0.90 and best[0] - 0.90 <= TAU * np.log(2) + 1e-9
    assert best[1] >= 0.85 and best[1] - 0.85 <= TAU * np.log(2) + 1e-9
    assert best[2] == -1.0  # a unit without passages never wins


def test_the_file_round_trips_and_a_wrong_one_is_refused(tmp_path):
    rng = np.random.default_rng(1)
    adapter = UnitAdapter(rng.normal(size=(8, 2)).astype(np.float32), rng.normal(size=(8, 2)).astype(np.float32))
    path = tmp_path / "adapter.npz"
    adapter.save(path)
    loaded = UnitAdapter.load(path, dimension=8)
    assert loaded is not None and np.allclose(loaded.u, adapter.u) and np.allclose(loaded.v, adapter.v)
    assert UnitAdapter.load(path, dimension=384) is None  # fitted for another encoder
    assert UnitAdapter.load(tmp_path / "missing.npz") is None
    (tmp_path / "broken.npz").write_bytes(b"not numpy")
    assert UnitAdapter.load(tmp_path / "broken.npz") is None
    assert not list(tmp_path.glob("*.tmp.npz"))


@pytest.mark.parametrize("with_adapter", [False, True])
def test_the_selector_reads_the_query_vector_through_the_adapter(engine, with_adapter):
    from isac.answering import UNIT_FEATURES

    selector = engine.ranker.selector
    position = engine.ranker.position["padro-alta"]
    units = selector.units[position]
    target = [u.key for u in units].index("faq:0")
    ps = engine.score_passages("em serveix el passaport caducat?")
    assert ps.vector is not None and ps.vector.shape == (selector.vectors.shape[1],)
    # an adapter that bends every question towards the target part's first passage
    dim = selector.vectors.shape[1]
    u, v = np.zeros((dim, 1), np.float32), np.zeros((dim, 1), np.float32)
    u[:, 0], v[:, 0] = ps.vector, selector.vectors[units[target].pids[0]]
    saved = selector.adapter
    try:
        selector.adapter = UnitAdapter(u, v) if with_adapter else None
        _, x = selector.features(position, ps.query.tokens, ps.query.text, ps.dense, ps.bm25, ps.vector)
    finally:
        selector.adapter = saved
    adapted = x[:, UNIT_FEATURES.index("adapted")]
    plain = np.array([ps.dense[u.pids].max() for u in units])
    if with_adapter:
        assert int(np.argmax(adapted)) == target and adapted[target] > plain[target] + 0.5
    else:
        assert np.all(adapted >= plain - 1e-6) and np.all(adapted - plain <= TAU * np.log(20) + 1e-6)
