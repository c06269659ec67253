"""The shipped eval set: its format, its coverage, and its independence from the entries."""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from isac.evaluation import load_questions
from isac.knowledge import load_knowledge
from isac.text import Analyzer, fold

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ROOT.parent / "shared" / "kb-topics.tsv"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="module")
def questions(kb):
    return load_questions(ROOT / "eval" / "questions.jsonl", known_ids={e.id for e in kb.entries})


def test_no_eval_question_equals_or_nearly_equals_an_alternative_question(kb, questions):
    analyzer = Analyzer()  # no synonyms: "nearly equal" means the same words once analysed
    alt = {}
    for e in kb.entries:
        for lang, qs in e.questions.items():
            for q in qs:
                alt[fold(" ".join(q.split()))] = e.id
                tokens = tuple(sorted(analyzer.analyse(q, lang, expand=False).tokens))
                if tokens:
                    alt.setdefault(tokens, e.id)
    for topic in kb.out_of_scope:
        for lang, q in topic.examples:
            alt[fold(" ".join(q.split()))] = topic.id
            tokens = tuple(sorted(analyzer.analyse(q, lang, expand=False).tokens))
            if tokens:
                alt.setdefault(tokens, topic.id)
    leaks = []
    for q in questions:
        tokens = tuple(sorted(analyzer.analyse(q.question, q.lang, expand=False).tokens))
        if fold(" ".join(q.question.split())) in alt or (tokens and tokens in alt):
            leaks.append(q.question)
    assert not leaks, f"eval questions that copy knowledge-base questions: {leaks[:10]}"


def test_every_topic_has_an_entry_with_its_id_and_category(kb):
    rows = list(csv.DictReader(TOPICS.open(), delimiter="\t"))
    by_id = kb.by_id()
    missing = [r["id"] for r in rows if r["id"] not in by_id]
    wrong = [r["id"] for r in rows if r["id"] in by_id and by_id[r["id"]].category != r["category"]]
    assert not missing and not wrong
    assert len(rows) == 161


def test_eval_set_shape(questions):
    assert len(questions) >= 600
    langs = Counter(q.lang for q in questions)
    kinds = Counter(q.kind for q in questions)
    n = len(questions)
    assert 0.55 <= langs["ca"] / n <= 0.65 and 0.30 <= langs["es"] / n <= 0.40 and langs["en"] > 0
    assert kinds["typo"] / n >= 0.10 and kinds["keywords"] / n >= 0.15
    assert sum(not q.in_scope for q in questions) >= 50
    assert all(q.kind in {"colloquial", "typo", "keywords", "formal", "out_of_scope"} for q in questions)
    assert all((q.kind == "out_of_scope") == (not q.in_scope) for q in questions)
    assert {q.split for q in questions} == {"dev", "test"}


def test_at_least_three_questions_per_topic(questions):
    rows = [r["id"] for r in csv.DictReader(TOPICS.open(), delimiter="\t")]
    per = Counter(e for q in questions for e in q.expected)
    assert [t for t in rows if per[t] < 3] == []


def test_eval_lines_are_valid_json_objects():
    for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines():
        assert set(json.loads(line)) >= {"question", "expected", "lang"}
