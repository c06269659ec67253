"""Regenerate the ablation and calibration tables in eval/README.md.

Every row is tuned on the dev splits of both eval sets the way `isac tune` tunes isac
itself (fusion weights and the reranker where the row has them, then a confidence
model, the out-of-scope margin and the thresholds fitted for that row) and reported on
the test splits: the original set and the citizens' own words (wild).

    python scripts/ablation.py [--no-write]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from isac.confidence import reliability  # noqa: E402
from isac.engine import load_engine  # noqa: E402
from isac.fusion import FusionMode  # noqa: E402
from isac.ranking import Ranker  # noqa: E402
from isac.settings import Settings  # noqa: E402
from isac.tuning import (  # noqa: E402
    evaluate_scored,
    fit_decision,
    fit_fusion,
    fit_listwise_weights,
    labels,
    load_split,
    precompute,
    rank_all,
)

FILES = [ROOT / "eval" / "questions.jsonl", ROOT / "eval" / "questions-wild.jsonl"]


def replace_block(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    return re.sub(f"{re.escape(begin)}.*?{re.escape(end)}", f"{begin}\n{body}\n{end}", text, flags=re.S)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    engine = load_engine(Settings())
    shipped = engine.config
    dev = load_split(engine, FILES, "dev")
    tests = {f.stem: [q for q in load_split(engine, [f], "test")] for f in FILES}
    for q in dev[:20]:
        engine.search(q.question)  # load lemma tables and warm the encoder before timing

    raw = replace(shipped, synonyms=False, spelling=False, questions=False, situations=False, rerank=False,
                  strip_fillers=False, repair_apostrophes=False, focus_question=False, both_lemmas=False,
                  sentence_pooling=False)
    steps = [
        ("BM25 only", replace(raw, fusion=FusionMode.BM25), False),
        ("dense only", replace(raw, fusion=FusionMode.DENSE), False),
        ("RRF (k=60)", replace(raw, fusion=FusionMode.RRF), False),
        ("convex, tuned", raw, False),
        ("+ synonyms", replace(raw, synonyms=True), False),
        ("+ spelling correction", replace(raw, synonyms=True, spelling=True), False),
        ("+ alternative questions", replace(raw, synonyms=True, spelling=True, questions=True), False),
        ("+ learned reranker (isac before)", replace(raw, synonyms=True, spelling=True, questions=True, rerank=True),
         False),
    ]
    last = steps[-1][1]
    for label, field in (("+ situations", "situations"), ("+ strip greetings and fillers", "strip_fillers"),
                         ("+ repair voice apostrophes", "repair_apostrophes"),
                         ("+ question first in long stories", "focus_question"),
                         ("+ question sentence encoded alone (max pooling)", "sentence_pooling"),
                         ("+ both languages' lemmas", "both_lemmas")):
        last = replace(last, **{field: True})
        steps.append((label, last, False))
    steps.append(("+ offer a choice when unsure (= isac)", last, True))

    header = ("| configuration | orig acc@1 | orig hit@3 | wild acc@1 | wild hit@3 | wild near-miss silenced | "
              "wild in-scope unanswered | ms/query |")
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    cache: dict[tuple, tuple] = {}
    fused: dict = {}
    for name, cfg, choice in steps:
        key = (cfg.synonyms, cfg.spelling, cfg.strip_fillers, cfg.repair_apostrophes, cfg.focus_question,
               cfg.both_lemmas, cfg.sentence_pooling)
        if key not in cache:
            t0 = time.perf_counter()
            tscored = {k: precompute(engine, v, cfg) for k, v in tests.items()}
            ms = (time.perf_counter() - t0) / sum(len(v) for v in tests.values()) * 1e3
            cache[key] = (precompute(engine, dev, cfg), tscored, ms)
        dscored, tscored, ms = cache[key]
        ranker = Ranker(engine.index, engine.calibrator)
        if cfg.fusion is FusionMode.CONVEX:
            # the fusion grid runs once, on the plain convex row; later rows keep its weights
            if name == "convex, tuned":
                fusion = fit_fusion(ranker, dscored, cfg)
                fused = {k: getattr(fusion, k) for k in ("alpha", "agg_k", "bm25_saturation", "dense_floor")}
            cfg = replace(cfg, **fused)
            if cfg.rerank:
                cfg = replace(cfg, rerank_weights=fit_listwise_weights(ranker, dscored, cfg))
        cfg, calibrator = fit_decision(engine, dscored, cfg, choice=choice)
        o = evaluate_scored(engine, tscored["questions"], cfg, calibrator)
        w = evaluate_scored(engine, tscored["questions-wild"], cfg, calibrator)
        lines.append(f"| {name} | {o['accuracy@1']:.3f} | {o['hit@3']:.3f} | {w['accuracy@1']:.3f} | "
                     f"{w['hit@3']:.3f} | {w['oos_abstained']:.3f} | {w['in_scope_unanswered']:.3f} | {ms:.1f} |")
        print(lines[-1], flush=True)
    table = "\n".join(lines) + (
        f"\n\nTest splits: {len(tests['questions'])} original and {len(tests['questions-wild'])} wild questions. "
        f"Encoder {engine.index.manifest['encoder']}. Each row's weights, confidence model, out-of-scope margin "
        "and thresholds are fitted on the dev splits of both sets for that row (out of scope ≥ 90% silenced on "
        "dev). ms/query is the mean time to analyse and score one question in batches on this 2-core machine. "
        "Regenerate with `make ablation`.")

    wild = cache[key][1]["questions-wild"] + cache[key][1]["questions"]
    tres = rank_all(Ranker(engine.index, engine.calibrator), wild, shipped)
    probs = np.array([r.confidence for r in tres])
    y = labels(wild, tres)
    rel = ["| confidence bin | questions | mean confidence | share right |", "|---|---|---|---|"]
    for b in reliability(probs, y):
        bar = "█" * int(round(b["accuracy"] * 20))
        rel.append(f"| {b['lo']:.1f}–{b['hi']:.1f} | {b['n']} | {b['confidence']:.2f} | {b['accuracy']:.2f} {bar} |")
    brier = float(np.mean((probs - y) ** 2))
    rel_text = "\n".join(rel) + (f"\n\nShipped confidence on both test splits. Brier score {brier:.3f} (a constant "
                                 f"guess of the base rate scores {float(np.mean((y.mean() - y) ** 2)):.3f}).")
    print(rel_text)
    if not args.no_write:
        readme = ROOT / "eval" / "README.md"
        text = replace_block(readme.read_text(), "ablation", table)
        readme.write_text(replace_block(text, "reliability", rel_text))
        print(f"updated {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
