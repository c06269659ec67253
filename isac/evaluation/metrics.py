"""Eval metrics: one function per metric, each giving the aggregate and the per-question values.

``PRIMARY`` is the figure the gate and the tuning optimise. ``summary`` assembles every
metric into the dict the reports render; tuning and the scripts call the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from isac.evaluation.questions import OUT_OF_SCOPE
from isac.evaluation.runner import Prediction

PRIMARY = "accuracy@1"


@dataclass(frozen=True)
class Metric:
    """The aggregate (None when no question applies) and each applicable question's value."""

    value: float | None
    per_question: tuple[float, ...]


def _mean(values: list[float]) -> Metric:
    return Metric(float(np.mean(values)) if values else None, tuple(values))


def _in_scope(preds: list[Prediction]) -> list[Prediction]:
    return [p for p in preds if p.item.in_scope]


def hit_rate(ranks: Sequence[int | None], k: int) -> Metric:
    """Share of questions whose first relevant item is ranked within ``k`` (rank None: not found)."""
    return _mean([float(r is not None and r <= k) for r in ranks])


def reciprocal_rank(ranks: Sequence[int | None], k: int = 10) -> Metric:
    """Mean of 1/rank of the first relevant item, 0 below ``k`` or not found."""
    return _mean([1.0 / r if r is not None and r <= k else 0.0 for r in ranks])


def accuracy_at_1(preds: list[Prediction]) -> Metric:
    """Share of in-scope questions whose top entry is expected."""
    return hit_rate([p.rank() for p in _in_scope(preds)], 1)


def hit_at(preds: list[Prediction], k: int) -> Metric:
    """Share of in-scope questions with an expected entry in the top ``k``."""
    return hit_rate([p.rank() for p in _in_scope(preds)], k)


def mrr_at_10(preds: list[Prediction]) -> Metric:
    """Mean reciprocal rank of the first expected entry (0 beyond 10)."""
    return reciprocal_rank([p.rank() for p in _in_scope(preds)], 10)


def oos_abstained(preds: list[Prediction]) -> Metric:
    """Share of out-of-scope questions that got no answer (routed or fallback): silenced."""
    return _mean([float(p.answer_id is None) for p in preds if not p.item.in_scope])


def in_scope_unanswered(preds: list[Prediction]) -> Metric:
    """Share of in-scope questions that got neither an answer nor a choice."""
    return _mean([float(p.answer_id is None) for p in _in_scope(preds)])


def answered_correct(preds: list[Prediction]) -> Metric:
    """Share of in-scope questions answered (or offered first) with an expected entry."""
    return _mean([float(p.answer_id is not None and p.answer_id in p.item.expected) for p in _in_scope(preds)])


def clarifications(preds: list[Prediction]) -> Metric:
    """Share of all questions answered with a choice of procedures."""
    return _mean([float(p.status == "clarify") for p in preds])


def choice_holds_answer(preds: list[Prediction]) -> Metric:
    """Of in-scope questions answered with a choice, the share whose options include an expected entry."""
    values = []
    for p in _in_scope(preds):
        if p.status == "clarify" and p.result is not None:
            options = [c.entry_id for c in p.result.candidates[:3]]
            values.append(float(any(e in p.item.expected for e in options)))
    return _mean(values)


# "10 %" and "10%" are the same figure: the knowledge base writes both (494 and 126 times)
# and so do the eval writers; before this, an answer holding "un 10 %" missed the fact "10%"
_UNIT_SPACE = re.compile(r"(\d)\s+([%€])")


def _comparable(text: str) -> str:
    from isac.text import fold

    return _UNIT_SPACE.sub(r"\1\2", " ".join(fold(text).split()))


def holds_fact(text: str, facts) -> bool:
    """Whether ``text`` contains any of ``facts``, accents, case, spacing and the space
    before % or € aside."""
    folded = _comparable(text)
    return any(_comparable(f) in folded for f in facts)


def fact_in_answer(preds: list[Prediction]) -> Metric:
    """Of questions with expected facts, the share whose answer text contains one (accents and case aside)."""
    return _mean([float(holds_fact(p.text, p.item.facts)) for p in preds if p.item.facts])


def summary(preds: list[Prediction]) -> dict:
    """Every metric's aggregate, plus counts and the (batched) time per question."""
    lat = np.array([p.latency_ms for p in preds]) if preds else np.zeros(1)
    ins = _in_scope(preds)
    return {
        "questions": len(preds), "in_scope": len(ins), "out_of_scope": len(preds) - len(ins),
        "accuracy@1": accuracy_at_1(preds).value,
        "hit@3": hit_at(preds, 3).value,
        "hit@5": hit_at(preds, 5).value,
        "mrr@10": mrr_at_10(preds).value,
        "oos_abstained": oos_abstained(preds).value,
        "in_scope_unanswered": in_scope_unanswered(preds).value,
        "answered_correct": answered_correct(preds).value,
        "clarifications": clarifications(preds).value,
        "choice_holds_answer": choice_holds_answer(preds).value,
        "fact_in_answer": fact_in_answer(preds).value,
        "latency_ms_mean": float(lat.mean()),
        "latency_ms_p95": float(np.percentile(lat, 95)),
    }


def breakdown(preds: list[Prediction], key: Callable[[Prediction], str]) -> dict[str, dict]:
    """The summary metrics of each group of predictions by ``key`` ("-" when empty), sorted."""
    groups: dict[str, list[Prediction]] = {}
    for p in preds:
        groups.setdefault(key(p) or "-", []).append(p)
    return {k: summary(v) for k, v in sorted(groups.items())}


def category_of(index) -> Callable[[Prediction], str]:
    """Group key: the category of the expected entry (out-of-scope questions form their own group)."""
    def key(p: Prediction) -> str:
        if not p.item.in_scope:
            return OUT_OF_SCOPE
        entry = index.entry(p.item.expected[0])
        return entry.category if entry else "-"
    return key


def confusions(preds: list[Prediction]) -> list[dict]:
    """Pairs of entries that take each other's questions, most confused first.

    `a_to_b` counts questions meant for `a` whose top entry was `b`; `b_to_a` the reverse.
    """
    pairs: dict[tuple[str, str], list[int]] = {}
    for p in preds:
        if not p.item.in_scope or p.correct or p.top is None:
            continue
        a, b = p.item.expected[0], p.top
        key = (a, b) if a < b else (b, a)
        counts = pairs.setdefault(key, [0, 0])
        counts[0 if key[0] == a else 1] += 1
    # oriented so that `a` is the entry that lost more of its questions to `b`
    rows = [{"a": a, "b": b, "a_to_b": n_ab, "b_to_a": n_ba, "total": n_ab + n_ba} if n_ab >= n_ba else
            {"a": b, "b": a, "a_to_b": n_ba, "b_to_a": n_ab, "total": n_ab + n_ba}
            for (a, b), (n_ab, n_ba) in pairs.items()]
    return sorted(rows, key=lambda r: (-r["total"], -min(r["a_to_b"], r["b_to_a"]), r["a"], r["b"]))


def outcome_summary(o: dict) -> str:
    """One run's result for one question, in words: "right", "X on top, expected #3", "no answer"."""
    if not o["expected"]:
        return f"answered {o['answer_id']}" if o["answer_id"] else "no answer"
    if o["rank"] == 1:
        return "right"
    top = o["ranked"][0] if o["ranked"] else "nothing"
    return f"{top} on top, expected " + (f"#{o['rank']}" if o["rank"] else "not in the top 10")


def compare_outcomes(previous: list[dict], current: list[dict]) -> dict:
    """Which questions flipped between two runs' `outcome()` lists (matched by question_key)."""
    def index(rows):
        seen: dict[str, int] = {}
        out = {}
        for r in rows:
            # the same question twice in a file is two questions; number the repeats
            n = seen[r["key"]] = seen.get(r["key"], 0) + 1
            out[r["key"] if n == 1 else f"{r['key']}#{n}"] = r
        return out

    before, after = index(previous), index(current)
    common = [k for k in after if k in before]
    return {
        "better": [{"before": before[k], "after": after[k]} for k in common
                   if not before[k]["ok"] and after[k]["ok"]],
        "worse": [{"before": before[k], "after": after[k]} for k in common
                  if before[k]["ok"] and not after[k]["ok"]],
        "unchanged": sum(before[k]["ok"] == after[k]["ok"] for k in common),
        "added": [after[k] for k in after if k not in before],
        "removed": [before[k] for k in before if k not in after],
    }
