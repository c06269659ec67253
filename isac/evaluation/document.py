"""One JSON-able document per eval run, and `isac eval` itself with typed options.

The terminal report, `--json`, `--save` and the HTML page are all renderings of this
document, so they never disagree, and `--compare` can read back any of the JSON ones.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from isac.evaluation.metrics import breakdown, category_of, compare_outcomes, confusions, summary
from isac.evaluation.questions import EvalFileError, load_questions
from isac.evaluation.render_text import clip
from isac.evaluation.runner import Prediction, predict


def _title(index, entry_id: str | None, lang: str = "ca") -> str:
    entry = index.entry(entry_id) if entry_id else None
    if entry is None:
        return entry_id or "-"
    return entry.title.get(lang) or entry.title["ca"]


def _passage(c) -> dict:
    return {"kind": c.passage.kind.value, "section": c.passage.section, "text": clip(c.passage.text, 160)}


def _scores(c, rank: int) -> dict:
    return {"rank": rank, "fused": round(c.score, 4), "bm25": round(c.bm25, 3), "bm25_rank": c.bm25_rank,
            "dense": round(c.dense, 4), "dense_rank": c.dense_rank,
            "passage": _passage(c), "matched_terms": list(c.matched_terms)}


def failure(index, p: Prediction, category: str) -> dict:
    """One wrong top-1 answer with what explains it: terms, repairs, winning passages."""
    q, r = p.item, p.result
    lang = "es" if q.lang == "es" else "ca"
    cands = {c.entry_id: (i, c) for i, c in enumerate(r.candidates, 1)} if r else {}
    exp_rank = p.rank()
    exp_id = next((e for e in q.expected if e in cands), q.expected[0])
    return {
        "question": q.question, "lang": q.lang, "kind": q.kind, "line": q.line, "category": category,
        "expected": [{"id": e, "title": _title(index, e, lang)} for e in q.expected],
        "given": {"id": p.top, "title": _title(index, p.top, lang)} if p.top else None,
        "answer_id": p.answer_id, "status": p.status, "confidence": round(p.confidence, 4),
        "expected_rank": exp_rank,
        # the engine may hold an answer back because the question looks like another administration's
        "routed_out": getattr(getattr(r, "out_of_scope", None), "id", None),
        "corrections": [list(x) for x in r.query.corrections] if r else [],
        "synonyms": [[a, list(b)] for a, b in r.query.synonyms] if r else [],
        "given_why": _scores(r.candidates[0], 1) if r and r.candidates else None,
        "expected_why": _scores(cands[exp_id][1], cands[exp_id][0]) if exp_id in cands else None,
    }


def build_document(engine, preds: list[Prediction], source: str, config) -> dict:
    """Metrics, breakdowns, failures, confusions and per-question outcomes of one run."""
    index = engine.index
    cat = category_of(index)
    m = summary(preds)
    fails = sorted((p for p in preds if p.item.in_scope and not p.correct), key=lambda p: -p.confidence)
    oos = sorted((p for p in preds if not p.item.in_scope and p.answer_id), key=lambda p: -p.confidence)
    conf = confusions(preds)
    for row in conf:
        row["a_title"], row["b_title"] = _title(index, row["a"]), _title(index, row["b"])
    return {
        "file": source, "generated": time.strftime("%Y-%m-%d %H:%M"),
        # a tuned reranker replaces the fusion mode, so say which one actually ranked
        "config": {"fusion": config.fusion.value, "alpha": config.alpha,
                   "reranker": bool(getattr(config, "rerank", False) and getattr(config, "rerank_weights", ())),
                   "answer_threshold": config.answer_threshold, "clarify_margin": config.clarify_margin},
        "metrics": m, "overall": m,
        "by_category": breakdown(preds, cat),
        "by_lang": breakdown(preds, lambda p: p.item.lang),
        "by_kind": breakdown(preds, lambda p: p.item.kind),
        "by_style": breakdown(preds, lambda p: p.item.style) if any(p.item.style for p in preds) else {},
        "failures": [failure(index, p, cat(p)) for p in fails],
        "confusions": conf,
        "oos_answered": [{"question": p.item.question, "lang": p.item.lang, "line": p.item.line,
                          "given": {"id": p.answer_id, "title": _title(index, p.answer_id)},
                          "status": p.status, "confidence": round(p.confidence, 4)} for p in oos],
        "questions": [p.outcome(cat(p)) for p in preds],
    }


@dataclass(frozen=True)
class EvalOptions:
    """What `isac eval` was asked for."""

    file: Path
    split: str | None = None
    mode: str | None = None
    json: bool = False
    html: Path | None = None
    save: Path | None = None
    compare: Path | None = None
    predictions: Path | None = None
    min_accuracy: float | None = None
    min_fact: float | None = None
    failures: int = 30


def load_previous(path: Path) -> dict:
    """A document saved by `isac eval --save`, for `--compare`."""
    try:
        doc = json.loads(Path(path).read_text())
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot read ({exc.strerror})") from exc
    except ValueError as exc:
        raise EvalFileError(f"{path}: not a JSON file written by `isac eval --save` ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("questions"), list):
        raise EvalFileError(f"{path}: has no per-question outcomes; write it with `isac eval --save` or `--json`")
    return doc


def run_eval(engine, args: EvalOptions) -> int:
    """`isac eval`: run, report, save, compare and gate; returns the exit status."""
    from tqdm import tqdm

    from isac.fusion import FusionMode

    previous = load_previous(args.compare) if args.compare else None  # fail before the run
    questions = load_questions(args.file, known_ids={e.id for e in engine.index.entries})
    if args.split:
        questions = [q for q in questions if q.split == args.split]
        if not questions:
            raise EvalFileError(f"{args.file}: no questions with split {args.split!r}")
    config = engine.config
    if args.mode:
        config = replace(config, fusion=FusionMode(args.mode))
    with tqdm(total=len(questions), desc="eval", unit="q", file=sys.stderr, disable=None if len(questions) >= 50 else True) as bar:
        preds = predict(engine, questions, config=config, progress=bar.update)
    doc = build_document(engine, preds, str(args.file), config)
    m = doc["metrics"]
    if args.predictions:
        with open(args.predictions, "w") as fh:
            for p in preds:
                fh.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")
    diff = compare_outcomes(previous["questions"], doc["questions"]) if previous else None
    if args.save:
        Path(args.save).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    if args.html:
        from isac.evaluation.render_html import render_html

        Path(args.html).write_text(render_html(doc, diff), encoding="utf-8")
    if args.json:
        print(json.dumps({**doc, "compare": diff} if diff else doc, ensure_ascii=False, indent=2))
    else:
        from isac.evaluation.render_text import print_compare, print_report

        print_report(doc, args.failures)
        if diff is not None:
            print_compare(previous or {}, doc, diff, str(args.compare))
    if args.min_accuracy is not None and (m["accuracy@1"] or 0) < args.min_accuracy:
        print(f"isac: accuracy@1 {m['accuracy@1'] or 0:.3f} is below --min-accuracy {args.min_accuracy}", file=sys.stderr)
        return 1
    if args.min_fact is not None:
        if m.get("fact_in_answer") is None:
            print(f"isac: --min-fact needs questions with \"facts\"; {args.file} has none", file=sys.stderr)
            return 1
        if m["fact_in_answer"] < args.min_fact:
            print(f"isac: fact-in-answer {m['fact_in_answer']:.3f} is below --min-fact {args.min_fact}", file=sys.stderr)
            return 1
    return 0


