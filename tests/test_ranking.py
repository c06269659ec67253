import numpy as np
import pytest

from isac.ranking import (
    FEATURE_NAMES,
    LinearReranker,
    PassageLayout,
    TermOverlap,
    entry_features,
    fit_listwise,
    top_mean,
    top_three,
)
from isac.records import PassageKind

Q, T, S = PassageKind.QUESTION, PassageKind.TITLE, PassageKind.SECTION


def layout():
    # entry 0 owns passages 0-2, entry 1 owns 3-4
    return PassageLayout.build(np.array([0, 0, 0, 1, 1]), [T, Q, S, T, Q], 2)


def test_layout_groups_passages_by_entry():
    lay = layout()
    assert lay.slots.tolist() == [[0, 1, 2], [3, 4, -1]]
    assert lay.kind_slots["question"].tolist() == [[1], [4]]
    assert lay.kind_slots["section"].tolist() == [[2], [-1]]
    scores = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    assert lay.gather(scores, -1.0, S).tolist() == [[0.3], [-1.0]]


def test_top_mean_ignores_padding():
    m = np.array([[3.0, 1.0, 2.0], [5.0, -1e9, -1e9]])
    assert top_mean(m, 2, -1e9).tolist() == [2.5, 5.0]


def test_top_three_agrees_with_top_mean_and_max():
    rng = np.random.default_rng(0)
    m = rng.normal(size=(50, 7))
    m[rng.random(m.shape) < 0.4] = -1e9  # padding, some rows wholly
    best, two, three = top_three(m, -1e9)
    assert np.allclose(best, np.maximum(m.max(axis=1), 0.0))
    assert np.allclose(two, top_mean(m, 2, -1e9)) and np.allclose(three, top_mean(m, 3, -1e9))
    narrow = np.array([[0.4], [-1e9]])  # fewer slots than three
    assert [a.tolist() for a in top_three(narrow, -1e9)] == [[0.4, 0.0], [0.4, 0.0], [0.4, 0.0]]


def test_overlap_is_jaccard_of_term_sets():
    ov = TermOverlap.build([frozenset({"empadronar"}), frozenset({"empadronar", "casa", "saber"}), frozenset()])
    j = ov.jaccard(("empadronar",))
    assert j.tolist() == pytest.approx([1.0, 1 / 3, 0.0])


def test_entry_features_shape_and_meaning():
    lay = layout()
    bm25 = np.array([0.0, 10.0, 0.0, 2.0, 0.0])
    dense = np.array([0.80, 0.95, 0.70, 0.90, 0.85])
    overlap = np.array([0.0, 1.0, 0.0, 0.0, 0.5])
    X = entry_features(lay, bm25, dense, overlap, saturation=10.0, floor=0.75, ceil=0.95)
    f = dict(zip(FEATURE_NAMES, X.T))
    assert X.shape == (2, len(FEATURE_NAMES))
    assert f["bm25_max"].tolist() == pytest.approx([0.5, 2 / 12])
    assert f["dense_question"].tolist() == pytest.approx([1.0, 0.5])
    assert f["overlap_question"].tolist() == [1.0, 0.5]
    assert ((X >= 0) & (X <= 1)).all()


def test_listwise_fit_learns_which_feature_predicts_the_answer():
    rng = np.random.default_rng(0)
    X = rng.random((200, 5, len(FEATURE_NAMES)))
    useful = FEATURE_NAMES.index("overlap_question")
    Y = np.zeros((200, 5))
    Y[np.arange(200), X[:, :, useful].argmax(axis=1)] = 1
    model = fit_listwise(X, Y, steps=1500)
    picked = np.einsum("qef,f->qe", X, np.array(model.weights)).argmax(axis=1)
    assert (picked == Y.argmax(axis=1)).mean() > 0.9
    assert model.weights[useful] == max(model.weights)


def test_reranker_probabilities_sum_to_one():
    r = LinearReranker((1.0,) * len(FEATURE_NAMES))
    p = r.probabilities(np.array([2.0, 1.0, 0.5]))
    assert p.sum() == pytest.approx(1.0) and p.argmax() == 0


def test_citizen_centroids_sum_up_each_entrys_citizen_phrasings(engine):
    import numpy as np

    from isac.ranking import citizen_centroids

    index = engine.index
    cents = citizen_centroids(index, engine.ranker.is_citizen)
    assert cents.shape == (len(index.entries), index.vectors.shape[1])
    assert np.allclose(np.linalg.norm(cents, axis=1), 1.0, atol=1e-5)
    e = engine.ranker.position["padro-alta"]
    mine = engine.ranker.is_citizen & (index.passage_entry == e)
    mean = np.asarray(index.vectors)[mine].mean(axis=0)
    assert np.allclose(cents[e], mean / np.linalg.norm(mean), atol=1e-5)
    # a title passage does not count: the centroid is how citizens put it
    title = next(p.pid for p in index.passages if p.entry_id == "padro-alta" and p.kind.value == "title")
    assert not engine.ranker.is_citizen[title]


def test_the_centroid_feature_is_scored_per_entry(engine):
    ps = engine.score_passages("acabo d'arribar a viure a la ciutat", "ca")
    assert ps.centroid is not None and ps.centroid.shape == (len(engine.index.entries),)
    from isac.ranking import FEATURE_NAMES

    X = engine.ranker.features(ps, engine.config)
    col = X[:, FEATURE_NAMES.index("dense_centroid")]
    assert ((0.0 <= col) & (col <= 1.0)).all()
    # the fixture's padró entry holds this very situation: its centroid is the closest
    assert int(np.argmax(ps.centroid)) == engine.ranker.position["padro-alta"]
