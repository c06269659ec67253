from isac.spelling import SpellCorrector


def make():
    return SpellCorrector.from_texts([
        ("Certificat d'empadronament i volant de convivència", "ca"),
        ("Impost sobre béns immobles, contribució", "ca"),
        ("deixalleria municipal", "ca"),
    ])


def test_known_words_are_left_alone():
    assert make().repair("volant") is None


def test_missing_accents_are_restored():
    assert make().repair("contribucio") == "contribució"
    assert make().repair("convivencia") == "convivència"


def test_typos_are_corrected_to_knowledge_base_words():
    sc = make()
    assert sc.repair("empadronamet") == "empadronament"
    assert sc.repair("deixaleria") == "deixalleria"


def test_short_words_stop_words_and_far_words_are_not_touched():
    sc = make()
    assert sc.repair("per") is None
    assert sc.repair("xyzzyplugh") is None
