"""`isac eval` reports (terminal, JSON, HTML, compare, gate) and `isac explain`, on the fixture engine.

The fixture questions are chosen so the top entry does not depend on tuning: four plain
questions, two deliberately mislabelled ones (gual and ibi swapped, so they "steal" each
other's questions) and one out-of-scope question. Whether the out-of-scope one gets an
answer depends on the calibration, so tests only check that the report agrees with itself.
"""

import json
import re

import pytest

from isac.cli import build_parser, main
from isac.evaluation import OUT_OF_SCOPE, EvalOptions, run_eval
from isac.explain import explain

XSS = "<script>alert(1)</script> llicència de gual"
ROWS = [
    {"question": "quant costa la grua?", "expected": ["grua-vehicle-retirat"], "lang": "ca", "kind": "colloquial"},
    {"question": "vull posar un gual al garatge", "expected": ["gual"], "lang": "ca", "kind": "colloquial"},
    {"question": "necesito el volante", "expected": ["padro-volant"], "lang": "es", "kind": "keywords"},
    {"question": "em vull donar d'alta al padró", "expected": ["padro-alta"], "lang": "ca", "kind": "formal"},
    {"question": XSS, "expected": ["ibi"], "lang": "ca", "kind": "typo"},
    {"question": "quan es paga l'IBI?", "expected": ["gual"], "lang": "ca", "kind": "colloquial"},
    {"question": "qui guanyarà el mundial de futbol?", "expected": [], "lang": "ca", "kind": "out_of_scope"},
]


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def evaluate(engine, capsys, *argv):
    """run_eval on the session engine (no reload), as `isac eval` would call it."""
    a = build_parser().parse_args(["eval", *map(str, argv)])
    options = EvalOptions(file=a.file, split=a.split, mode=a.mode, json=a.json, html=a.html, save=a.save,
                          compare=a.compare, predictions=a.predictions, min_accuracy=a.min_accuracy,
                          min_fact=a.min_fact, failures=a.failures)
    code = run_eval(engine, options)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def qfile(tmp_path):
    return write_rows(tmp_path / "q.jsonl", ROWS)


def test_json_numbers_per_category_language_and_kind(engine, capsys, qfile):
    code, out, _ = evaluate(engine, capsys, qfile, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["metrics"] == doc["overall"]
    m = doc["metrics"]
    assert (m["questions"], m["in_scope"], m["out_of_scope"]) == (7, 6, 1)
    assert m["accuracy@1"] == pytest.approx(4 / 6)
    cat = doc["by_category"]
    assert set(cat) == {"mobilitat", "multes", "padro", "tributs", OUT_OF_SCOPE}
    assert (cat["mobilitat"]["questions"], cat["mobilitat"]["accuracy@1"]) == (2, 0.5)
    assert (cat["padro"]["questions"], cat["padro"]["accuracy@1"]) == (2, 1.0)
    assert cat["tributs"]["accuracy@1"] == 0.0 and cat[OUT_OF_SCOPE]["accuracy@1"] is None
    assert doc["by_lang"]["es"]["accuracy@1"] == 1.0 and doc["by_lang"]["ca"]["accuracy@1"] == pytest.approx(3 / 5)
    assert doc["by_kind"]["typo"]["accuracy@1"] == 0.0 and doc["by_kind"]["formal"]["accuracy@1"] == 1.0
    # failures: the two mislabelled questions, with what the engine gave and why
    fails = {f["question"]: f for f in doc["failures"]}
    assert set(fails) == {XSS, "quan es paga l'IBI?"}
    f = fails[XSS]
    assert f["expected"] == [{"id": "ibi", "title": "Impost sobre béns immobles (IBI)"}]
    assert f["given"] == {"id": "gual", "title": "Llicència de gual"} and f["line"] == 5
    assert "gual" in f["given_why"]["matched_terms"] and f["given_why"]["passage"]["text"]
    assert f["expected_rank"] is None or f["expected_why"]["rank"] == f["expected_rank"] > 1
    assert doc["confusions"] == [{"a": "gual", "b": "ibi", "a_to_b": 1, "b_to_a": 1, "total": 2,
                                  "a_title": "Llicència de gual", "b_title": "Impost sobre béns immobles (IBI)"}]
    # the out-of-scope question is listed exactly when it was answered
    oos = [q for q in doc["questions"] if not q["expected"]]
    assert len(doc["oos_answered"]) == sum(q["answer_id"] is not None for q in oos)
    assert cat[OUT_OF_SCOPE]["oos_abstained"] == (0.0 if doc["oos_answered"] else 1.0)
    assert [q["ok"] for q in doc["questions"][:6]] == [True, True, True, True, False, False]


def test_terminal_report(engine, capsys, qfile):
    code, out, _ = evaluate(engine, capsys, qfile, "--failures", "1")
    assert code == 0
    assert re.search(r"accuracy@1\s+0\.667", out)
    assert re.search(r"BY CATEGORY.*\n(.*\n)*\s+mobilitat\s+2\s+0\.500", out)
    assert re.search(r"BY LANGUAGE.*\n(.*\n)*\s+es\s+1\s+1\.000", out)
    assert re.search(r"BY KIND.*\n(.*\n)*\s+typo\s+1\s+0\.000", out)
    assert "FAILURES: 2 in-scope questions whose top entry is wrong (the 1 most confident shown" in out
    assert out.count("     expected  ") == 1 and "won on " in out and "matched: " in out
    assert "gual ⇄ ibi   (1 one way, 1 the other)" in out
    assert "OUT OF SCOPE BUT ANSWERED:" in out


def test_html_is_self_contained_escaped_and_has_the_charts(engine, capsys, qfile, tmp_path):
    page = tmp_path / "r.html"
    code, _, _ = evaluate(engine, capsys, qfile, "--html", page)
    html = page.read_text()
    assert code == 0 and html.startswith("<!doctype html>")
    assert 'aria-label="accuracy per category"' in html and 'aria-label="confidence histogram"' in html
    threshold = engine.config.answer_threshold
    assert f"answer threshold {threshold:g}" in html
    for category in ("mobilitat", "multes", "padro", "tributs"):
        assert f">{category}</text>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; llicència de gual" in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(""", html)  # nothing fetched from outside
    assert "Failures: 2 questions" in html and "Confusions" in html


def test_compare_lists_better_and_worse(engine, capsys, qfile, tmp_path):
    saved = tmp_path / "before.json"
    code, out, _ = evaluate(engine, capsys, qfile, "--save", saved, "--json")
    assert code == 0 and json.loads(saved.read_text()) == json.loads(out)  # --save and --json agree
    (tmp_path / "stdout.json").write_text(out)
    rows = [dict(r) for r in ROWS]
    rows[4]["expected"] = ["gual"]                  # the script question is now labelled right: better
    rows[0]["expected"] = ["ibi"]                   # the grua question now expects ibi: worse
    rows.append({"question": "vado", "expected": ["gual"], "lang": "es"})
    del rows[3]
    after = write_rows(tmp_path / "after.jsonl", rows)
    code, out, _ = evaluate(engine, capsys, after, "--compare", saved)
    assert code == 0
    section = out[out.index("COMPARED WITH"):]
    worse, better = section.split("  better (")
    assert "worse (1):" in worse and "quant costa la grua?" in worse and XSS not in worse
    assert better.startswith("1):") and XSS in better.split("unchanged")[0] and "quant costa" not in better
    assert "expected ibi: right → grua-vehicle-retirat on top, expected #" in worse
    assert "1 new, 1 gone" in section and re.search(r"accuracy@1\s+0\.667 → ", section)
    # what `--json` printed carries the per-question outcomes too, so it can be compared against
    code, out, _ = evaluate(engine, capsys, after, "--json", "--compare", tmp_path / "stdout.json")
    diff = json.loads(out)["compare"]
    assert [d["after"]["question"] for d in diff["better"]] == [XSS]
    assert [d["after"]["question"] for d in diff["worse"]] == ["quant costa la grua?"]
    assert [o["question"] for o in diff["added"]] == ["vado"] and diff["unchanged"] == len(rows) - 3


def test_compare_with_a_file_without_outcomes_is_a_clear_error(capsys, fixture_index_dir, qfile, tmp_path):
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"metrics": {}, "by_lang": {}}))
    code = main(["--index-dir", str(fixture_index_dir), "eval", str(qfile), "--compare", str(old)])
    _, err = capsys.readouterr()
    assert code == 2 and "has no per-question outcomes" in err and "--save" in err


def test_min_accuracy_gate(capsys, fixture_index_dir, qfile):
    base = ["--index-dir", str(fixture_index_dir), "eval", str(qfile), "--json"]
    assert main(base + ["--min-accuracy", "0.6"]) == 0
    capsys.readouterr()
    assert main(base + ["--min-accuracy", "0.7"]) == 1
    assert "accuracy@1 0.667 is below --min-accuracy 0.7" in capsys.readouterr().err


def test_bad_csv_row_is_reported_with_its_line(capsys, fixture_index_dir, tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("question,expected,lang\nquant costa la grua?,grua-vehicle-retirat,ca\nvado,vado,es\n")
    code = main(["--index-dir", str(fixture_index_dir), "eval", str(path)])
    assert code == 2 and "q.csv: line 3: unknown entry id(s) vado" in capsys.readouterr().err


def test_explain_traces_every_stage(engine):
    text = explain(engine, "quant costa la grua?")
    for heading in ("tokens ", "corrections ", "synonyms ", "BM25 (lexical)", "DENSE (cosine)", "FUSION",
                    "CONFIDENCE", "CHOICE", "DECISION"):
        assert heading in text
    bm25 = text.split("BM25 (lexical)")[1].split("DENSE")[0]
    assert re.search(r"1\. grua-vehicle-retirat\s+\d+\.\d\d", bm25)
    fusion = text.split("FUSION")[1].split("CONFIDENCE")[0]
    assert fusion.strip().splitlines()[1].lstrip().startswith("1. grua-vehicle-retirat")
    features = text.split("CONFIDENCE")[1].split("CHOICE")[0]
    assert all(f"{k} " in features for k in engine.search("quant costa la grua?").features)
    assert "P(a right entry among the top three)" in text.split("CHOICE")[1].split("DECISION")[0]
    decision = text.split("DECISION")[1]
    status = engine.answer("quant costa la grua?").status.value
    assert decision.split()[0] == status
    if status == "answer":
        assert "[grua-vehicle-retirat]" in decision


def test_explain_shows_where_the_expected_entry_ended(engine):
    text = explain(engine, "vull posar un gual al garatge", expected="ibi")
    line = next(x for x in text.split("FUSION")[1].splitlines() if "← expected" in x)
    assert "ibi" in line
    assert "no such entry" in explain(engine, "vull posar un gual", expected="nope")


def test_explain_shows_the_detail_item_decision(engine):
    from dataclasses import replace

    # padro-alta is the fixture entry with a FAQ item ("Em puc empadronar amb el passaport caducat?")
    engine_cfg = replace(engine.config, answer_threshold=0.0, faq_threshold=0.0)
    from isac.engine import Engine

    eager = Engine(engine.index, engine.encoder, engine_cfg, calibrator=engine.calibrator)
    text = explain(eager, "em puc empadronar amb el passaport caducat?")
    detail = text.split("DETAIL")[1]
    assert "passaport caducat" in detail and "answers" in detail
    answer = eager.answer("em puc empadronar amb el passaport caducat?")
    assert answer.faq is not None and answer.text.startswith("No: el document") and answer.more_text


def test_explain_shows_the_unit_the_second_level_picked(engine):
    from dataclasses import replace

    from isac.answering import UNIT_FEATURES
    from isac.engine import Engine

    weights = tuple(1.0 if f == "coverage" else 0.0 for f in UNIT_FEATURES)
    cfg = replace(engine.config, answer_threshold=0.0, clarify_margin=0.0, answer_weights=weights)
    eager = Engine(engine.index, engine.encoder, cfg, calibrator=engine.calibrator)
    question = "cal el contracte de lloguer per acreditar el domicili de l'empadronament?"
    eager.ranker.selector.intents = None
    text = explain(eager, question)
    assert "UNIT         the second level picks documents" in text and "learned unit intents" not in text
    from isac.unit_intents import fit_unit_intents

    eager.ranker.selector.intents = fit_unit_intents(
        ["quin document cal?", "quins papers porto?", "cal el contracte?", "documentació necessària?",
         "quant costa?", "quin preu té?", "és gratuït?", "quant val?", "qui ho pot demanar?", "tinc dret?"],
        [{"documents"}] * 4 + [{"cost"}] * 4 + [{"who"}] * 2)
    line = next(ln for ln in explain(eager, question).splitlines() if "learned unit intents" in ln)
    assert line.split("ask for ")[1].startswith("documents")  # the most probable kind first


def test_min_fact_gate(engine, capsys, tmp_path):
    answer = engine.answer("com demano un gual per al garatge?")
    assert answer.text  # the fixture engine answers it; its first words are a fact it holds
    fact = " ".join(answer.text.split()[:3])
    rows = [{"question": "com demano un gual per al garatge?", "expected": ["gual"], "lang": "ca", "facts": [fact]},
            {"question": "com demano un gual per al garatge?", "expected": ["gual"], "lang": "ca",
             "facts": ["no such fact"]}]
    path = write_rows(tmp_path / "detail.jsonl", rows)
    assert evaluate(engine, capsys, path, "--json", "--min-fact", "0.5")[0] == 0
    code, _, err = evaluate(engine, capsys, path, "--json", "--min-fact", "0.6")
    assert code == 1 and "fact-in-answer 0.500 is below --min-fact 0.6" in err


def test_min_fact_gate_needs_questions_with_facts(capsys, fixture_index_dir, qfile):
    assert main(["--index-dir", str(fixture_index_dir), "eval", str(qfile), "--min-fact", "0.1"]) == 1
    assert 'needs questions with "facts"' in capsys.readouterr().err


def test_explain_shows_the_passages_the_entry_level_saw(engine):
    # the words of padro-alta's `also` phrasing: its passage is the closest, but the entry
    # level never reads it, so the trace names another padro-alta passage
    text = explain(engine, "Tinc el DNI vençut, m'hi puc apuntar igualment?")
    for section in ("BM25 (lexical)", "DENSE (cosine)"):
        block = text.split(section)[1].split("\n\n")[0]
        assert "faq_also" not in block


def test_explain_says_when_a_confident_answer_sets_the_route_aside(engine):
    from dataclasses import replace

    from isac.engine import Engine

    question = "on puc renovar el DNI que em caduca?"
    assert "ROUTE" not in explain(engine, question)  # routed: the DECISION line says where
    confidence = engine.search(question).confidence
    lenient = Engine(engine.index, engine.encoder, replace(engine.config, route_ceiling=confidence),
                     calibrator=engine.calibrator)
    text = explain(lenient, question)
    assert "ROUTE" in text and f"ceiling {confidence}" in text and "out of scope: closer" not in text
