"""`isac eval` and `isac explain`: what the content team reads."""

from __future__ import annotations

import json
import sys

from isac.evaluation import breakdown, load_questions, metrics, predict


def _fmt(v) -> str:
    if v is None:
        return "   -  "
    return f"{v:6.3f}"


def print_metrics(m: dict, out=sys.stdout) -> None:
    print(f"questions {m['questions']} (in scope {m['in_scope']}, out of scope {m['out_of_scope']})", file=out)
    print(f"accuracy@1 {_fmt(m['accuracy@1'])}   hit@3 {_fmt(m['hit@3'])}   hit@5 {_fmt(m['hit@5'])}   "
          f"MRR@10 {_fmt(m['mrr@10'])}", file=out)
    print(f"out of scope with no answer {_fmt(m['oos_abstained'])}   in scope left unanswered "
          f"{_fmt(m['in_scope_unanswered'])}   clarifications {_fmt(m['clarifications'])}", file=out)
    print(f"latency ms: mean {m['latency_ms_mean']:.1f}  p95 {m['latency_ms_p95']:.1f}", file=out)


def run_eval(engine, args) -> int:
    from dataclasses import replace

    from tqdm import tqdm

    from isac.fusion import FusionMode

    questions = load_questions(args.file, known_ids={e.id for e in engine.index.entries})
    if getattr(args, "split", None):
        questions = [q for q in questions if q.split == args.split]
    config = engine.config
    if getattr(args, "mode", None):
        config = replace(config, fusion=FusionMode(args.mode))
    with tqdm(total=len(questions), desc="eval", unit="q", file=sys.stderr, disable=len(questions) < 50) as bar:
        preds = predict(engine, questions, config=config, progress=bar.update)
    m = metrics(preds)
    if args.predictions:
        with open(args.predictions, "w") as fh:
            for p in preds:
                fh.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps({"metrics": m, "by_lang": breakdown(preds, lambda p: p.item.lang)}, indent=2))
    else:
        print_metrics(m)
    if args.min_accuracy is not None and (m["accuracy@1"] or 0) < args.min_accuracy:
        print(f"isac: accuracy@1 {m['accuracy@1']:.3f} is below --min-accuracy {args.min_accuracy}", file=sys.stderr)
        return 1
    return 0


def explain(engine, question: str) -> str:
    r = engine.search(question, k=5)
    q = r.query
    lines = [f"query: {q.text}", f"language: {q.lang}", f"tokens: {' '.join(q.tokens)}"]
    if q.corrections:
        lines.append("corrections: " + ", ".join(f"{a} → {b}" for a, b in q.corrections))
    if q.synonyms:
        lines.append("synonyms: " + ", ".join(f"{a} → {'/'.join(b)}" for a, b in q.synonyms))
    for c in r.candidates:
        lines.append(f"  {c.entry_id:32s} fused {c.score:.3f}  bm25 {c.bm25:6.2f} (#{c.bm25_rank})  "
                     f"dense {c.dense:.3f} (#{c.dense_rank})  via {c.passage.kind.value}:{c.passage.section or ''} "
                     f"matched {' '.join(c.matched_terms)}")
    answer = engine.answer(question, result=r)
    lines.append(f"confidence {r.confidence:.3f} → {answer.status.value}")
    return "\n".join(lines)
