"""The shipped eval sets: format, coverage, and independence from the entries.

Eval questions never go into the knowledge base: no entry question, situation, FAQ
question or out-of-scope example may equal an eval question, or nearly (same terms).
"""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from isac.evaluation import load_questions
from isac.knowledge import load_knowledge
from isac.text import Analyzer, fold

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ROOT / "knowledge" / "topics.tsv"
EVAL_FILES = ("questions.jsonl", "questions-wild.jsonl", "questions-detail.jsonl")
# detail questions only the second level learns from (detail-train), and a dev check nothing
# is fitted on (detail-check): kept out of the knowledge base like the eval sets, and away
# from their test splits
TRAIN_FILES = ("detail-train.jsonl", "detail-check.jsonl")
# a dev check in the wild styles that nothing is fitted on, written by fresh writers from the titles
CHECK_FILES = ("wild-check.jsonl",)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="module")
def questions(kb):
    return load_questions(ROOT / "eval" / "questions.jsonl", known_ids={e.id for e in kb.entries})


@pytest.fixture(scope="module")
def all_questions(kb):
    known = {e.id for e in kb.entries}
    return [q for name in EVAL_FILES + TRAIN_FILES + CHECK_FILES if (ROOT / "eval" / name).exists()
            for q in load_questions(ROOT / "eval" / name, known_ids=known)]


def _citizen_phrasings(kb):
    for e in kb.entries:
        for field in (e.questions, e.situations):
            for lang, texts in field.items():
                for text in texts:
                    yield e.id, lang, text
        for item in e.faq:
            for lang, text in item.q.items():
                yield e.id, lang, text
            for lang, texts in item.also.items():
                for text in texts:
                    yield e.id, lang, text


def test_no_eval_question_equals_or_nearly_equals_an_alternative_question(kb, all_questions):
    analyzer = Analyzer()  # no synonyms: "nearly equal" means the same words once analysed
    questions = all_questions
    alt = {}
    for entry_id, lang, q in _citizen_phrasings(kb):
        alt[fold(" ".join(q.split()))] = entry_id
        tokens = tuple(sorted(analyzer.analyse(q, lang, expand=False).tokens))
        if tokens:
            alt.setdefault(tokens, entry_id)
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
    for name in EVAL_FILES + TRAIN_FILES + CHECK_FILES:
        path = ROOT / "eval" / name
        for line in path.read_text().splitlines() if path.exists() else ():
            assert set(json.loads(line)) >= {"question", "expected", "lang", "split"}


def test_wild_set_shape(kb):
    wild = load_questions(ROOT / "eval" / "questions-wild.jsonl", known_ids={e.id for e in kb.entries})
    styles = Counter(q.style for q in wild)
    assert len(wild) >= 450
    assert set(styles) == {"story", "voice", "codeswitch", "terse", "indirect", "english", "near_miss_oos"}
    assert styles["near_miss_oos"] >= 80
    assert all((q.style == "near_miss_oos") == (not q.in_scope) for q in wild)
    # the same fixed split in every style
    for style in styles:
        splits = Counter(q.split for q in wild if q.style == style)
        assert 0.45 <= splits["dev"] / (splits["dev"] + splits["test"]) <= 0.55, (style, splits)


def _key(analyzer, q):
    """A question's analysed terms, sorted: two questions with the same key nearly equal each other."""
    return tuple(sorted(analyzer.analyse(q.question, q.lang, expand=False).tokens))


def _test_keys(analyzer, known):
    return {_key(analyzer, q) for name in EVAL_FILES for q in load_questions(ROOT / "eval" / name, known_ids=known)
            if q.split == "test"}


def test_training_questions_are_dev_only_and_not_copies_of_test_questions(kb):
    known = {e.id for e in kb.entries}
    analyzer = Analyzer()
    tests = _test_keys(analyzer, known)
    train = [q for name in TRAIN_FILES for q in load_questions(ROOT / "eval" / name, known_ids=known)]
    assert train and all(q.split == "dev" and q.facts for q in train)
    copies = [q.question for q in train if _key(analyzer, q) in tests]
    assert not copies, f"training questions that copy a test question: {copies[:5]}"


def test_wild_check_is_dev_only_in_every_style_and_copies_no_test_question(kb):
    known = {e.id for e in kb.entries}
    analyzer = Analyzer()
    check = load_questions(ROOT / "eval" / "wild-check.jsonl", known_ids=known)
    styles = Counter(q.style for q in check)
    assert len(check) >= 350 and styles["near_miss_oos"] >= 80
    assert set(styles) == {"story", "voice", "codeswitch", "terse", "indirect", "english", "near_miss_oos"}
    assert all(q.split == "dev" for q in check)
    assert all((q.style == "near_miss_oos") == (not q.in_scope) for q in check)
    tests = _test_keys(analyzer, known)
    assert not [q.question for q in check if _key(analyzer, q) in tests]
