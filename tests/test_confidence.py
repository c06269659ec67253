import json

import numpy as np
import pytest

from isac.confidence import FEATURES, Calibrator, fit, reliability, tuned_values


def test_fit_separates_and_is_monotone_in_the_signal():
    rng = np.random.default_rng(1)
    n = 400
    X = rng.random((n, len(FEATURES)))
    y = (X[:, 0] > 0.5).astype(float)
    cal = fit(X, y)
    rest = [0.5] * (len(FEATURES) - 1)
    low = dict(zip(FEATURES, [0.1, *rest]))
    high = dict(zip(FEATURES, [0.9, *rest]))
    assert cal(low) < 0.2 < 0.8 < cal(high)


def test_save_and_load_roundtrip(tmp_path):
    n = len(FEATURES)
    cal = Calibrator(tuple(float(i) for i in range(n)), -1.0, (0.1,) * n, (2.0,) * n)
    path = tmp_path / "cal.json"
    cal.save(path, config={"answer_threshold": 0.4})
    assert Calibrator.load(path) == cal
    assert tuned_values(path) == {"answer_threshold": 0.4}


def test_load_refuses_other_features_and_falls_back(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text(json.dumps({"features": ["x"], "weights": [1.0], "bias": 0.0, "mean": [0], "scale": [1]}))
    cal = Calibrator.load(path)
    assert len(cal.weights) == len(FEATURES)
    assert tuned_values(tmp_path / "missing.json") == {}


def test_reliability_bins():
    probs = np.array([0.05, 0.15, 0.95, 0.92])
    labels = np.array([0, 0, 1, 0])
    bins = reliability(probs, labels)
    assert [b["n"] for b in bins] == [1, 1, 2]
    assert bins[-1]["accuracy"] == pytest.approx(0.5)


def test_weights_make_a_row_count_for_less():
    # the same ambiguous point, labelled right once and wrong once: its weight decides
    X = np.array([[0.5] * len(FEATURES)] * 2 + [[0.0] * len(FEATURES), [1.0] * len(FEATURES)])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    point = dict(zip(FEATURES, [0.5] * len(FEATURES)))
    light_negative = fit(X, y, weights=np.array([1.0, 0.25, 1.0, 1.0]))
    equal = fit(X, y)
    assert light_negative(point) > equal(point) + 0.05


def test_negatives_must_be_out_of_scope(engine, tmp_path):
    from isac.tuning import load_negatives

    good = tmp_path / "neg.jsonl"
    good.write_text(json.dumps({"question": "on renovo el DNI?", "expected": [], "lang": "ca"}) + "\n")
    assert [q.question for q in load_negatives(engine, [good])] == ["on renovo el DNI?"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "placa de gual", "expected": ["gual"], "lang": "ca"}) + "\n")
    with pytest.raises(ValueError, match="line 1 .*out of scope"):
        load_negatives(engine, [bad])


def test_the_shipped_negatives_are_out_of_scope_and_not_eval_questions():
    from pathlib import Path

    from isac.text import fold

    root = Path(__file__).resolve().parents[1] / "eval"
    rows = [json.loads(x) for x in (root / "near-miss-negatives.jsonl").read_text().splitlines()]
    assert rows and all(r["expected"] == [] for r in rows)
    evals = {fold(" ".join(json.loads(x)["question"].split()))
             for f in ("questions.jsonl", "questions-wild.jsonl", "questions-detail.jsonl")
             for x in (root / f).read_text().splitlines()}
    assert not [r["question"] for r in rows if fold(" ".join(r["question"].split())) in evals]


def test_the_dev_silence_target_is_one_standard_error_above_the_wanted_one():
    from isac.tuning import OOS_SILENCE, oos_target

    # 76 dev out-of-scope questions: 0.90 + sqrt(0.09 / 76)
    assert abs(oos_target(76) - 0.9344) < 1e-3
    # more questions, a tighter estimate: the target comes down towards the wanted silence
    assert OOS_SILENCE < oos_target(1000) < oos_target(76) < oos_target(10)
    assert oos_target(0) == OOS_SILENCE and oos_target(1, wanted=0.99) <= 1.0


def test_the_choice_model_is_saved_and_loaded_with_the_confidence(tmp_path):
    n = len(FEATURES)
    point = dict(zip(FEATURES, [0.5] * n))
    plain = Calibrator((1.0,) * n, 0.0)
    assert plain.choice_probability(point) == 0.0  # no choice model: never offers the top three
    both = Calibrator((1.0,) * n, 0.0, choice=Calibrator((2.0,) * n, -1.0))
    path = tmp_path / "calibration.json"
    both.save(path)
    loaded = Calibrator.load(path)
    assert loaded.choice is not None and loaded.choice_probability(point) == both.choice_probability(point)
    assert loaded.choice_probability(point) != loaded(point)
