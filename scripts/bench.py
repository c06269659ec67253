"""Latency and memory figures for the real index: `make bench`.

Prints per-stage query latency (mean, p50, p95) over the eval questions, the load time
and the resident memory. Targets are read from these numbers, never asserted in tests.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from isac.engine import load_engine
    from isac.evaluation import load_questions
    from isac.settings import Settings

    t0 = time.perf_counter()
    engine = load_engine(Settings())
    load_s = time.perf_counter() - t0
    questions = [q.question for q in load_questions(ROOT / "eval" / "questions.jsonl")]
    for q in questions[:20]:
        engine.search(q)  # warm caches
    stages: dict[str, list[float]] = {}
    ask = []
    for q in questions:
        r = engine.search(q)
        for k, v in r.timings_ms.items():
            stages.setdefault(k, []).append(v)
        t = time.perf_counter()
        engine.answer(q)
        ask.append((time.perf_counter() - t) * 1e3)
    stages["answer (search + decision)"] = ask
    m = engine.index.manifest
    print(f"index: {m['entries']} entries, {m['passages']} passages, encoder {m['encoder']}")
    print(f"load: {load_s:.2f} s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"{'stage':28s} {'mean':>7s} {'p50':>7s} {'p95':>7s}  (ms, {len(questions)} queries)")
    for k, v in stages.items():
        a = np.array(v)
        print(f"{k:28s} {a.mean():7.2f} {np.percentile(a, 50):7.2f} {np.percentile(a, 95):7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
