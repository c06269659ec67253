import pytest

from isac.language import detect


@pytest.mark.parametrize("text,lang", [
    ("com m'empadrono?", "ca"),
    ("quant es paga de contribució", "ca"),
    ("la grua s'ha endut el cotxe", "ca"),
    ("¿cómo me empadrono?", "es"),
    ("necesito el volante de empadronamiento", "es"),
    ("la grúa se ha llevado mi coche", "es"),
    ("how do I register my address in the city", "en"),
    # "el", "es", "una", "me'n" are Catalan too: they once made these Spanish
    ("El carnet de biblioteca es paga?", "ca"),
    ("Me'n vaig a viure a Sabadell, he de demanar la baixa del padró de Terrassa?", "ca"),
    ("El pla personalitzat de pagament té interessos?", "ca"),
    ("¿el carné de la biblioteca se paga?", "es"),
    # voice-typed Spanish: no accents, no "¿", and mostly words Catalan shares
    ("se me ha roto la persiana del local y no se a quien llamar", "es"),
    ("la multa de la grua de ayer la pago en el deposito", "es"),
    ("el recibo de la basura me ha llegado dos veces", "es"),
    # voice-typed Catalan keeps its answer language; "pago" and "si no" are Catalan too
    ("amb el pla mensual quantes quotes pago a l any", "ca"),
    ("si no pago la multa a temps que passa", "ca"),
    ("o sigui on esta l oficina del padro", "ca"),
    # "on", "per", "in" and the city's name once made these Catalan
    ("How do I get a library card in Terrassa?", "en"),
    ("My bookshop wants to put a table with books out on the street on Sant Jordi day. Do we need a permit?", "en"),
    # a Catalan question with words English also knows stays Catalan
    ("quants metres fa una parcel·la dels horts de Mossèn Homs?", "ca"),
])
def test_detects_query_language(text, lang):
    assert detect(text) == lang


def test_one_word_without_clues_falls_back_to_default():
    assert detect("IBI", default="ca") in ("ca", "es", "en")


@pytest.mark.parametrize("text", ["padró", "plusvalua", "multa"])
def test_short_ambiguous_searches_default_to_catalan(text):
    assert detect(text) == "ca"


def test_short_clearly_spanish_search():
    assert detect("recibo ibi") == "es"

