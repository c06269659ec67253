"""`isac tune`: fit fusion weights, the confidence model and the thresholds on eval/dev.

The expensive half of a search (analysis, BM25, the encoder) runs once per question;
every grid point then only re-ranks, so a full sweep takes seconds.
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from isac.confidence import DEFAULT_PATH, FEATURES, fit, reliability
from isac.evaluation import EvalQuestion, load_questions


@dataclass(frozen=True)
class Scored:
    item: EvalQuestion
    query: object
    p_bm25: np.ndarray
    p_dense: np.ndarray


def precompute(engine, questions, config=None) -> list[Scored]:
    cfg = config or engine.config
    out = []
    for q in questions:
        query, b, d, _ = engine.score_passages(q.question, config=cfg)
        out.append(Scored(q, query, b, d))
    return out


def rank_all(engine, scored: list[Scored], cfg, k: int = 10):
    return [engine.rank(s.query, s.p_bm25, s.p_dense, k, cfg) for s in scored]


def summarise(scored: list[Scored], results, threshold: float) -> dict:
    ins = [(s, r) for s, r in zip(scored, results) if s.item.in_scope]
    oos = [(s, r) for s, r in zip(scored, results) if not s.item.in_scope]
    top1 = [bool(r.candidates) and r.candidates[0].entry_id in s.item.expected for s, r in ins]
    hit3 = [any(c.entry_id in s.item.expected for c in r.candidates[:3]) for s, r in ins]
    rr = []
    for s, r in ins:
        ranks = [i for i, c in enumerate(r.candidates[:10], 1) if c.entry_id in s.item.expected]
        rr.append(1 / ranks[0] if ranks else 0.0)
    return {
        "accuracy@1": float(np.mean(top1)) if ins else 0.0,
        "hit@3": float(np.mean(hit3)) if ins else 0.0,
        "mrr@10": float(np.mean(rr)) if ins else 0.0,
        "oos_abstained": float(np.mean([r.confidence < threshold for _, r in oos])) if oos else 0.0,
        "in_scope_unanswered": float(np.mean([r.confidence < threshold for _, r in ins])) if ins else 0.0,
    }


def choose_threshold(scored, results, target_oos: float = 0.9) -> float:
    """Lowest threshold that silences target_oos of out-of-scope dev questions.

    Fewest wrongly-silenced citizens first; if no threshold reaches the target, the one
    with the smallest total of both error kinds.
    """
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    best, best_cost = 0.5, None
    for t in grid:
        m = summarise(scored, results, t)
        if m["oos_abstained"] >= target_oos:
            return float(t)
        cost = (1 - m["oos_abstained"]) + m["in_scope_unanswered"]
        if best_cost is None or cost < best_cost:
            best, best_cost = float(t), cost
    return best


def choose_margin(scored, results) -> float:
    """Widest margin whose clarifications help more citizens than they slow down."""
    best, best_gain = 0.0, 0.0
    for m in (0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05):
        gain = 0.0
        for s, r in zip(scored, results):
            if not s.item.in_scope or len(r.candidates) < 2:
                continue
            opts = [c for c in r.candidates[1:3] if r.candidates[0].score - c.score < m]
            if not opts:
                continue
            if r.candidates[0].entry_id in s.item.expected:
                gain -= 0.5  # a needless question costs a click
            elif any(c.entry_id in s.item.expected for c in opts):
                gain += 1.0  # the right answer becomes one click away
        if gain > best_gain:
            best, best_gain = m, gain
    return best


def tune(engine, args) -> int:
    questions = load_questions(args.file, known_ids={e.id for e in engine.index.entries})
    dev = [q for q in questions if q.split == "dev"]
    test = [q for q in questions if q.split == "test"]
    if not dev:
        print("isac: error: no questions with \"split\": \"dev\" to tune on", file=sys.stderr)
        return 2
    base = replace(engine.config)
    print(f"scoring {len(dev)} dev questions once...", file=sys.stderr)
    scored = precompute(engine, dev, base)

    grid = itertools.product((0.3, 0.4, 0.5, 0.6, 0.7, 0.8), (2.0, 4.0, 8.0, 12.0), (0.70, 0.75, 0.80), (0.92, 0.95))
    best_cfg, best_key = base, None
    for alpha, sat, floor, ceil in grid:
        cfg = replace(base, alpha=alpha, bm25_saturation=sat, dense_floor=floor, dense_ceil=ceil)
        m = summarise(scored, rank_all(engine, scored, cfg), 0.0)
        key = (round(m["accuracy@1"], 4), round(m["mrr@10"], 4))
        if best_key is None or key > best_key:
            best_cfg, best_key = cfg, key
    print(f"fusion: alpha={best_cfg.alpha} saturation={best_cfg.bm25_saturation} "
          f"dense band=[{best_cfg.dense_floor}, {best_cfg.dense_ceil}] → dev accuracy@1 {best_key[0]:.3f}",
          file=sys.stderr)

    results = rank_all(engine, scored, best_cfg)
    X = np.array([[r.features[f] for f in FEATURES] for r in results])
    y = np.array([int(s.item.in_scope and bool(r.candidates) and r.candidates[0].entry_id in s.item.expected)
                  for s, r in zip(scored, results)])
    calibrator = fit(X, y)
    engine.calibrator = calibrator
    results = rank_all(engine, scored, best_cfg)
    threshold = choose_threshold(scored, results)
    margin = choose_margin(scored, results)
    dev_metrics = summarise(scored, results, threshold)
    probs = np.array([r.confidence for r in results])
    curve = reliability(probs, y)

    test_metrics = None
    if test:
        tscored = precompute(engine, test, best_cfg)
        tres = rank_all(engine, tscored, best_cfg)
        test_metrics = summarise(tscored, tres, threshold)
        ty = np.array([int(s.item.in_scope and bool(r.candidates) and r.candidates[0].entry_id in s.item.expected)
                       for s, r in zip(tscored, tres)])
        test_curve = reliability(np.array([r.confidence for r in tres]), ty)
    config = {"alpha": best_cfg.alpha, "bm25_saturation": best_cfg.bm25_saturation,
              "dense_floor": best_cfg.dense_floor, "dense_ceil": best_cfg.dense_ceil,
              "answer_threshold": threshold, "clarify_margin": margin}
    report = {"config": config, "dev": dev_metrics, "test": test_metrics,
              "reliability_dev": curve, "reliability_test": test_curve if test else None}
    print(json.dumps(report, indent=2))
    if args.write:
        calibrator.save(DEFAULT_PATH, config=config, fitted_on=f"{args.file} split=dev ({len(dev)} questions)",
                        encoder=engine.index.manifest.get("encoder"),
                        dev=dev_metrics, test=test_metrics, reliability_dev=curve,
                        reliability_test=test_curve if test else None)
        print(f"wrote {DEFAULT_PATH}", file=sys.stderr)
    return 0


__all__ = ["tune", "precompute", "rank_all", "summarise", "Scored", "asdict"]
