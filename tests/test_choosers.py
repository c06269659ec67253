"""The decision's choosers: what `isac tune` picks from rankings made once."""

from dataclasses import replace

from isac.choosers import ROUTE_HEADROOM, choose_choice_threshold, choose_decision, choose_route_ceiling
from isac.evaluation.questions import EvalQuestion
from isac.tuning import Scored


def _unsure(engine, text: str):
    # two padró entries nearly tied, at a confidence below any threshold the sweep keeps:
    # only a choice can help
    result = engine.search(text)
    first, second, *rest = result.candidates
    return replace(result, confidence=0.3, candidates=(first, replace(second, score=first.score * 0.95), *rest))


def test_choices_that_would_reach_the_known_near_misses_are_not_chosen(engine):
    cfg = replace(engine.config, clarify_margin=0.0, choice_margin=0.0)
    asked = _unsure(engine, "padró")
    assert [c.entry_id for c in asked.candidates[:2]] == ["padro-alta", "padro-volant"]
    # a citizen who wanted the volant: the top answer is wrong, a choice of the two holds it
    citizen = Scored(EvalQuestion("padró", ("padro-volant",), "ca"), None)
    outside = Scored(EvalQuestion("qui va guanyar la lliga?", (), "ca"), None)
    scored, results = [citizen, outside], [asked, engine.search("qui va guanyar la lliga?")]
    alone = choose_decision(engine.index, scored, results, cfg, target_oos=0.9)
    assert alone.choice_margin > 0 and alone.answer_threshold > 0.3
    # a synthetic near miss that ranks the same way would be offered that choice too
    near_miss = Scored(EvalQuestion("padró de la Seguretat Social", (), "ca"), None)
    bounded = choose_decision(engine.index, scored, results, cfg, target_oos=0.9, negatives=([near_miss], [asked]))
    assert bounded.choice_margin == 0.0 and bounded.answer_threshold > 0.3


def _likely(engine, text: str, choice: float):
    # unsure of the top entry, with the choice model's probability set: only a choice can help
    return replace(engine.search(text), confidence=0.1, choice_confidence=choice)


def test_the_choice_threshold_offers_the_top_three_where_the_answer_is_likely_among_them(engine):
    cfg = replace(engine.config, answer_threshold=0.5, choice_margin=0.0, choice_threshold=0.0)
    asked = _likely(engine, "padró", 0.8)
    second = asked.candidates[1].entry_id
    citizen = Scored(EvalQuestion("padró", (second,), "ca"), None)
    outside = Scored(EvalQuestion("qui va guanyar la lliga?", (), "ca"), None)
    scored, results = [citizen, outside], [asked, _likely(engine, "qui va guanyar la lliga?", 0.1)]
    chosen = choose_choice_threshold(engine.index, scored, results, cfg, target_oos=0.9)
    assert 0.1 < chosen <= 0.8
    # a synthetic near miss the choice model rates as highly would be offered the choice too
    near_miss = Scored(EvalQuestion("padró de la Seguretat Social", (), "ca"), None)
    bounded = choose_choice_threshold(engine.index, scored, results, cfg, target_oos=0.9,
                                      negatives=([near_miss], [_likely(engine, "padró", 0.8)]))
    assert bounded == 0.0


def test_the_route_ceiling_stays_above_every_routed_out_of_scope_question(engine):
    routed = engine.search("on puc renovar el DNI que em caduca?")
    assert routed.out_of_scope is not None
    outside = Scored(EvalQuestion("on puc renovar el DNI?", (), "ca"), None)
    inside = Scored(EvalQuestion("on puc renovar el DNI?", ("padro-alta",), "ca"), None)
    # the most confident routed out-of-scope question (0.42, rounded up to 0.45) sets it
    groups = [([outside, inside], [replace(routed, confidence=0.42), replace(routed, confidence=0.9)]),
              ([outside], [replace(routed, confidence=0.2)])]
    assert choose_route_ceiling(groups) == round(0.45 + ROUTE_HEADROOM, 2)
    # an in-scope question's route never sets it, nor an out-of-scope one the route missed
    missed = replace(routed, confidence=0.8, out_of_scope=None)
    assert choose_route_ceiling([([inside, outside], [replace(routed, confidence=0.9), missed])]) == 1.0
    # never above 1: the route then stands at any confidence
    assert choose_route_ceiling([([outside], [replace(routed, confidence=0.97)])]) == 1.0
