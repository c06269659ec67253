from dataclasses import replace

import pytest

from isac.engine import QueryError
from isac.fusion import FusionMode
from isac.records import AnswerStatus


@pytest.mark.parametrize("question,expected", [
    ("com m'empadrono?", "padro-alta"),
    ("quant es paga de contribució", "ibi"),
    ("la grua s'ha endut el cotxe", "grua-vehicle-retirat"),
    ("vado", "gual"),
    ("on llenço un matalàs vell?", "deixalleria"),
    ("necesito el volante de empadronamiento", "padro-volant"),
])
def test_top_result(engine, question, expected):
    assert engine.search(question).candidates[0].entry_id == expected


def test_candidates_carry_scores_passage_and_retrievers(engine):
    r = engine.search("placa de gual per al garatge", k=3)
    top = r.candidates[0]
    assert top.entry_id == "gual" and top.passage.entry_id == "gual"
    assert top.retrievers == ("bm25", "dense")
    assert "gual" in top.matched_terms
    assert [c.score for c in r.candidates] == sorted((c.score for c in r.candidates), reverse=True)
    assert r.timings_ms["total"] > 0


def test_typo_is_corrected_before_retrieval(engine):
    r = engine.search("deixaleria")
    assert ("deixaleria", "deixalleria") in r.query.corrections
    assert r.candidates[0].entry_id == "deixalleria"


def test_spanish_query_finds_catalan_content(real_engine):
    r = real_engine.search("¿cuánto se paga por la grúa?")
    assert r.query.lang == "es"
    assert r.candidates[0].entry_id == "grua-vehicle-retirat"


@pytest.mark.parametrize("mode", list(FusionMode))
def test_every_fusion_mode_ranks(engine, mode):
    cfg = replace(engine.config, fusion=mode)
    assert engine.search("volant de convivència", config=cfg).candidates[0].entry_id == "padro-volant"


def test_cost_question_gets_the_cost_section(engine):
    a = engine.answer("quant costa recuperar el cotxe de la grua?")
    assert a.status is AnswerStatus.ANSWER
    assert a.entry.id == "grua-vehicle-retirat" and a.section == "cost"
    assert "taxa" in a.text


def test_out_of_scope_gets_no_answer(engine):
    a = engine.answer("qui va guanyar la lliga de futbol l'any passat?")
    assert a.status is AnswerStatus.NONE and a.entry is None
    assert 0.0 <= a.confidence < engine.config.answer_threshold


def test_confidence_is_a_probability_higher_for_clear_questions(engine):
    clear = engine.search("llicència de gual per al garatge").confidence
    vague = engine.search("tinc una pregunta sobre una cosa").confidence
    assert 0.0 <= vague < clear <= 1.0


def test_close_candidates_ask_for_clarification(engine):
    cfg = replace(engine.config, clarify_margin=1.0, answer_threshold=0.0)
    a = engine.answer("volant o alta al padró", config=cfg)
    assert a.status is AnswerStatus.CLARIFY
    assert {o.id for o in a.options[:2]} == {"padro-volant", "padro-alta"}


@pytest.mark.parametrize("bad", ["", "   ", "x" * 501, "a\x00b"])
def test_bad_queries_raise_query_error(engine, bad):
    with pytest.raises(QueryError):
        engine.search(bad)


def test_other_administrations_topics_are_routed_not_answered(engine):
    a = engine.answer("on puc renovar el DNI que em caduca?")
    assert a.status is AnswerStatus.NONE
    assert a.route is not None and a.route.id == "dni"
    assert "Policia Nacional" in a.route.where["ca"]


def test_a_confident_answer_is_not_overruled_by_the_route(engine):
    # the route is one cosine gap; above the tuned ceiling the confidence, which weighs that
    # gap with everything else, decides
    question = "on puc renovar el DNI que em caduca?"
    routed = engine.search(question)
    assert routed.out_of_scope is not None
    below = replace(engine.config, route_ceiling=routed.confidence + 0.01)
    assert engine.search(question, config=below).out_of_scope is not None
    at = replace(engine.config, route_ceiling=routed.confidence)
    assert engine.search(question, config=at).out_of_scope is None


def test_gibberish_knows_no_words(engine):
    r = engine.search("xzqv bloop wibble")
    assert r.query.known == 0.0
    assert engine.answer("xzqv bloop wibble", result=r).status is AnswerStatus.NONE


def test_reranker_weights_for_other_features_are_ignored(tmp_path, monkeypatch):
    import json

    from isac import confidence
    from isac.engine import EngineConfig

    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"config": {"alpha": 0.3, "rerank_weights": [1.0, 2.0], "rerank_features": ["a", "b"]}}))
    monkeypatch.setattr(confidence, "DEFAULT_PATH", path)
    monkeypatch.setattr(confidence.tuned_values, "__defaults__", (path,))
    cfg = EngineConfig.tuned()
    assert cfg.alpha == 0.3 and cfg.rerank_weights == ()


def test_a_terse_search_is_offered_its_theme_even_when_unsure(engine):
    # "padró" names a topic: below the choice floor a one-word search still gets the padró procedures
    strict = replace(engine.config, answer_threshold=1.0, choice_margin=1.0, choice_floor=1.0, clarify_margin=0.0)
    terse = engine.answer("padró", config=replace(strict, terse_choice_terms=2))
    assert terse.status is AnswerStatus.CLARIFY and terse.reason == "uncertain"
    assert {o.id for o in terse.options} <= {"padro-alta", "padro-volant"} and len(terse.options) == 2
    off = engine.answer("padró", config=replace(strict, terse_choice_terms=0))
    assert off.status is AnswerStatus.NONE
    # a longer question below the floor is not a search: no choice
    longer = engine.answer("com puc saber si el meu veí està empadronat al seu pis?",
                           config=replace(strict, terse_choice_terms=2))
    assert longer.status is AnswerStatus.NONE


def test_a_search_counts_its_own_words_not_the_synonyms_it_adds(engine):
    # "volante padrón" is two words; the synonym "volant" makes a third token. A two-word search
    # is still a search, so it gets the theme's choice like "padró" does
    query = engine.analyse("volante padrón", lang="es")
    assert query.words == 2 and len(query.tokens) > 2
    strict = replace(engine.config, answer_threshold=1.0, choice_margin=1.0, choice_floor=1.0, clarify_margin=0.0)
    terse = engine.answer("volante padrón", config=replace(strict, terse_choice_terms=2))
    assert terse.status is AnswerStatus.CLARIFY and terse.reason == "uncertain"
    assert engine.answer("volante padrón", config=replace(strict, terse_choice_terms=1)).status is AnswerStatus.NONE


def test_a_terse_search_nearer_another_administrations_topic_gets_no_choice(engine):
    # "com renovo el DNI?" is two words, but nearer an out-of-scope example than any entry's
    # phrasing: offering padró procedures would answer a question the council does not handle
    from isac.decision import decide

    strict = replace(engine.config, answer_threshold=1.0, choice_margin=1.0, choice_floor=1.0, clarify_margin=0.0,
                     terse_choice_terms=2)
    result = engine.search("padró", config=strict)
    assert result.out_of_scope is None and decide(engine.index, result, strict).status is AnswerStatus.CLARIFY
    nearer = replace(result, features={**result.features, "oos_gap": 0.01})
    assert decide(engine.index, nearer, strict).status is AnswerStatus.NONE


def test_a_likely_top_three_is_offered_whatever_their_themes(engine):
    # below the answer threshold, with no shared theme to offer: the choice model's probability
    # that a right entry is among the top three decides between "Potser busqueu…" and nothing
    from isac.decision import decide

    cfg = replace(engine.config, answer_threshold=1.0, choice_margin=0.0, clarify_margin=0.0, terse_choice_terms=0,
                  choice_threshold=0.5)
    result = engine.search("com puc saber si el meu veí està empadronat al seu pis?", config=cfg)
    likely = decide(engine.index, replace(result, choice_confidence=0.6), cfg)
    assert likely.status is AnswerStatus.CLARIFY and likely.reason == "uncertain"
    assert [o.id for o in likely.options] == [c.entry_id for c in result.candidates[:3]]
    assert decide(engine.index, replace(result, choice_confidence=0.4), cfg).status is AnswerStatus.NONE
    off = replace(cfg, choice_threshold=0.0)
    assert decide(engine.index, replace(result, choice_confidence=0.99), off).status is AnswerStatus.NONE
    # a question routed to another administration is never offered municipal procedures
    routed = replace(result, choice_confidence=0.99, out_of_scope=engine.index.oos_topics[0])
    assert decide(engine.index, routed, cfg).status is AnswerStatus.NONE
