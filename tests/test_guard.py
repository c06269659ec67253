"""The synonym guard: everyday sentences the synonym list must leave alone."""

import json
from pathlib import Path

import pytest

from isac.guard import load_guard, violations
from isac.knowledge import load_knowledge
from isac.text import Analyzer, fold

ROOT = Path(__file__).resolve().parents[1]
GUARD = ROOT / "eval" / "synonym-guard.jsonl"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(ROOT / "knowledge")


def test_no_synonym_pulls_a_guard_sentence_towards_its_forbidden_entry(kb):
    """Lexical half of the guard, with no model: no expansion adds a forbidden entry's title terms."""
    analyzer = Analyzer(kb.synonyms)
    by_id = kb.by_id()
    for case in load_guard(GUARD, set(by_id)):
        analysis = analyzer.analyse(case.question, case.lang)
        added = {t for _, values in analysis.synonyms for v in values for t in analyzer.terms(v.split(), case.lang)}
        for entry_id in case.forbidden:
            entry = by_id[entry_id]
            title_terms = set(analyzer.terms(fold(entry.title["ca"]).split(), "ca"))
            assert not (added & title_terms), (case.question, analysis.synonyms, entry_id)


def test_guard_reports_a_forbidden_answer(engine, tmp_path):
    path = tmp_path / "guard.jsonl"
    path.write_text(json.dumps({"question": "vull un gual per al garatge", "lang": "ca", "forbidden": ["gual"]}) + "\n"
                    + json.dumps({"question": "vull un gual per al garatge", "lang": "ca", "forbidden": ["ibi"]}) + "\n")
    cases = load_guard(path, {e.id for e in engine.index.entries})
    bad = violations(engine, cases)
    assert [(c.line, e) for c, e in bad] == [(1, "gual")]


def test_guard_file_names_known_entries(kb):
    assert len(load_guard(GUARD, {e.id for e in kb.entries})) >= 15
