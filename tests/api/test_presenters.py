"""The response models built from internal records: links, dated facts, languages."""

from datetime import date

from isac.api.presenters import ask_response, channel_links, first_sentence, labels, stale_note


def test_an_entry_without_its_own_page_has_no_fitxa_chip(engine):
    grua = engine.index.entry("grua-vehicle-retirat")
    assert grua.url is None
    assert [link.kind for link in channel_links(grua, "ca")] == ["010"]
    gual = engine.index.entry("gual")
    assert [link.kind for link in channel_links(gual, "es")][:1] == ["fitxa"]
    assert channel_links(gual, "es")[0].label == "Ficha del trámite"


def test_a_fact_older_than_two_years_says_so_in_the_answer_language():
    today = date(2026, 11, 30)
    assert stale_note("2020", "ca", today) == "Dada del 2020; confirmeu-la a la fitxa o al 010."
    assert stale_note("2014-02-04", "es", today).startswith("Dato de 2014")
    assert stale_note("2025", "ca", today) is None and stale_note(None, "ca", today) is None


def test_spanish_question_gets_spanish_text_and_labels(real_engine):
    from dataclasses import replace

    # presentation, not calibration: the tuned threshold belongs to the real knowledge base
    cfg = replace(real_engine.config, answer_threshold=0.0, clarify_margin=0.0)
    answer = real_engine.answer("¿qué documentos necesito para empadronarme?", config=cfg)
    body = ask_response(answer)
    assert body.lang == "es" and body.labels["answer"] == "Respuesta"
    assert body.answer is not None and body.answer.section == "documents"
    entry = real_engine.index.entry(body.answer.id)
    assert body.answer.text == entry.sections["documents"]["es"] != entry.sections["documents"]["ca"]
    assert body.answer.title == entry.title["es"] and body.answer.section_title == "Documentación"


def test_english_labels_with_a_catalan_or_spanish_body():
    assert labels("en")["related"] == "Related procedures"
    assert labels("xx")["related"] == "Tràmits relacionats"


def test_first_sentence_of_a_summary():
    assert first_sentence("Primera frase. Segona frase.") == "Primera frase."
    assert first_sentence("Sense punt") == "Sense punt"
