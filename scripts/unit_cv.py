"""Cross-validate the second level (``isac/answering.py``) on the detail set's dev split.

The figure `isac tune` cannot give: how often the unit model, fitted without a question,
picks a part of the question's expected entry that holds an expected fact. K folds,
several shuffles; only dev questions are read, so a feature can be tried without ever
looking at test.

    .venv/bin/python scripts/unit_cv.py                 # 5 folds x 3 shuffles
    .venv/bin/python scripts/unit_cv.py --misses 20     # and print misses of the pooled fit
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cross_validate(groups, folds: int, shuffles: int) -> tuple[float, float]:
    """Mean and spread of the share of answerable questions whose picked unit holds a fact."""
    from isac.answering import fit_unit_weights

    usable = [g for g in groups if g[3].any()]
    scores = []
    for seed in range(shuffles):
        order = np.random.default_rng(seed).permutation(len(usable))
        hits = 0
        for k in range(folds):
            held = set(order[k::folds].tolist())
            w = np.asarray(fit_unit_weights([(g[2], g[3]) for i, g in enumerate(usable) if i not in held]))
            hits += sum(int(usable[i][3][int(np.argmax(usable[i][2] @ w))] > 0) for i in held)
        scores.append(hits / len(usable))
    return float(np.mean(scores)), float(np.std(scores))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default="eval/questions-detail.jsonl")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--shuffles", type=int, default=3)
    ap.add_argument("--misses", type=int, default=0, help="print this many misses of the fit on all of dev")
    args = ap.parse_args()

    from isac.answering import UNIT_FEATURES, fit_unit_weights
    from isac.engine import load_engine
    from isac.ranking import Ranker
    from isac.settings import Settings
    from isac.tuning import load_split, precompute, unit_groups

    engine = load_engine(Settings())
    dev = load_split(engine, [Path(args.file)], "dev")
    groups = unit_groups(Ranker(engine.index, engine.calibrator), precompute(engine, dev))
    usable = sum(bool(g[3].any()) for g in groups)
    mean, sd = cross_validate(groups, args.folds, args.shuffles)
    print(f"{len(groups)} dev detail questions, {usable} with a part holding a fact; "
          f"picked part holds a fact (CV {args.folds}x{args.shuffles}): {mean:.3f} ± {sd:.3f}")
    w = np.asarray(fit_unit_weights([(g[2], g[3]) for g in groups]))
    print("weights:", ", ".join(f"{n}={v:+.2f}" for n, v in zip(UNIT_FEATURES, w, strict=True)))
    shown = 0
    for item, units, x, y in groups:
        pick = int(np.argmax(x @ w))
        if shown >= args.misses or not y.any() or y[pick]:
            continue
        shown += 1
        right = [u.key for u, v in zip(units, y, strict=True) if v]
        print(f"- {item.question!r} facts={list(item.facts)} picked={units[pick].key} right={right}")


if __name__ == "__main__":
    main()
