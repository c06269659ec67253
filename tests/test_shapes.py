"""The kind of fact a question asks for, and whether a text holds one: the second level's `shape` feature."""

import pytest

from isac.answering import unit_text
from isac.shapes import asked_shapes, held_shapes, shape_match


@pytest.mark.parametrize(("question", "kind"), [
    ("quant costa treure el cotxe del dipòsit?", "amount"),
    ("¿El duplicado del carné se paga?", "amount"),
    ("quants dies tinc per pagar la multa?", "period"),
    ("¿cuánto tarda la resolución?", "period"),
    ("a quina hora obre la deixalleria?", "time"),
    ("quin telèfon té el servei de recollida?", "phone"),
    ("¿dónde está la oficina de la grúa?", "place"),
    ("ho puc fer per internet?", "online"),
    ("quins documents he de portar?", "documents"),
])
def test_the_question_wording_names_the_kind_of_fact(question, kind):
    assert kind in asked_shapes(question)


def test_a_question_about_nothing_specific_asks_for_no_kind():
    assert asked_shapes("què és el padró?") == ()


@pytest.mark.parametrize(("text", "kind", "held"), [
    ("La taxa és de 45,50 € per dia.", "amount", True),
    ("El duplicat és gratuït.", "amount", True),
    ("Teniu 20 dies naturals des de la notificació.", "period", True),
    ("El plazo es de tres meses.", "period", True),
    ("Obre de dilluns a divendres, de 9.00 a 14.00.", "time", True),
    ("Truqueu al 900 720 135.", "phone", True),
    ("A l'OAC de la plaça Didó.", "place", True),
    ("Per la Seu Electrònica, les 24 hores.", "online", True),
    ("Cal el DNI original.", "documents", True),
    ("Cal demanar-ho amb antelació.", "period", False),
    ("Ho pot demanar qualsevol persona.", "amount", False),
])
def test_the_text_holds_a_fact_of_the_kind(text, kind, held):
    assert (kind in held_shapes(text)) is held


def test_the_match_is_the_share_of_asked_kinds_held():
    asked = asked_shapes("quant costa i quants dies triga?")
    assert set(asked) == {"amount", "period"}
    assert shape_match(asked, held_shapes("Costa 12 €.")) == 0.5
    assert shape_match(asked, held_shapes("Costa 12 € i triga 10 dies.")) == 1.0
    assert shape_match((), held_shapes("Costa 12 €.")) == 0.0


def test_each_unit_of_the_index_knows_the_kinds_its_answer_holds(engine):
    # the feature is precomputed from what the citizen would read (both languages)
    selector = engine.ranker.selector
    units = selector.units[engine.ranker.position["padro-alta"]]
    entry = engine.index.entry("padro-alta")
    for u in units:
        assert u.shapes == held_shapes(unit_text(entry, u.key, "ca") + " " + unit_text(entry, u.key, "es"))
