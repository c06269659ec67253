"""The synonym guard: everyday sentences the synonym list must leave alone."""

import json
from pathlib import Path

import pytest

from isac.guard import load_guard, violations
from isac.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[1]
GUARD = ROOT / "eval" / "synonym-guard.jsonl"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(ROOT / "knowledge")


def test_harmful_bare_synonyms_stay_removed(kb):
    """Words whose everyday meaning is something else expand only inside a phrase or a language.

    The engine-level guard (`isac guard`, in `make eval-gate`) runs every guard sentence
    through the real index; this keeps the audited keys from coming back as bare words.
    """
    for word in ("depósito", "zona verde", "face", "puesto", "puestos", "cuba", "abono", "sede", "seguro"):
        assert word not in kb.synonyms, word
    # narrowed, not lost: the phrases still find their procedure
    assert "depósito municipal" in kb.synonyms and "es:abono de transporte" in kb.synonyms


def test_guard_reports_a_forbidden_answer(engine, tmp_path):
    path = tmp_path / "guard.jsonl"
    path.write_text(json.dumps({"question": "vull un gual per al garatge", "lang": "ca", "forbidden": ["gual"]}) + "\n"
                    + json.dumps({"question": "vull un gual per al garatge", "lang": "ca", "forbidden": ["ibi"]}) + "\n")
    cases = load_guard(path, {e.id for e in engine.index.entries})
    bad = violations(engine, cases)
    assert [(c.line, e) for c, e in bad] == [(1, "gual")]


def test_guard_file_names_known_entries(kb):
    assert len(load_guard(GUARD, {e.id for e in kb.entries})) >= 15
