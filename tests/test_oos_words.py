"""The out-of-scope word model: fitted by `isac build` on the knowledge base, read by the confidence."""

import json

import numpy as np
import pytest
import yaml

from isac.index import OOS_WORDS_FILE, load_index
from isac.indexing import build_index
from isac.knowledge import load_knowledge
from isac.word_models import WordModel


def test_the_build_fits_it_on_the_examples_against_the_citizen_phrasings(fixture_index_dir, encoder):
    idx = load_index(fixture_index_dir, encoder.name)
    assert idx.oos_words is not None and idx.oos_words.labels == ("oos",)
    assert "oos_words.json" in json.loads((fixture_index_dir / "manifest.json").read_text())["files"]
    p = idx.oos_words.probabilities
    # words of the fixture's out-of-scope topics against words of its entries
    assert p("quin temps farà demà a Terrassa")["oos"] > 0.5 > p("quant costa el gual del garatge")["oos"]


def test_the_confidence_reads_how_out_of_scope_the_words_are(engine):
    inside = engine.search("gual per al garatge", k=3)
    outside = engine.search("quin temps farà aquest cap de setmana", k=3)
    assert engine.score_passages("quin temps farà aquest cap de setmana").oos_words > 0.5
    assert outside.features["oos_words"] > inside.features["oos_words"]


def test_a_rebuild_refits_it_only_when_the_phrasings_change(kb_copy, encoder, tmp_path, monkeypatch):
    import isac.indexing

    target = tmp_path / "index"
    build_index(load_knowledge(kb_copy), encoder, target)
    first = WordModel.load(target / OOS_WORDS_FILE)
    assert first is not None and first.fingerprint

    # a section is no citizen phrasing: the same model, not refitted
    path = kb_copy / "tributs" / "ibi.yaml"
    data = yaml.safe_load(path.read_text())
    data["sections"]["cost"]["ca"] = "La quota es publica cada any a les ordenances fiscals."
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    fit = isac.indexing.fit_word_model
    monkeypatch.setattr(isac.indexing, "fit_word_model", lambda *a, **k: pytest.fail("the word model was refitted"))
    build_index(load_knowledge(kb_copy), encoder, target)
    same = WordModel.load(target / OOS_WORDS_FILE)
    assert same is not None and same.fingerprint == first.fingerprint and np.array_equal(same.coef, first.coef)
    monkeypatch.setattr(isac.indexing, "fit_word_model", fit)

    # a new example is learnt: its words now read as out of scope
    oos = kb_copy / "out-of-scope.yaml"
    data = yaml.safe_load(oos.read_text())
    data["topics"][0]["examples"]["ca"].append("on es renova el permís de pesca continental")
    oos.write_text(yaml.safe_dump(data, allow_unicode=True))
    build_index(load_knowledge(kb_copy), encoder, target)
    again = WordModel.load(target / OOS_WORDS_FILE)
    assert again is not None and again.fingerprint != first.fingerprint
    question = "permís de pesca"
    assert again.probabilities(question)["oos"] > first.probabilities(question)["oos"]


def test_a_knowledge_base_without_examples_builds_without_it(kb_copy, encoder, tmp_path):
    oos = kb_copy / "out-of-scope.yaml"
    oos.write_text(yaml.safe_dump({"topics": []}))
    target = tmp_path / "index"
    build_index(load_knowledge(kb_copy), encoder, target)
    assert not (target / OOS_WORDS_FILE).exists()
    assert load_index(target, encoder.name).oos_words is None
