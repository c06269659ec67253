"""Regenerate the ablation table in eval/README.md (test split; everything tuned on dev).

    python scripts/ablation.py [--split test] [--no-write]
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

from isac.engine import load_engine  # noqa: E402
from isac.evaluation import load_questions  # noqa: E402
from isac.fusion import FusionMode  # noqa: E402
from isac.settings import Settings  # noqa: E402
from isac.tuning import precompute, rank_all, summarise  # noqa: E402

BEGIN, END = "<!-- ablation:begin -->", "<!-- ablation:end -->"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", type=Path, default=ROOT / "eval" / "questions.jsonl")
    ap.add_argument("--split", default="test")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    engine = load_engine(Settings())
    tuned = engine.config
    questions = [q for q in load_questions(args.file) if q.split == args.split]

    plain = replace(tuned, synonyms=False, spelling=False, questions=False, rerank=False)
    rows = [
        ("BM25 only", replace(plain, fusion=FusionMode.BM25)),
        ("dense only", replace(plain, fusion=FusionMode.DENSE)),
        ("RRF (k=60)", replace(plain, fusion=FusionMode.RRF)),
        ("convex, tuned", plain),
        ("+ synonyms", replace(plain, synonyms=True)),
        ("+ spelling correction", replace(plain, synonyms=True, spelling=True)),
        ("+ alternative questions", replace(tuned, rerank=False)),
        ("+ learned reranker (= isac)", tuned),
    ]
    cache: dict[tuple, tuple] = {}
    lines = ["| configuration | accuracy@1 | hit@3 | MRR@10 | OOS abstained | in-scope unanswered | ms/query |",
             "|---|---|---|---|---|---|---|"]
    for name, cfg in rows:
        key = (cfg.synonyms, cfg.spelling)
        if key not in cache:
            t0 = time.perf_counter()
            scored = precompute(engine, questions, cfg)
            cache[key] = (scored, (time.perf_counter() - t0) / len(questions) * 1e3)
        scored, ms_score = cache[key]
        t0 = time.perf_counter()
        results = rank_all(engine, scored, cfg)
        ms = ms_score + (time.perf_counter() - t0) / len(questions) * 1e3
        m = summarise(scored, results, cfg.answer_threshold)
        m["clarify"] = float(np.mean([r.out_of_scope is None and r.confidence >= cfg.answer_threshold and len(r.candidates) > 1
                                      and (r.candidates[0].score - r.candidates[1].score) / (abs(r.candidates[0].score) + 1e-9)
                                      < cfg.clarify_margin for r in results]))
        lines.append(f"| {name} | {m['accuracy@1']:.3f} | {m['hit@3']:.3f} | {m['mrr@10']:.3f} | "
                     f"{m['oos_abstained']:.3f} | {m['in_scope_unanswered']:.3f} | {ms:.1f} |")
        print(lines[-1], flush=True)
    table = "\n".join(lines)
    n_in = sum(q.in_scope for q in questions)
    note = (f"\n\n{args.split} split: {len(questions)} questions ({n_in} in scope). "
            f"Encoder {engine.index.manifest['encoder']}; {np.round(tuned.alpha, 2)} dense weight. "
            "Regenerate with `make ablation`.")
    if not args.no_write:
        readme = ROOT / "eval" / "README.md"
        text = readme.read_text() if readme.exists() else f"# Evaluation\n\n{BEGIN}\n{END}\n"
        text = re.sub(f"{BEGIN}.*?{END}", f"{BEGIN}\n{table}{note}\n{END}", text, flags=re.S)
        readme.write_text(text)
        print(f"updated {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
