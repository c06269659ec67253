"""Query preparation for citizens' long and messy text."""

import pytest

from isac.query import QueryError, check_query, focus_question, question_sentence, repair_apostrophes, strip_fillers


@pytest.mark.parametrize("text, expected", [
    ("bon dia eh o sigui com m'empadrono", "com m'empadrono"),
    ("hola pues quiero saber cuánto cuesta el vado", "quiero saber cuánto cuesta el vado"),
    ("a veure, la grua s'ha endut el cotxe, gràcies", "la grua s'ha endut el cotxe"),
])
def test_greetings_and_fillers_are_stripped(text, expected):
    assert strip_fillers(text) == expected


def test_a_message_of_fillers_only_is_kept():
    assert strip_fillers("hola") == "hola"


def test_em_is_a_catalan_pronoun_not_a_filler():
    assert strip_fillers("em podeu dir on és la deixalleria") == "em podeu dir on és la deixalleria"


@pytest.mark.parametrize("text, expected", [
    ("com m empadrono a l ajuntament", "com m'empadrono a l'ajuntament"),
    ("el certificat d empadronament", "el certificat d'empadronament"),
    ("m he mudat", "m'he mudat"),
])
def test_voice_typed_elisions_are_repaired_in_catalan(text, expected):
    assert repair_apostrophes(text, "ca") == expected


def test_spanish_is_left_alone():
    assert repair_apostrophes("la l de lunes", "es") == "la l de lunes"


STORY = ("Fa tres anys que visc a Sabadell amb la meva parella i ara ens hem comprat un pis a Terrassa. "
         "La mudança és la setmana que ve i tenim dos fills petits. Què hem de fer per canviar-nos el padró?")


def test_the_question_of_a_story_comes_first():
    out = focus_question(STORY, 120)
    assert out.startswith("Què hem de fer per canviar-nos el padró?") and len(out) <= 120
    assert question_sentence(STORY) == "Què hem de fer per canviar-nos el padró?"


def test_a_short_text_is_not_refocused():
    assert focus_question("com m'empadrono?", 300) == "com m'empadrono?"
    assert question_sentence("com m'empadrono?") is None


@pytest.mark.parametrize("bad", ["", "  ", "x" * 501, "hola\x00"])
def test_unusable_queries_say_what_to_fix(bad):
    with pytest.raises(QueryError):
        check_query(bad, 500)
