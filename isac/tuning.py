"""`isac tune`: fit fusion weights, the reranker, the confidence model and the thresholds
on the dev splits of the eval sets, and report them on the test splits.

The expensive half of a search (analysis, BM25, the encoder) runs once per question;
every grid point then only re-ranks, so a full sweep takes seconds. ``tune`` returns what
it fitted and never changes the engine it was given.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from isac.answering import UNIT_FEATURES
from isac.choosers import (
    OOS_SILENCE,
    choose_choice_threshold,
    choose_decision,
    choose_faq_threshold,
    choose_margin,
    choose_oos_margin,
    choose_route_ceiling,
    choose_threshold,
    labels,
    labels_top3,
    predictions,
)
from isac.confidence import FEATURES, Calibrator, fit, reliability
from isac.config import EngineConfig
from isac.evaluation.metrics import summary
from isac.evaluation.questions import EvalQuestion, load_questions
from isac.fusion import FusionMode
from isac.ranking import FEATURE_NAMES, Ranker, fit_listwise
from isac.second_level import fit_second_level, unit_groups
from isac.unit_adapter import UnitAdapter
from isac.word_models import WordModel


@dataclass(frozen=True)
class Scored:
    """A question with its passage scores, computed once."""

    item: EvalQuestion
    scores: object  # engine.PassageScores


@dataclass(frozen=True)
class Tuned:
    """What `isac tune` fitted, and how it scores on dev and test."""

    config: EngineConfig
    calibrator: Calibrator
    report: dict
    unit_intents: WordModel | None = None
    unit_adapter: UnitAdapter | None = None

    def saved_config(self) -> dict:
        """The values written to calibration.json's ``config``."""
        c = self.config
        return {"alpha": c.alpha, "agg_k": c.agg_k, "bm25_saturation": c.bm25_saturation,
                "dense_floor": c.dense_floor, "dense_ceil": c.dense_ceil, "answer_threshold": c.answer_threshold,
                "clarify_margin": c.clarify_margin, "choice_margin": c.choice_margin, "choice_floor": c.choice_floor,
                "choice_threshold": c.choice_threshold, "oos_margin": c.oos_margin, "route_ceiling": c.route_ceiling,
                "faq_threshold": c.faq_threshold,
                "answer_weights": list(c.answer_weights), "answer_features": list(UNIT_FEATURES),
                "rerank_weights": list(c.rerank_weights), "rerank_features": list(FEATURE_NAMES)}


def precompute(engine, questions, config=None, batch: int = 128) -> list[Scored]:
    """Passage scores for every question, encoded in batches."""
    cfg = config or engine.config
    out: list[Scored] = []
    for start in range(0, len(questions), batch):
        chunk = questions[start:start + batch]
        out += [Scored(q, ps) for q, ps in zip(chunk, engine.score_many([q.question for q in chunk], None, cfg),
                                                strict=True)]
    return out


def rank_all(ranker: Ranker, scored: list[Scored], cfg, k: int = 10):
    """Every question re-ranked under ``cfg``."""
    return [ranker.rank(s.scores, k, cfg) for s in scored]


def fit_fusion(ranker, scored, base: EngineConfig) -> EngineConfig:
    """Grid over the convex fusion's parameters, no reranker: best dev accuracy@1, then MRR."""
    best_cfg, best_key = base, None
    index = ranker.index
    for alpha, k, sat, floor in itertools.product((0.3, 0.4, 0.5), (2, 3), (8.0, 12.0, 20.0), (0.70, 0.75)):
        cfg = replace(base, rerank=False, alpha=alpha, agg_k=k, bm25_saturation=sat, dense_floor=floor)
        m = summary(predictions(index, scored, rank_all(ranker, scored, cfg), replace(cfg, answer_threshold=0.0)))
        key = (round(m["accuracy@1"] or 0, 4), round(m["mrr@10"] or 0, 4))
        if best_key is None or key > best_key:
            best_cfg, best_key = cfg, key
    return best_cfg


def fit_reranker(ranker, scored, cfg, l2: float = 1e-2):
    """The listwise linear reranker on the in-scope dev questions."""
    X = np.stack([ranker.features(s.scores, cfg) for s in scored if s.item.in_scope])
    Y = np.array([[e in s.item.expected for e in ranker.ids] for s in scored if s.item.in_scope], dtype=np.float64)
    return fit_listwise(X, Y, l2=l2)


def load_split(engine, files: list[Path], split: str) -> list[EvalQuestion]:
    """The questions of ``split`` from every file."""
    known = {e.id for e in engine.index.entries}
    return [q for f in files for q in load_questions(f, known_ids=known) if q.split == split]


# a synthetic near miss counts for a quarter of a real dev question: 646 of them then weigh
# about twice the 76 real out-of-scope dev questions, and the confidence stays a probability
# of being right on real traffic (at full weight the fitted threshold fell to 0.17)
NEGATIVE_WEIGHT = 0.25


def load_negatives(engine, files: list[Path]) -> list[EvalQuestion]:
    """Synthetic near misses for the confidence model; every one must be out of scope."""
    known = {e.id for e in engine.index.entries}
    out = [q for f in files for q in load_questions(f, known_ids=known)]
    wrong = [q for q in out if q.in_scope]
    if wrong:
        raise ValueError(f"line {wrong[0].line} of the negatives has expected entries; negatives must be "
                         "out of scope (\"expected\": [])")
    return out


def oos_target(n_out_of_scope: int, wanted: float = OOS_SILENCE) -> float:
    """The dev silence to fit for ``wanted`` on new questions: one standard error above it.

    A threshold fitted to silence exactly 90 % of 76 dev questions silences fewer new ones
    (it is the lowest that passes on those 76); asking for one binomial standard error more
    keeps the silence on unseen near misses at ``wanted`` or above about five times in six.
    """
    if n_out_of_scope <= 0:
        return wanted
    return min(wanted + math.sqrt(wanted * (1.0 - wanted) / n_out_of_scope), 1.0)


def fit_decision(engine, scored, cfg: EngineConfig, choice: bool = True,
                 negatives: Sequence[Scored] = ()) -> tuple[EngineConfig, Calibrator]:
    """For a fixed ranking config: the confidence model, out-of-scope margin and thresholds, on dev.

    ``negatives`` (synthetic near misses, never measured) join the confidence model's
    training only, at ``NEGATIVE_WEIGHT``; the margins and thresholds are chosen on dev.
    """
    results = rank_all(Ranker(engine.index, engine.calibrator), scored, cfg)
    X = np.array([[r.features[f] for f in FEATURES] for r in results])
    y, y3, w = labels(scored, results), labels_top3(scored, results), np.ones(len(results))
    if negatives:
        neg = rank_all(Ranker(engine.index, engine.calibrator), list(negatives), cfg)
        X = np.vstack([X, [[r.features[f] for f in FEATURES] for r in neg]])
        y, y3 = np.concatenate([y, np.zeros(len(neg))]), np.concatenate([y3, np.zeros(len(neg))])
        w = np.concatenate([w, np.full(len(neg), NEGATIVE_WEIGHT)])
    # the same features, two questions: is the top entry right (answer), is a right one in the top three (choice)
    calibrator = replace(fit(X, y, weights=w), choice=fit(X, y3, weights=w))
    ranker = Ranker(engine.index, calibrator)
    results = rank_all(ranker, scored, cfg)
    cfg = replace(cfg, oos_margin=choose_oos_margin(scored, results), route_ceiling=1.0)
    results = rank_all(ranker, scored, cfg)
    neg_results = rank_all(ranker, list(negatives), cfg) if negatives else []
    cfg = replace(cfg, route_ceiling=choose_route_ceiling([(scored, results), (list(negatives), neg_results)]))
    results = rank_all(ranker, scored, cfg)
    cfg = replace(cfg, clarify_margin=choose_margin(scored, results), choice_margin=0.0, choice_threshold=0.0)
    target = oos_target(sum(not s.item.in_scope for s in scored))
    if choice:
        neg_results = rank_all(ranker, list(negatives), cfg) if negatives else []
        cfg = choose_decision(engine.index, scored, results, cfg, target, (list(negatives), neg_results))
        cfg = replace(cfg, choice_threshold=choose_choice_threshold(engine.index, scored, results, cfg, target,
                                                                    (list(negatives), neg_results)))
    else:
        cfg = replace(cfg, answer_threshold=choose_threshold(engine.index, scored, results, cfg, target))
    return cfg, calibrator


def evaluate_scored(engine, scored, cfg: EngineConfig, calibrator: Calibrator) -> dict:
    """The metrics of already-scored questions under ``cfg`` and ``calibrator``."""
    results = rank_all(Ranker(engine.index, calibrator), scored, cfg)
    return summary(predictions(engine.index, scored, results, cfg))


def tune(engine, files: list[Path], negatives: Sequence[Path] = (), unit_train: Sequence[Path] = ()) -> Tuned:
    """Fit everything on the dev splits of ``files`` (the confidence also on ``negatives``, the
    second level also on ``unit_train``); report dev and test."""
    dev, test = load_split(engine, files, "dev"), load_split(engine, files, "test")
    negative_questions = load_negatives(engine, list(negatives))
    if not dev:
        raise ValueError('no questions with "split": "dev" to tune on')
    base = replace(engine.config, fusion=FusionMode.CONVEX)
    scored = precompute(engine, dev, base)
    ranker = Ranker(engine.index, engine.calibrator)
    fusion_cfg = fit_fusion(ranker, scored, base)
    cfg = replace(fusion_cfg, rerank=True, rerank_weights=fit_listwise_weights(ranker, scored, fusion_cfg))
    neg_scored = precompute(engine, negative_questions, cfg) if negative_questions else []
    cfg, calibrator = fit_decision(engine, scored, cfg, negatives=neg_scored)
    ranker = Ranker(engine.index, calibrator)
    results = rank_all(ranker, scored, cfg)
    # the second level also learns from detail questions kept out of the entry level's fit,
    # which they would tilt towards detail questions (they outnumber the other dev sets)
    extra = precompute(engine, load_split(engine, list(unit_train), "dev"), cfg) if unit_train else []
    second = fit_second_level(unit_groups(ranker, scored + extra), ranker.selector)
    ranker.selector.intents, ranker.selector.adapter = second.intents, second.adapter
    cfg = replace(cfg, answer_weights=second.weights)
    # the second level picks its part while ranking: rank again, or the FAQ threshold and
    # the dev report would see answers without it
    results = rank_all(ranker, scored, cfg)
    cfg = replace(cfg, faq_threshold=choose_faq_threshold(engine.index, scored, results, cfg))
    report = {"dev": summary(predictions(engine.index, scored, results, cfg)),
              "reliability_dev": reliability(np.array([r.confidence for r in results]), labels(scored, results)),
              "fitted_on": ", ".join(f"{f} split=dev" for f in files) + f" ({len(dev)} questions)"
              + "".join(f"; confidence also on {f} ({len(negative_questions)} near misses)" for f in negatives)
              + "".join(f"; second level also on {f} ({len(extra)} detail questions)" for f in unit_train)}
    if test:
        tscored = precompute(engine, test, cfg)
        tres = rank_all(ranker, tscored, cfg)
        report["test"] = summary(predictions(engine.index, tscored, tres, cfg))
        report["reliability_test"] = reliability(np.array([r.confidence for r in tres]), labels(tscored, tres))
    return Tuned(cfg, calibrator, report, second.intents, second.adapter)


def fit_listwise_weights(ranker, scored, cfg) -> tuple[float, ...]:
    """The reranker's weights (a tuple, as EngineConfig keeps them)."""
    return fit_reranker(ranker, scored, cfg).weights
