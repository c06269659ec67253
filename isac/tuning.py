"""`isac tune`: fit fusion weights, the reranker, the confidence model and the thresholds
on eval/dev, and report them on eval/test.

The expensive half of a search (analysis, BM25, the encoder) runs once per question;
every grid point then only re-ranks, so a full sweep takes seconds.
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass, replace

import numpy as np

from isac.confidence import DEFAULT_PATH, FEATURES, fit, reliability
from isac.evaluation import EvalQuestion, load_questions
from isac.ranking import FEATURE_NAMES, fit_listwise


@dataclass(frozen=True)
class Scored:
    item: EvalQuestion
    scores: object  # engine.PassageScores


def precompute(engine, questions, config=None) -> list[Scored]:
    cfg = config or engine.config
    return [Scored(q, engine.score_passages(q.question, config=cfg)) for q in questions]


def rank_all(engine, scored: list[Scored], cfg, k: int = 10):
    return [engine.rank(s.scores, k, cfg) for s in scored]


def _right(s: Scored, r) -> bool:
    return s.item.in_scope and bool(r.candidates) and r.candidates[0].entry_id in s.item.expected


def _silent(r, threshold: float) -> bool:
    return r.out_of_scope is not None or r.confidence < threshold


def summarise(scored: list[Scored], results, threshold: float) -> dict:
    ins = [(s, r) for s, r in zip(scored, results) if s.item.in_scope]
    oos = [r for s, r in zip(scored, results) if not s.item.in_scope]
    rr = []
    for s, r in ins:
        ranks = [i for i, c in enumerate(r.candidates[:10], 1) if c.entry_id in s.item.expected]
        rr.append(1 / ranks[0] if ranks else 0.0)
    mean = lambda xs: float(np.mean(xs)) if xs else 0.0  # noqa: E731
    return {
        "accuracy@1": mean([_right(s, r) for s, r in ins]),
        "hit@3": mean([any(c.entry_id in s.item.expected for c in r.candidates[:3]) for s, r in ins]),
        "mrr@10": mean(rr),
        "oos_abstained": mean([_silent(r, threshold) for r in oos]),
        "in_scope_unanswered": mean([_silent(r, threshold) for _, r in ins]),
    }


def choose_threshold(scored, results, target_oos: float = 0.9) -> float:
    """Lowest threshold that silences target_oos of the out-of-scope dev questions.

    The lowest one leaves the fewest citizens wrongly without an answer; if none reaches
    the target, the one with the smallest sum of both error rates.
    """
    best, best_cost = 0.5, None
    for t in np.round(np.arange(0.02, 0.96, 0.01), 2):
        m = summarise(scored, results, t)
        if m["oos_abstained"] >= target_oos:
            return float(t)
        cost = (1 - m["oos_abstained"]) + m["in_scope_unanswered"]
        if best_cost is None or cost < best_cost:
            best, best_cost = float(t), cost
    return best


def choose_oos_margin(scored, results, max_false: float = 0.005) -> float:
    """Smallest margin at which the out-of-scope rule silences at most max_false of in-scope."""
    gaps_in = np.array([r.features["oos_gap"] for s, r in zip(scored, results) if s.item.in_scope])
    for m in np.round(np.arange(-0.05, 0.101, 0.005), 3):
        if np.mean(gaps_in > m) <= max_false:
            return float(m)
    return 0.1


def choose_margin(scored, results) -> float:
    """Widest relative margin whose clarifications help more citizens than they slow down."""
    best, best_gain = 0.0, 0.0
    for m in (0.005, 0.01, 0.02, 0.03, 0.05, 0.08):
        gain = 0.0
        for s, r in zip(scored, results):
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


def fit_fusion(engine, scored, base):
    """Grid over the convex fusion's parameters, no reranker: best dev accuracy@1, then MRR."""
    best_cfg, best_key = base, None
    grid = itertools.product((0.3, 0.4, 0.5), (2, 3), (8.0, 12.0, 20.0), (0.70, 0.75))
    for alpha, k, sat, floor in grid:
        cfg = replace(base, rerank=False, alpha=alpha, agg_k=k, bm25_saturation=sat, dense_floor=floor)
        m = summarise(scored, rank_all(engine, scored, cfg), 0.0)
        key = (round(m["accuracy@1"], 4), round(m["mrr@10"], 4))
        if best_key is None or key > best_key:
            best_cfg, best_key = cfg, key
    return best_cfg


def fit_reranker(engine, scored, cfg, l2: float = 1e-2):
    X = np.stack([engine.entry_features(s.scores, cfg) for s in scored if s.item.in_scope])
    ids = [e.id for e in engine.index.entries]
    Y = np.array([[e in s.item.expected for e in ids] for s in scored if s.item.in_scope], dtype=np.float64)
    return fit_listwise(X, Y, l2=l2)


def labels(scored, results) -> np.ndarray:
    return np.array([int(_right(s, r)) for s, r in zip(scored, results)])


def tune(engine, args) -> int:
    questions = load_questions(args.file, known_ids={e.id for e in engine.index.entries})
    dev = [q for q in questions if q.split == "dev"]
    test = [q for q in questions if q.split == "test"]
    if not dev:
        print('isac: error: no questions with "split": "dev" to tune on', file=sys.stderr)
        return 2
    base = replace(engine.config, fusion=engine.config.fusion.__class__("convex"))
    print(f"scoring {len(dev)} dev questions once...", file=sys.stderr)
    scored = precompute(engine, dev, base)

    fusion_cfg = fit_fusion(engine, scored, base)
    reranker = fit_reranker(engine, scored, fusion_cfg)
    cfg = replace(fusion_cfg, rerank=True, rerank_weights=reranker.weights)
    results = rank_all(engine, scored, cfg)
    X = np.array([[r.features[f] for f in FEATURES] for r in results])
    engine.calibrator = fit(X, labels(scored, results))
    results = rank_all(engine, scored, cfg)
    cfg = replace(cfg, oos_margin=choose_oos_margin(scored, results))
    results = rank_all(engine, scored, cfg)
    cfg = replace(cfg, answer_threshold=choose_threshold(scored, results), clarify_margin=choose_margin(scored, results))

    report = {"dev": summarise(scored, results, cfg.answer_threshold),
              "reliability_dev": reliability(np.array([r.confidence for r in results]), labels(scored, results))}
    if test:
        tscored = precompute(engine, test, cfg)
        tres = rank_all(engine, tscored, cfg)
        report["test"] = summarise(tscored, tres, cfg.answer_threshold)
        report["reliability_test"] = reliability(np.array([r.confidence for r in tres]), labels(tscored, tres))
    config = {"alpha": cfg.alpha, "agg_k": cfg.agg_k, "bm25_saturation": cfg.bm25_saturation,
              "dense_floor": cfg.dense_floor, "dense_ceil": cfg.dense_ceil,
              "answer_threshold": cfg.answer_threshold, "clarify_margin": cfg.clarify_margin,
              "oos_margin": cfg.oos_margin, "rerank_weights": list(cfg.rerank_weights),
              "rerank_features": list(FEATURE_NAMES)}
    print(json.dumps({"config": config, **report}, indent=2))
    if args.write:
        engine.calibrator.save(DEFAULT_PATH, config=config,
                               fitted_on=f"{args.file} split=dev ({len(dev)} questions)",
                               encoder=engine.index.manifest.get("encoder"), **report)
        print(f"wrote {DEFAULT_PATH}", file=sys.stderr)
    return 0
