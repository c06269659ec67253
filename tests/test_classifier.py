import json
import shutil

import numpy as np
import pytest

from isac.classifier import OUT_OF_SCOPE, EntryClassifier, fit_classifier, update_classifier
from isac.index import IndexLoadError, load_index
from isac.ranking import FEATURE_NAMES


def clusters(seed: int = 0, per: int = 30, dim: int = 16):
    """Three noisy clusters of unit vectors, one per entry."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, dim))
    X = np.concatenate([c + 0.6 * rng.normal(size=(per, dim)) for c in centres]).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X, np.repeat(np.arange(3), per), centres


def test_the_classifier_learns_which_entry_a_vector_belongs_to():
    X, y, centres = clusters()
    clf = fit_classifier(X, y, ["a", "b", "c"])
    for i, c in enumerate(centres):
        p = clf.probabilities((c / np.linalg.norm(c)).astype(np.float32))
        assert int(np.argmax(p)) == i and abs(float(p.sum()) - 1.0) < 1e-5


def test_a_warm_start_maps_old_weights_by_entry_id_and_converges_to_the_same_model():
    X, y, _ = clusters(1)
    cold = fit_classifier(X, y, ["a", "b", "c"])
    # the same entries in another order, warm-started from the cold fit
    order = ["c", "a", "b"]
    relabel = np.array([order.index(e) for e in ["a", "b", "c"]])[y]
    warm = fit_classifier(X, relabel, order, previous=cold, max_iter=5)
    for e in order:
        assert np.allclose(warm.weights[order.index(e)], cold.weights[cold.entry_ids.index(e)], atol=1e-2)


def test_save_and_load_round_trip(tmp_path):
    X, y, _ = clusters(2)
    clf = fit_classifier(X, y, ["a", "b", "c"])
    clf.save(tmp_path)
    back = EntryClassifier.load(tmp_path)
    assert back.entry_ids == ("a", "b", "c") and np.array_equal(back.weights, clf.weights)


def test_the_index_holds_a_classifier_over_its_entries_and_the_out_of_scope_examples(fixture_index_dir, encoder):
    idx = load_index(fixture_index_dir, encoder.name)
    assert idx.classifier is not None and idx.classifier.entries == tuple(e.id for e in idx.entries)
    assert idx.classifier.entry_ids[-1] == OUT_OF_SCOPE and idx.classifier.has_out_of_scope
    assert idx.classifier.weights.shape == (len(idx.entries) + 1, encoder.dim)


def test_the_out_of_scope_class_is_split_from_the_entries():
    X, y, centres = clusters(4)
    clf = fit_classifier(X, y, ["a", "b", OUT_OF_SCOPE])
    entries, oos = clf.split((centres[2] / np.linalg.norm(centres[2])).astype(np.float32))
    assert entries.shape == (2,) and oos > 0.5 and abs(float(entries.sum()) + oos - 1.0) < 1e-5
    entries, oos = clf.split((centres[0] / np.linalg.norm(centres[0])).astype(np.float32))
    assert int(np.argmax(entries)) == 0 and oos < 0.5
    # a classifier fitted without that class has no out-of-scope probability
    plain = fit_classifier(X, y, ["a", "b", "c"])
    assert not plain.has_out_of_scope and plain.split(X[0])[1] == 0.0 and plain.entries == ("a", "b", "c")


def test_the_confidence_sees_how_out_of_scope_a_question_looks(engine):
    inside = engine.search("gual per al garatge", k=3)
    outside = engine.search("com renovo el DNI a la comissaria de policia", k=3)
    assert engine.score_passages("com renovo el DNI a la comissaria de policia").classifier_oos > 0.0
    assert outside.features["clf_oos"] > inside.features["clf_oos"]


def test_a_classifier_for_other_entries_is_refused(fixture_index_dir, encoder, tmp_path):
    idx = tmp_path / "index"
    shutil.copytree(fixture_index_dir, idx)
    clf = EntryClassifier.load(idx)
    EntryClassifier(tuple(reversed(clf.entry_ids)), clf.weights, clf.bias).save(idx)
    m = json.loads((idx / "manifest.json").read_text())
    from isac.index import checksums

    m["files"] = checksums(idx)
    (idx / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexLoadError, match="classifier does not match"):
        load_index(idx, encoder.name)


def test_the_reranker_sees_the_classifier(engine):
    ps = engine.score_passages("gual per al garatge")
    assert ps.classifier is not None and ps.classifier.shape == (len(engine.index.entries),)
    feats = engine.ranker.features(ps, engine.config)
    col = feats[:, FEATURE_NAMES.index("classifier")]
    # the rescaled log-probability keeps the classifier's order
    assert int(np.argmax(col)) == int(np.argmax(ps.classifier))


def test_an_update_refits_only_the_changed_rows_and_learns_a_new_entry():
    X, y, centres = clusters(3)
    old = fit_classifier(X[y < 2], y[y < 2], ["a", "b"])
    new = update_classifier(old, X, y, ["a", "b", "c"], changed=set())  # "c" is new
    assert np.array_equal(new.weights[:2], old.weights) and new.updates == 1
    c = (centres[2] / np.linalg.norm(centres[2])).astype(np.float32)
    assert int(np.argmax(new.probabilities(c))) == 2


def test_rebuilds_refit_the_classifier_only_where_the_knowledge_changed(kb_copy, encoder, tmp_path):
    import yaml

    from isac.indexing import build_index
    from isac.knowledge import load_knowledge

    target = tmp_path / "index"
    build_index(load_knowledge(kb_copy), encoder, target)
    first = EntryClassifier.load(target)
    build_index(load_knowledge(kb_copy), encoder, target)  # nothing changed: the same model
    same = EntryClassifier.load(target)
    assert np.array_equal(same.weights, first.weights) and same.updates == first.updates == 0

    path = kb_copy / "tributs" / "ibi.yaml"
    data = yaml.safe_load(path.read_text())
    data["sections"]["cost"]["ca"] = "La quota es publica cada any a les ordenances fiscals."
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    build_index(load_knowledge(kb_copy), encoder, target)
    edited = EntryClassifier.load(target)
    row = edited.entry_ids.index("ibi")
    others = [i for i in range(len(edited.entry_ids)) if i != row]
    assert edited.updates == 1
    assert np.array_equal(edited.weights[others], first.weights[others])
    assert not np.array_equal(edited.weights[row], first.weights[row])

    # a new out-of-scope example refits only the out-of-scope row
    oos = kb_copy / "out-of-scope.yaml"
    data = yaml.safe_load(oos.read_text())
    first_topic = data[0] if isinstance(data, list) else next(iter(data.values()))[0]
    first_topic["examples"]["ca"].append("on es renova el permís de pesca continental")
    oos.write_text(yaml.safe_dump(data, allow_unicode=True))
    build_index(load_knowledge(kb_copy), encoder, target)
    again = EntryClassifier.load(target)
    assert again.updates == 2 and np.array_equal(again.weights[:-1], edited.weights[:-1])
    assert not np.array_equal(again.weights[-1], edited.weights[-1])


def test_a_faq_items_other_phrasings_leave_the_classifier_as_it_was(kb_copy, encoder, tmp_path):
    import yaml

    from isac.indexing import build_index
    from isac.knowledge import load_knowledge

    target = tmp_path / "index"
    build_index(load_knowledge(kb_copy), encoder, target)
    first = EntryClassifier.load(target)
    path = kb_copy / "padro" / "padro-alta.yaml"
    data = yaml.safe_load(path.read_text())
    data["faq"][0]["also"]["ca"].append("el passaport em va caducar ahir, serveix?")
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    build_index(load_knowledge(kb_copy), encoder, target)
    after = EntryClassifier.load(target)
    # they tell apart one entry's parts, not entries: the model is not refitted at all
    assert after.updates == first.updates == 0 and np.array_equal(after.weights, first.weights)
