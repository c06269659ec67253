"""The decision's thresholds, chosen on already-ranked dev questions (``isac tune``).

Each chooser sweeps one setting over rankings made once, judging every value by what
citizens would get (``predictions``): the answer threshold by out-of-scope silence, the
"Potser busqueu…" margins by their usefulness, the FAQ threshold by facts in answers.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from isac.config import EngineConfig
from isac.decision import decide
from isac.evaluation.metrics import summary
from isac.evaluation.runner import Prediction

# the out-of-scope silence wanted on new questions (issue 10); see tuning.oos_target
OOS_SILENCE = 0.90


def predictions(index, scored: list, results, cfg) -> list[Prediction]:
    """What each citizen would get under ``cfg`` (``scored``: tuning.Scored): the eval's own Prediction, so metrics are shared."""
    out = []
    for s, r in zip(scored, results, strict=True):
        a = decide(index, r, cfg)
        answer_id = a.entry.id if a.entry is not None else None
        out.append(Prediction(s.item, tuple(c.entry_id for c in r.candidates), answer_id, a.status.value,
                              a.confidence, 0.0, r, a.reason, a.text if a.status.value == "answer" else ""))
    return out


def labels(scored, results) -> np.ndarray:
    """1 where the top entry is right (the calibrator's target)."""
    return np.array([int(s.item.in_scope and bool(r.candidates) and r.candidates[0].entry_id in s.item.expected)
                     for s, r in zip(scored, results, strict=True)])


def labels_top3(scored, results) -> np.ndarray:
    """1 where a right entry is among the top three (the choice model's target)."""
    return np.array([int(s.item.in_scope and any(c.entry_id in s.item.expected for c in r.candidates[:3]))
                     for s, r in zip(scored, results, strict=True)])


def choose_threshold(index, scored, results, cfg, target_oos: float = OOS_SILENCE) -> float:
    """Lowest threshold that silences ``target_oos`` of the out-of-scope dev questions.

    The lowest one leaves the fewest citizens wrongly without an answer; if none reaches
    the target, the one with the smallest sum of both error rates.
    """
    best, best_cost = 0.5, None
    plain = replace(cfg, choice_margin=0.0, clarify_margin=0.0)
    for t in np.round(np.arange(0.02, 0.96, 0.01), 2):
        m = summary(predictions(index, scored, results, replace(plain, answer_threshold=float(t))))
        if (m["oos_abstained"] or 0) >= target_oos:
            return float(t)
        cost = (1 - (m["oos_abstained"] or 0)) + (m["in_scope_unanswered"] or 0)
        if best_cost is None or cost < best_cost:
            best, best_cost = float(t), cost
    return best


def choose_oos_margin(scored, results, max_false: float = 0.005) -> float:
    """Smallest margin at which the out-of-scope rule silences at most ``max_false`` of in-scope."""
    gaps_in = np.array([r.features["oos_gap"] for s, r in zip(scored, results, strict=True) if s.item.in_scope])
    for m in np.round(np.arange(-0.05, 0.101, 0.005), 3):
        if np.mean(gaps_in > m) <= max_false:
            return float(m)
    return 0.1


# headroom between the most confident routed out-of-scope question and the route's ceiling:
# on `wild-check.jsonl`, which nothing is fitted on, the most confident routed near miss was
# 0.44 when the dev ones reached 0.54
ROUTE_HEADROOM = 0.1


def choose_route_ceiling(groups) -> float:
    """The confidence from which an answer overrules the out-of-scope route (1: never).

    ``groups``: (scored, results) pairs ranked under the chosen margin, with the route at
    any confidence. The ceiling is ``ROUTE_HEADROOM`` above the most confident out-of-scope
    question the route caught, rounded up to 0.05, so no routed one would lose its route.
    """
    caught = [r.confidence for scored, results in groups for s, r in zip(scored, results, strict=True)
              if not s.item.in_scope and r.out_of_scope is not None]
    if not caught:
        return 1.0
    return float(min(1.0, round(math.ceil(max(caught) / 0.05 - 1e-9) * 0.05 + ROUTE_HEADROOM, 2)))


def choose_margin(scored, results) -> float:
    """Widest relative margin whose clarifications help more citizens than they slow down."""
    best, best_gain = 0.0, 0.0
    for m in (0.005, 0.01, 0.02, 0.03, 0.05, 0.08):
        gain = 0.0
        for s, r in zip(scored, results, strict=True):
            if not s.item.in_scope or len(r.candidates) < 2:
                continue
            top = r.candidates[0].score
            opts = [c for c in r.candidates[1:3] if (top - c.score) / (abs(top) + 1e-9) < m]
            if not opts:
                continue
            if r.candidates[0].entry_id in s.item.expected:
                gain -= 0.5  # a needless question costs the citizen a click
            elif any(c.entry_id in s.item.expected for c in opts):
                gain += 1.0  # the right answer is now one click away instead of missing
        if gain > best_gain:
            best, best_gain = m, gain
    return best


def useful(preds: list[Prediction]) -> float:
    """What the decision is worth to citizens: right answers and choices holding the right procedure,
    minus wrong confident answers (the worst outcome: a citizen acts on the wrong procedure)."""
    gain = 0.0
    for p in preds:
        if not p.item.in_scope:
            continue
        if p.status == "answer":
            gain += 1.0 if p.answer_id in p.item.expected else -1.0
        elif p.status == "clarify" and p.result is not None:
            options = [c.entry_id for c in p.result.candidates[:3]]
            gain += 0.7 if any(e in p.item.expected for e in options) else -0.3
    return gain


def silenced(index, negatives: tuple[list, list], cfg: EngineConfig) -> float:
    """The share of ``negatives`` (synthetic near misses and their rankings) given no answer under ``cfg``."""
    neg_scored, neg_results = negatives
    if not neg_scored:
        return 1.0
    return summary(predictions(index, neg_scored, neg_results, cfg))["oos_abstained"] or 0.0


# the share of the synthetic near misses that choices may reach beyond those the threshold
# alone answers: the dev out-of-scope questions are few, and were partly the source of the
# out-of-scope topics, so choices that pass them still reached 10 % of the synthetic ones
CHOICE_LEAK = 0.01


def choose_decision(index, scored, results, cfg: EngineConfig, target_oos: float = OOS_SILENCE,
                    negatives: tuple[list, list] = ([], [])) -> EngineConfig:
    """The answer threshold and the "Potser busqueu…" margin, chosen together on dev.

    Among the pairs that keep ``target_oos`` of the out-of-scope questions silenced (a
    choice offered to one counts against it), the one most useful to in-scope citizens.
    ``negatives`` (synthetic near misses and their rankings) bound the choices: they may
    silence at most ``CHOICE_LEAK`` fewer of them than the same threshold without choices.
    """
    best, best_key = cfg, None
    threshold = choose_threshold(index, scored, results, cfg, target_oos)

    # the threshold that silences enough out-of-scope questions with no choice at all, and
    # every (margin, floor) that keeps that silence while offering choices below it
    for t in np.round(np.arange(threshold, 0.96, 0.01), 2):
        alone = replace(cfg, answer_threshold=float(t), choice_margin=0.0)
        floor_silence = silenced(index, negatives, alone) - CHOICE_LEAK
        for m in (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3):
            for floor in ((t,) if m == 0.0 else (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)):
                if floor > t:
                    continue
                trial = replace(cfg, answer_threshold=float(t), choice_margin=m, choice_floor=float(floor))
                preds = predictions(index, scored, results, trial)
                if (summary(preds)["oos_abstained"] or 0) < target_oos:
                    continue
                if m and silenced(index, negatives, trial) < floor_silence:
                    continue
                key = (round(useful(preds), 3), -t, -m, floor)
                if best_key is None or key > best_key:
                    best, best_key = trial, key
    return best if best_key is not None else replace(cfg, answer_threshold=choose_threshold(index, scored, results,
                                                                                               cfg, target_oos))


def choose_choice_threshold(index, scored, results, cfg: EngineConfig, target_oos: float = OOS_SILENCE,
                            negatives: tuple[list, list] = ([], [])) -> float:
    """The choice model's threshold for offering the top three below the answer threshold (0: off).

    The most useful one on dev that keeps ``target_oos`` silenced, and within the same budget
    of synthetic near misses as every other choice: at most ``CHOICE_LEAK`` fewer of them
    silenced than the answer threshold alone silences.
    """
    budget = silenced(index, negatives, replace(cfg, choice_margin=0.0, choice_threshold=0.0)) - CHOICE_LEAK
    best, best_value = 0.0, useful(predictions(index, scored, results, replace(cfg, choice_threshold=0.0)))
    for t in np.round(np.arange(0.95, 0.04, -0.05), 2):
        trial = replace(cfg, choice_threshold=float(t))
        preds = predictions(index, scored, results, trial)
        if (summary(preds)["oos_abstained"] or 0) < target_oos or silenced(index, negatives, trial) < budget:
            continue
        value = useful(preds)
        if value > best_value + 1e-9:
            best, best_value = float(t), value
    return best


def choose_faq_threshold(index, scored, results, cfg: EngineConfig) -> float:
    """The FAQ cosine threshold that puts the most expected facts in the answers (detail dev questions).

    Ties go to the higher threshold: a detail answer that is not sure of itself is worse
    than the section, which usually holds the fact too.
    """
    detail = [(s, r) for s, r in zip(scored, results, strict=True) if s.item.facts]
    if not detail:
        return cfg.faq_threshold
    ds, dr = [s for s, _ in detail], [r for _, r in detail]
    best, best_value = cfg.faq_threshold, -1.0
    for t in (0.99, 0.97, 0.95, 0.93, 0.92, 0.91, 0.90, 0.89, 0.88, 0.87, 0.86, 0.85, 0.83, 0.80):
        value = summary(predictions(index, ds, dr, replace(cfg, faq_threshold=t)))["fact_in_answer"] or 0.0
        if value > best_value + 1e-9:
            best, best_value = t, value
    return best
