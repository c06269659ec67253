"""Cross-validate the second level (``isac/answering.py``) on the detail set's dev split.

The figure `isac tune` cannot give: how often the unit model, fitted without a question,
picks a part of the question's expected entry that holds an expected fact. K folds,
several shuffles over the detail dev split and ``eval/detail-train.jsonl`` pooled; only
dev questions are read, so a feature can be tried without ever looking at test.

    .venv/bin/python scripts/unit_cv.py                 # 5 folds x 3 shuffles
    .venv/bin/python scripts/unit_cv.py --misses 20     # and print misses of the pooled fit
    .venv/bin/python scripts/unit_cv.py --no-learned    # without the unit-intent model
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cross_validate(groups, selector, folds: int, shuffles: int, learned: bool = True,
                   extra=()) -> tuple[float, float]:
    """Mean and spread of the share of answerable questions whose picked unit holds a fact.

    Each fold fits the whole second level on the other folds, as `isac tune` does on all of
    dev: the unit-intent model (its own inner folds give the weights out-of-fold
    probabilities) and the unit weights. ``learned=False`` zeroes the learned columns.
    ``extra`` groups join every training fold and are never held out, so a new batch of
    training questions can be judged on an unchanged pool.
    """
    from isac.answering import fit_unit_weights
    from isac.second_level import fit_second_level, with_adapter, with_learned

    usable = [g for g in groups if g.y.any()]
    extra = [g for g in extra if g.y.any()]
    if not learned:
        usable = with_adapter(with_learned(usable, None), selector, None)
        extra = with_adapter(with_learned(extra, None), selector, None)
    scores = []
    for seed in range(shuffles):
        order = np.random.default_rng(seed).permutation(len(usable))
        hits = 0
        for k in range(folds):
            held = set(order[k::folds].tolist())
            train = [g for i, g in enumerate(usable) if i not in held] + extra
            if learned:
                second = fit_second_level(train, selector)
                test = with_adapter(with_learned([usable[i] for i in sorted(held)], second.intents), selector,
                                    second.adapter)
                w = second.weights
            else:
                w = fit_unit_weights([(g.x, g.y) for g in train])
                test = [usable[i] for i in sorted(held)]
            hits += sum(int(g.y[int(np.argmax(g.x @ np.asarray(w)))] > 0) for g in test)
        scores.append(hits / len(usable))
    return float(np.mean(scores)), float(np.std(scores))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default="eval/questions-detail.jsonl")
    ap.add_argument("--train", default="eval/detail-train.jsonl",
                    help="detail questions only the second level learns from, pooled with --file's dev split")
    ap.add_argument("--extra", default="",
                    help="more training questions that join every training fold and are never held out")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--shuffles", type=int, default=3)
    ap.add_argument("--misses", type=int, default=0, help="print this many misses of the fit on all of dev")
    ap.add_argument("--no-learned", action="store_true",
                    help="without the unit-intent model and the query adapter (their columns zero / plain)")
    args = ap.parse_args()

    from isac.answering import UNIT_FEATURES, fit_unit_weights
    from isac.engine import load_engine
    from isac.ranking import Ranker
    from isac.second_level import fit_second_level, unit_groups, with_adapter, with_learned
    from isac.settings import Settings
    from isac.tuning import load_split, precompute

    engine = load_engine(Settings())
    ranker = Ranker(engine.index, engine.calibrator)
    dev = load_split(engine, [Path(args.file)] + ([Path(args.train)] if Path(args.train).exists() else []), "dev")
    groups = unit_groups(ranker, precompute(engine, dev))
    usable = sum(bool(g.y.any()) for g in groups)
    extra = []
    if args.extra:
        extra = unit_groups(ranker, precompute(engine, load_split(engine, [Path(args.extra)], "dev")))
        print(f"{len(extra)} extra training questions, never held out")
    mean, sd = cross_validate(groups, ranker.selector, args.folds, args.shuffles, learned=not args.no_learned,
                              extra=extra)
    print(f"{len(groups)} dev detail questions, {usable} with a part holding a fact; "
          f"picked part holds a fact (CV {args.folds}x{args.shuffles}): {mean:.3f} ± {sd:.3f}")
    if args.no_learned:
        groups = with_adapter(with_learned(groups, None), ranker.selector, None)
        w = np.asarray(fit_unit_weights([(g.x, g.y) for g in groups if g.y.any()]))
    else:
        second = fit_second_level(groups, ranker.selector)
        groups = with_adapter(with_learned(groups, second.intents), ranker.selector, second.adapter)
        w = np.asarray(second.weights)
    print("weights:", ", ".join(f"{n}={v:+.2f}" for n, v in zip(UNIT_FEATURES, w, strict=True)))
    shown = 0
    for g in groups:
        pick = int(np.argmax(g.x @ w))
        if shown >= args.misses or not g.y.any() or g.y[pick]:
            continue
        shown += 1
        right = [u.key for u, v in zip(g.units, g.y, strict=True) if v]
        print(f"- {g.item.question!r} facts={list(g.item.facts)} picked={g.units[pick].key} right={right}")


if __name__ == "__main__":
    main()
