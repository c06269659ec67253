from isac.text import Analyzer, fold, normalise, words


def test_elisions_are_split_and_dropped():
    assert words("com m'empadrono a l'ajuntament d'en Pere?") == ["com", "empadrono", "ajuntament", "en", "pere"]


def test_l_geminada_is_one_token_in_every_spelling():
    assert "col·legi" in words("el col·legi")
    assert "col·legi" in words("el col.legi")
    assert "col·legi" in words("el coŀlegi")


def test_typographic_apostrophe_is_an_elision():
    assert words("l’IBI") == ["ibi"]


def test_fold_removes_accents_but_keeps_punt_volat():
    assert fold("Contribució Àrea pàgina") == "contribucio area pagina"
    assert fold("Instal·lació") == "instal·lacio"


def test_normalise_is_idempotent():
    once = normalise("col.legi l’escola")
    assert normalise(once) == once


def test_lemmas_group_inflections_and_accents():
    a = Analyzer()
    assert a.analyse("habitatges", "ca").tokens == a.analyse("habitatge", "ca").tokens
    assert a.analyse("multes", "ca").tokens == ("multa",)
    assert a.analyse("certificats", "ca").tokens == a.analyse("certificat", "ca").tokens


def test_stop_words_and_question_filler_go():
    tokens = Analyzer().analyse("Com puc demanar el volant de l'ajuntament?", "ca").tokens
    assert tokens == ("volant",)


def test_synonyms_expand_words_and_phrases():
    a = Analyzer({"contribució": ["ibi"], "punto limpio": ["deixalleria"]})
    r = a.analyse("quant es paga de contribucio", "ca")
    assert "ibi" in r.tokens and ("contribucio", ("ibi",)) in r.synonyms
    r = a.analyse("¿dónde está el punto limpio?", "es")
    assert "deixalleria" in r.tokens


def test_synonyms_can_be_switched_off():
    a = Analyzer({"vado": ["gual"]})
    assert "gual" not in a.analyse("vado", "es", expand=False).tokens


def test_repair_hook_records_corrections_but_not_accent_fixes():
    a = Analyzer()
    fixes = {"empadronamen": "empadronament", "padro": "padró"}
    r = a.analyse("empadronamen padro", "ca", repair=fixes.get)
    assert r.corrections == (("empadronamen", "empadronament"),)
    assert r.tokens == a.analyse("empadronament padró", "ca").tokens
