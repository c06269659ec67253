"""The decision's choosers: what `isac tune` picks from rankings made once."""

from dataclasses import replace

from isac.choosers import choose_decision
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
