from pathlib import Path

import pytest
import yaml

from isac.knowledge import KnowledgeError, load_knowledge


def edit(kb: Path, rel: str, **changes):
    path = kb / rel
    data = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def problems(kb: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb)
    return [str(p) for p in info.value.problems]


def test_fixture_loads(kb_copy):
    kb = load_knowledge(kb_copy)
    assert {e.id for e in kb.entries} >= {"padro-alta", "ibi", "gual"}
    assert kb.synonyms["vado"] == ("gual",)
    assert len(kb.content_hash) == 64


def test_missing_id(kb_copy):
    edit(kb_copy, "tributs/ibi.yaml", id=None)
    assert problems(kb_copy) == ["knowledge/tributs/ibi.yaml: id: missing; add `id: <slug>`"]


def test_duplicate_id_names_both_files(kb_copy):
    (kb_copy / "tributs" / "ibi2.yaml").write_text((kb_copy / "tributs" / "ibi.yaml").read_text())
    msgs = problems(kb_copy)
    assert any("duplicate id 'ibi'" in m and "ibi.yaml" in m for m in msgs)


def test_missing_catalan_title(kb_copy):
    edit(kb_copy, "tributs/ibi.yaml", title={"es": "IBI"})
    assert "knowledge/tributs/ibi.yaml: title.ca: missing Catalan text" in problems(kb_copy)


def test_unknown_related_id(kb_copy):
    edit(kb_copy, "tributs/ibi.yaml", related=["no-such-entry"])
    assert "knowledge/tributs/ibi.yaml: related: unknown related id 'no-such-entry'" in problems(kb_copy)


def test_malformed_url(kb_copy):
    edit(kb_copy, "tributs/ibi.yaml", url="seuelectronica terrassa")
    assert any(m.startswith("knowledge/tributs/ibi.yaml: url: malformed URL") for m in problems(kb_copy))


def test_unknown_section(kb_copy):
    data = yaml.safe_load((kb_copy / "tributs/ibi.yaml").read_text())
    data["sections"]["preu"] = "car"
    (kb_copy / "tributs/ibi.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    assert any("sections.preu: unknown section" in m for m in problems(kb_copy))


def test_every_problem_is_reported_at_once(kb_copy):
    edit(kb_copy, "tributs/ibi.yaml", url="nope", updated="ahir")
    edit(kb_copy, "mobilitat/gual.yaml", category=None)
    msgs = problems(kb_copy)
    assert len(msgs) == 3


def test_malformed_yaml_names_the_line(kb_copy):
    (kb_copy / "tributs" / "ibi.yaml").write_text("id: ibi\ntitle: [unclosed\n")
    (msg,) = problems(kb_copy)
    assert msg.startswith("knowledge/tributs/ibi.yaml: malformed YAML at line")


def test_binary_and_non_utf8_files(kb_copy):
    (kb_copy / "tributs" / "ibi.yaml").write_bytes(b"\x00\x01\x02binary")
    (kb_copy / "mobilitat" / "gual.yaml").write_bytes("id: gual\n".encode("latin-1") + b"title: \xe9\n")
    msgs = problems(kb_copy)
    assert any("ibi.yaml" in m and "binary content" in m for m in msgs)
    assert any("gual.yaml" in m and "not valid UTF-8" in m for m in msgs)


def test_empty_directory(tmp_path):
    (tmp_path / "knowledge").mkdir()
    assert problems(tmp_path / "knowledge") == [f"{tmp_path}/knowledge: no entries (*.yaml) found"]


def test_bad_synonyms(kb_copy):
    (kb_copy / "synonyms.yaml").write_text("synonyms:\n  vado: []\n")
    assert any("synonyms.vado" in m for m in problems(kb_copy))


def test_too_few_alternative_questions(kb_copy):
    edit(kb_copy, "tributs/ibi.yaml", questions={"ca": ["IBI"], "es": ["IBI", "recibo"]})
    msgs = problems(kb_copy)
    assert "knowledge/tributs/ibi.yaml: questions.ca: has 1; write at least 5 in Catalan" in msgs
    assert "knowledge/tributs/ibi.yaml: questions.es: has 2; write at least 3 in Spanish" in msgs
    assert "knowledge/tributs/ibi.yaml: questions.en: has 0; write at least 3 in English" in msgs


def test_huge_file_is_refused_with_its_size(kb_copy):
    (kb_copy / "tributs" / "ibi.yaml").write_text("id: ibi\n# " + "x" * 300_000 + "\n")
    (msg,) = problems(kb_copy)
    assert msg.startswith("knowledge/tributs/ibi.yaml: file is") and "split the entry" in msg


def test_entry_that_is_not_a_mapping(kb_copy):
    (kb_copy / "tributs" / "ibi.yaml").write_text("- just\n- a list\n")
    assert problems(kb_copy) == ["knowledge/tributs/ibi.yaml: an entry must be a YAML mapping of fields"]


def test_faq_also_phrasings_load_and_a_malformed_one_is_named(kb_copy):
    item = load_knowledge(kb_copy).by_id()["padro-alta"].faq[0]
    assert item.also == {"ca": ("Tinc el DNI vençut, m'hi puc apuntar igualment?",),
                         "es": ("Si tengo el carnet de identidad vencido, ¿me sirve?",)}
    data = yaml.safe_load((kb_copy / "padro/padro-alta.yaml").read_text())
    data["faq"][0]["also"] = {"ca": "una sola frase"}
    edit(kb_copy, "padro/padro-alta.yaml", faq=data["faq"])
    assert "knowledge/padro/padro-alta.yaml: faq[0]: also.ca: must be a list of texts" in problems(kb_copy)
