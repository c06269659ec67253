import pytest

from isac.fusion import FusionMode, fuse, normalise_bm25, normalise_dense


def test_rrf_rewards_agreement():
    bm25 = {"a": 10.0, "b": 5.0, "c": 1.0}
    dense = {"b": 0.9, "a": 0.8, "c": 0.1}
    ranked = fuse(bm25, dense, FusionMode.RRF, rrf_k=60)
    assert [k for k, _ in ranked][:2] in (["a", "b"], ["b", "a"])
    assert ranked[-1][0] == "c"
    assert ranked[0][1] == pytest.approx(1 / 61 + 1 / 62)


def test_convex_weights_the_two_scales():
    bm25 = {"a": 1.0, "b": 0.0}
    dense = {"a": 0.0, "b": 1.0}
    assert fuse(bm25, dense, FusionMode.CONVEX, alpha=0.8)[0][0] == "b"
    assert fuse(bm25, dense, FusionMode.CONVEX, alpha=0.2)[0][0] == "a"


def test_single_retriever_modes_pass_through():
    assert fuse({"a": 2.0}, {"b": 0.9}, FusionMode.BM25) == [("a", 2.0)]
    assert fuse({"a": 2.0}, {"b": 0.9}, FusionMode.DENSE) == [("b", 0.9)]


def test_missing_scores_count_as_zero_and_ties_are_stable():
    ranked = fuse({"a": 0.5}, {"b": 0.5}, FusionMode.CONVEX, alpha=0.5)
    assert ranked == [("a", 0.25), ("b", 0.25)]


def test_normalisers_map_into_unit_interval():
    n = normalise_bm25({"a": 8.0, "b": 0.0}, saturation=8.0)
    assert n == {"a": 0.5}
    d = normalise_dense({"a": 0.70, "b": 0.85, "c": 0.99}, floor=0.75, ceil=0.95)
    assert d == {"a": 0.0, "b": pytest.approx(0.5), "c": 1.0}
