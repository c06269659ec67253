"""Question files (CSV and JSONL, with line-numbered errors), metrics and run comparison."""

import json

import pytest

from isac.evaluation import (
    EvalFileError,
    EvalQuestion,
    Prediction,
    breakdown,
    compare_outcomes,
    confusions,
    load_questions,
    predict,
    summary,
)

IDS = {"padro-alta", "padro-volant", "gual", "ibi", "deixalleria", "grua-vehicle-retirat"}


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def error_of(path, known=IDS) -> str:
    with pytest.raises(EvalFileError) as exc:
        load_questions(path, known_ids=known)
    return str(exc.value)


# -- CSV --------------------------------------------------------------------------------
def test_csv_as_a_spreadsheet_exports_it(tmp_path):
    path = write(tmp_path, "q.csv", "\ufeffquestion,expected,lang,kind\n"
                 '"on és la deixalleria, si us plau?",deixalleria,ca,colloquial\n'
                 "volant o alta,padro-volant; padro-alta,CA,\n"
                 "qui guanyarà la lliga,,ca,out_of_scope\n"
                 '"una pregunta\nen dues línies",gual,es,\n'
                 ",,,\n"
                 "quant costa la grua,grua-vehicle-retirat,ca,typo\n")
    qs = load_questions(path, known_ids=IDS)
    assert [q.question for q in qs] == ["on és la deixalleria, si us plau?", "volant o alta", "qui guanyarà la lliga",
                                        "una pregunta\nen dues línies", "quant costa la grua"]
    assert qs[1].expected == ("padro-volant", "padro-alta") and qs[1].lang == "ca"
    assert not qs[2].in_scope and qs[0].kind == "colloquial"
    # the quoted cell spans lines 5-6, so the last row is on line 8 (line 7 is the empty row)
    assert [q.line for q in qs] == [2, 3, 4, 5, 8]


def test_csv_with_semicolons_from_a_catalan_locale(tmp_path):
    path = write(tmp_path, "q.csv", 'question;expected;lang\nvull un gual;gual;ca\nvolant;"padro-volant;padro-alta";ca\n')
    qs = load_questions(path, known_ids=IDS)
    assert [q.expected for q in qs] == [("gual",), ("padro-volant", "padro-alta")]


@pytest.mark.parametrize("rows, line, words", [
    ("ok,gual,ca\nok,gual,fr\n", 3, "`lang` must be one of ca, es, en, got 'fr'"),
    ("ok,gual,ca\nok,gual,ca\nok,padro-baixa,ca\n", 4, "unknown entry id(s) padro-baixa"),
    ("ok,\"gual,ibi\",ca\n", 2, "separate several ids with `;`"),
    ("ok,gual,ca\n,gual,ca\n", 3, "`question` is missing or empty"),
    ("ok,gual,ca,extra\n", 2, "4 cells but the header has 3 columns"),
    ('"two\nlines",gual,ca\nok,nope,ca\n', 4, "unknown entry id(s) nope"),
])
def test_csv_bad_row_names_its_line(tmp_path, rows, line, words):
    message = error_of(write(tmp_path, "q.csv", "question,expected,lang\n" + rows))
    assert f"q.csv: line {line}: " in message and words in message


def test_csv_header_problems(tmp_path):
    message = error_of(write(tmp_path, "q.csv", "pregunta,expected,lang\nhola,gual,ca\n"))
    assert "line 1: CSV header lacks column(s) question" in message and "found: pregunta, expected, lang" in message
    assert "no questions found" in error_of(write(tmp_path, "e.csv", "question,expected,lang\n"))
    assert "not UTF-8" in error_of(write(tmp_path, "l.csv", "question,expected,lang\nmés,gual,ca\n", "latin-1"))


# -- JSONL ------------------------------------------------------------------------------
def test_jsonl_good_with_blank_lines(tmp_path):
    rows = [{"question": "vull un gual", "expected": ["gual"], "lang": "ca", "kind": "formal", "split": "dev"},
            {"question": "hola", "expected": [], "lang": "es"}]
    path = write(tmp_path, "q.jsonl", json.dumps(rows[0]) + "\n\n" + json.dumps(rows[1]) + "\n")
    qs = load_questions(path, known_ids=IDS)
    assert qs == [EvalQuestion("vull un gual", ("gual",), "ca", "formal", "dev", 1),
                  EvalQuestion("hola", (), "es", "", "", 3)]


@pytest.mark.parametrize("line, words", [
    ('{"question": "x", "expected": ["gual"], "lang": "ca"', "malformed JSON"),
    ('["x", ["gual"], "ca"]', "expected an object"),
    ('{"question": "x", "expected": 5, "lang": "ca"}', "`expected` must be a list"),
    ('{"question": "x", "expected": ["ibi"]}', "`lang` must be one of"),
    ('{"question": "x", "expected": ["nope"], "lang": "ca"}', "unknown entry id(s) nope"),
])
def test_jsonl_errors_name_the_line(tmp_path, line, words):
    good = json.dumps({"question": "vull un gual", "expected": ["gual"], "lang": "ca"})
    message = error_of(write(tmp_path, "q.jsonl", f"{good}\n\n{line}\n"))
    assert "q.jsonl: line 3: " in message and words in message


def test_unknown_ids_are_only_checked_when_known(tmp_path):
    path = write(tmp_path, "q.jsonl", json.dumps({"question": "x", "expected": ["nope"], "lang": "ca"}))
    assert load_questions(path)[0].expected == ("nope",)
    assert "cannot read" in error_of(tmp_path / "missing.jsonl")


# -- metrics on hand-made predictions -----------------------------------------------------
def pred(question, expected, ranked, answer_id="top", status="answer", confidence=0.9, lang="ca", kind=""):
    answer = ranked[0] if answer_id == "top" else answer_id
    return Prediction(EvalQuestion(question, tuple(expected), lang, kind), tuple(ranked), answer, status,
                      confidence, 10.0)


@pytest.fixture()
def preds():
    return [
        pred("q1", ["a"], ["a", "b", "c"]),                               # right, rank 1
        pred("q2", ["a"], ["b", "a", "c"], kind="typo"),                  # rank 2: stolen by b
        pred("q3", ["b"], ["c", "d", "e", "b"], status="clarify"),         # rank 4: stolen by c
        pred("q4", ["b"], ["a", "c"], answer_id=None, status="none"),     # not found: stolen by a
        pred("q5", [], ["a"], answer_id=None, status="none", lang="es"),  # out of scope, abstained
        pred("q6", [], ["c"], lang="es", confidence=0.5),                 # out of scope, answered
    ]


def test_metrics_on_hand_made_predictions(preds):
    m = summary(preds)
    assert (m["questions"], m["in_scope"], m["out_of_scope"]) == (6, 4, 2)
    assert m["accuracy@1"] == 0.25 and m["hit@3"] == 0.5 and m["hit@5"] == 0.75
    assert m["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 4) / 4)
    assert m["oos_abstained"] == 0.5 and m["in_scope_unanswered"] == 0.25
    assert m["answered_correct"] == 0.25 and m["clarifications"] == pytest.approx(1 / 6)
    assert m["latency_ms_mean"] == 10.0
    assert [p.ok for p in preds] == [True, False, False, False, True, False]


def test_breakdown_and_empty_groups(preds):
    by_lang = breakdown(preds, lambda p: p.item.lang)
    assert by_lang["es"]["accuracy@1"] is None and by_lang["es"]["oos_abstained"] == 0.5
    assert by_lang["ca"]["accuracy@1"] == 0.25
    assert set(breakdown(preds, lambda p: p.item.kind)) == {"-", "typo"}


def test_confusions_pair_both_directions(preds):
    rows = confusions(preds + [pred("q7", ["b"], ["a"])])
    assert rows[0] == {"a": "b", "b": "a", "a_to_b": 2, "b_to_a": 1, "total": 3}
    assert rows[1] == {"a": "b", "b": "c", "a_to_b": 1, "b_to_a": 0, "total": 1}


def test_compare_outcomes_lists_better_and_worse(preds):
    before = [p.outcome("x") for p in preds]
    after_preds = list(preds)
    after_preds[0] = pred("q1", ["a"], ["b", "a"])                         # was right, now wrong
    after_preds[1] = pred("q2", ["a"], ["a", "b"], kind="typo")            # was wrong, now right
    after_preds[5] = pred("q6", [], ["c"], answer_id=None, status="none", lang="es")  # now abstains
    after_preds[4] = pred("q8", ["a"], ["a"])                               # q5 gone, q8 new
    diff = compare_outcomes(before, [p.outcome("x") for p in after_preds])
    assert [d["after"]["question"] for d in diff["worse"]] == ["q1"]
    assert [d["after"]["question"] for d in diff["better"]] == ["q2", "q6"]
    assert diff["unchanged"] == 2
    assert [o["question"] for o in diff["added"]] == ["q8"] and [o["question"] for o in diff["removed"]] == ["q5"]


def test_compare_keeps_repeated_questions_apart():
    twice = [pred("same", ["a"], ["a"]).outcome(), pred("same", ["a"], ["b"]).outcome()]
    fixed = [pred("same", ["a"], ["a"]).outcome(), pred("same", ["a"], ["a"]).outcome()]
    diff = compare_outcomes(twice, fixed)
    assert len(diff["better"]) == 1 and diff["unchanged"] == 1 and not diff["added"]


# -- running over the fixture engine ------------------------------------------------------
def test_batched_predict_matches_one_by_one(engine):
    qs = [EvalQuestion(q, ("gual",), "ca", line=i) for i, q in enumerate(
        ["vull posar un gual al garatge", "quant costa la grua?", "necesito el volante"], 1)]
    ticks = []
    preds = predict(engine, qs, progress=ticks.append, batch=2)
    assert len(ticks) == len(qs) and all(p.latency_ms > 0 for p in preds)
    for q, p in zip(qs, preds, strict=True):
        alone = engine.answer(q.question)
        assert p.ranked[:5] == tuple(c.entry_id for c in alone.result.candidates)
        assert p.status == alone.status.value and p.confidence == pytest.approx(alone.confidence, abs=1e-6)
        assert len(p.ranked) == min(10, len(engine.index.entries))


def test_predict_names_the_line_of_an_unusable_question(engine):
    qs = [EvalQuestion("vull un gual", ("gual",), "ca", line=1), EvalQuestion("x" * 600, ("gual",), "ca", line=7)]
    with pytest.raises(EvalFileError, match="line 7: the query has 600 characters"):
        predict(engine, qs)


@pytest.mark.parametrize("text,facts,held", [
    ("un descompte del 10 % amb 4 a 6 aportacions", ["10%"], True),
    ("un descuento del 10% con 4 a 6", ["10 %"], True),
    ("La taxa és de 30 € l'any", ["30€"], True),
    ("El carnet és GRATUÏT", ["gratuit"], True),
    ("un descompte del 100 %", ["10%"], False),
    ("un descompte del 10 %", ["20%", "15 %"], False),
])
def test_fact_in_answer_ignores_accents_case_and_the_space_before_a_unit(text, facts, held):
    from isac.evaluation.metrics import holds_fact

    assert holds_fact(text, facts) is held
