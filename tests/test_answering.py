"""The second level: which part of the chosen entry (FAQ item or section) answers a detail question."""

from dataclasses import replace

import numpy as np

from isac.answering import UNIT_FEATURES, fit_unit_weights, unit_text

# only the idf-weighted word coverage counts: a unit holding the question's rarer words wins
COVERAGE_ONLY = tuple(1.0 if f == "coverage" else 0.0 for f in UNIT_FEATURES)


def _position(engine, entry_id):
    return engine.ranker.position[entry_id]


def test_units_are_the_faq_items_and_the_sections_with_the_answer_words(engine):
    units = engine.ranker.selector.units[_position(engine, "padro-alta")]
    keys = {u.key for u in units}
    assert {"faq:0", "what", "who", "documents", "cost", "deadlines", "how"} <= keys
    faq = next(u for u in units if u.key == "faq:0")
    # the FAQ item's answer is not a passage, but its words count for the unit
    assert "vigent" in faq.terms and faq.faq_item == 0
    assert next(u for u in units if u.key == "cost").intent == "cost"


def test_choose_picks_the_unit_whose_text_holds_the_question_words(engine):
    ps = engine.score_passages("cal el contracte de lloguer per acreditar el domicili?", "ca")
    choice = engine.ranker.selector.choose(_position(engine, "padro-alta"), ps.query.tokens, ps.query.text,
                                           ps.dense, ps.bm25, COVERAGE_ONLY)
    assert choice is not None and choice.key == "documents" and choice.margin > 0


def test_without_weights_there_is_no_choice(engine):
    ps = engine.score_passages("és gratuït?", "ca")
    assert engine.ranker.selector.choose(_position(engine, "padro-alta"), ps.query.tokens, ps.query.text,
                                         ps.dense, ps.bm25, ()) is None


def test_a_detail_question_is_answered_by_the_chosen_unit(engine):
    cfg = replace(engine.config, answer_weights=COVERAGE_ONLY, answer_threshold=0.0, clarify_margin=0.0)
    answer = engine.answer("em cal el contracte de lloguer per acreditar el domicili de l'empadronament?", "ca",
                           config=cfg)
    assert answer.entry is not None and answer.entry.id == "padro-alta"
    assert answer.section == "documents" and "contracte de lloguer" in answer.text
    faq = engine.answer("el document d'identitat ha d'estar vigent per empadronar-me?", "ca", config=cfg)
    assert faq.section == "faq" and faq.faq is not None and faq.text == faq.faq.a["ca"]
    # "padró" alone names the procedure, asks nothing: the summary, not a unit
    plain = engine.answer("alta padró", "ca", config=cfg)
    assert plain.section != "documents"


def test_a_search_that_names_a_detail_is_answered_by_the_part_that_holds_it(engine):
    cfg = replace(engine.config, answer_weights=COVERAGE_ONLY, answer_threshold=0.0, clarify_margin=0.0)
    # no question word, but "document" and "vigent" are not in the entry's name: a detail,
    # which only the FAQ item about expired documents states
    search = engine.answer("padró document vigent", "ca", config=cfg)
    assert search.entry is not None and search.entry.id == "padro-alta"
    assert search.result.candidates[0].unit_detail
    assert search.section == "faq" and search.faq is not None and search.text == search.faq.a["ca"]
    from isac.engine import Engine
    from isac.explain import explain

    traced = explain(Engine(engine.index, engine.encoder, cfg, calibrator=engine.calibrator), "padró document vigent")
    assert "a search that names a detail this part holds" in traced.split("UNIT")[1]
    # every word in the entry's titles and keywords: the procedure itself, so its summary
    named = engine.answer("alta padró", "ca", config=cfg)
    assert not named.result.candidates[0].unit_detail and named.section != "documents"


def test_names_a_detail_needs_a_short_search_a_word_beyond_the_name_and_a_part_that_holds_it(engine):
    from isac.answering import DETAIL_SEARCH_WORDS, names_a_detail

    documents = engine.ranker.selector.unit(_position(engine, "padro-alta"), "documents")
    names = engine.index.name_terms["padro-alta"]
    assert documents is not None and "padro" in names and "lloguer" in documents.terms
    assert names_a_detail(documents, ("padro", "lloguer"), names)
    assert not names_a_detail(documents, ("padro",), names)  # nothing beyond the name
    assert not names_a_detail(documents, ("padro", "xzqv"), names)  # the part does not hold it
    long = ("padro", "lloguer") + ("xzqv",) * DETAIL_SEARCH_WORDS  # a story, not a search
    assert not names_a_detail(documents, long, names)
    assert not names_a_detail(None, ("padro", "lloguer"), names)
    assert not names_a_detail(documents, ("padro", "lloguer"), frozenset())  # a name unknown


def test_unit_text_is_what_the_citizen_reads(engine):
    entry = engine.index.entry("padro-alta")
    assert unit_text(entry, "faq:0", "es") == entry.faq[0].a["es"]
    assert unit_text(entry, "cost", "ca") == entry.section("cost", "ca")


def test_fit_learns_the_feature_that_marks_the_right_unit():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(60):
        x = rng.normal(size=(6, len(UNIT_FEATURES)))
        right = int(np.argmax(x[:, 2]))  # the third feature decides
        y = np.zeros(6)
        y[right] = 1
        groups.append((x, y))
    w = np.array(fit_unit_weights(groups))
    assert int(np.argmax(np.abs(w))) == 2 and w[2] > 0
    hits = sum(int(np.argmax(x @ w)) == int(np.argmax(y)) for x, y in groups)
    assert hits >= 55


def test_fit_without_any_right_unit_returns_no_weights():
    assert fit_unit_weights([(np.ones((3, len(UNIT_FEATURES))), np.zeros(3))]) == ()


def test_within_kind_compares_faq_items_with_faq_items_and_sections_with_sections():
    from isac.answering import _within_kind

    values = np.array([0.95, 0.90, 0.80, 0.85])  # two FAQ questions, then two titled sections
    is_faq = np.array([True, True, False, False])
    assert np.allclose(_within_kind(values, is_faq), [0.0, -0.05, -0.05, 0.0])
    # an entry with sections only: the gap to the best section, as before
    assert np.allclose(_within_kind(values[2:], is_faq[2:]), [-0.05, 0.0])


def test_a_faq_items_other_phrasings_count_for_its_unit_but_not_for_the_entry(engine):
    from isac.records import PassageKind

    also = [p for p in engine.index.passages if p.kind is PassageKind.FAQ_ALSO]
    assert {(p.entry_id, p.section) for p in also} == {("padro-alta", "faq:0")} and len(also) == 2
    unit = next(u for u in engine.ranker.selector.units[_position(engine, "padro-alta")] if u.key == "faq:0")
    assert {p.pid for p in also} <= set(unit.pids.tolist())
    ps = engine.score_passages("tinc el DNI vençut, m'hi puc apuntar igualment?", "ca")
    pids = [p.pid for p in also]
    assert ps.dense[pids].max() > 0.9  # the hash encoder: the same words, the same vector
    b, d, _ = engine.ranker._masked(engine.config, ps.bm25, ps.dense)
    assert (d[pids] == -1.0).all() and (b[pids] == 0.0).all()
    b, d, _ = engine.ranker._masked(engine.config, ps.bm25, ps.dense, entry_level=False)
    assert np.array_equal(d, ps.dense)


def test_a_faq_items_answer_is_a_passage_of_its_unit_that_never_counts_for_the_entry(engine):
    from isac.records import PassageKind

    answers = [p for p in engine.index.passages if p.kind is PassageKind.FAQ_ANSWER]
    assert {(p.entry_id, p.section, p.lang) for p in answers} == {("padro-alta", "faq:0", "ca"),
                                                                  ("padro-alta", "faq:0", "es")}
    assert next(p.text for p in answers if p.lang == "ca") == "No: el document d'identitat ha d'estar vigent."
    unit = next(u for u in engine.ranker.selector.units[_position(engine, "padro-alta")] if u.key == "faq:0")
    assert {p.pid for p in answers} <= set(unit.pids.tolist())
    # a question in the answer's own words reaches it, but only the second level sees that
    ps = engine.score_passages("el document d'identitat ha d'estar vigent", "ca")
    pids = [p.pid for p in answers]
    assert ps.dense[pids].max() > 0.9
    _, d, _ = engine.ranker._masked(engine.config, ps.bm25, ps.dense)
    assert (d[pids] == -1.0).all()


def test_the_training_groups_mark_the_parts_that_hold_an_expected_fact(engine):
    from isac.evaluation.questions import EvalQuestion
    from isac.second_level import unit_groups
    from isac.tuning import precompute

    detail = EvalQuestion("em serveix el passaport caducat per empadronar-me?", ("padro-alta",), "ca",
                          facts=("vigent",))
    plain = EvalQuestion("com m'empadrono?", ("padro-alta",), "ca")  # no facts: not a training group
    groups = unit_groups(engine.ranker, precompute(engine, [detail, plain]))
    assert len(groups) == 1
    item, units, x, y = groups[0][:4]
    assert item is detail and x.shape == (len(units), len(UNIT_FEATURES))
    entry = engine.index.entry("padro-alta")
    assert [u.key for u, v in zip(units, y, strict=True) if v] == \
        [u.key for u in units if "vigent" in unit_text(entry, u.key, "ca")]
    assert y[[u.key for u in units].index("faq:0")] == 1.0
