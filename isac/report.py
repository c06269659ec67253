"""`isac eval` and `isac explain`: what the content team reads.

`run_eval` builds one JSON-able document per run (`build_document`); the terminal report,
`--json`, `--save` and the HTML page are all renderings of that document, so they never
disagree, and `--compare` can read back any of the JSON ones.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from isac.confidence import FEATURES
from isac.evaluation import (
    EvalFileError,
    Prediction,
    breakdown,
    category_of,
    compare_outcomes,
    confusions,
    load_questions,
    metrics,
    outcome_summary,
    predict,
)

EXCERPT = 90


def _fmt(v) -> str:
    if v is None:
        return "   -  "
    return f"{v:6.3f}"


def _clip(text: str, n: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _title(index, entry_id: str | None, lang: str = "ca") -> str:
    entry = index.entry(entry_id) if entry_id else None
    if entry is None:
        return entry_id or "-"
    return entry.title.get(lang) or entry.title["ca"]


def _passage(c) -> dict:
    return {"kind": c.passage.kind.value, "section": c.passage.section, "text": _clip(c.passage.text, 160)}


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
    index = engine.index
    cat = category_of(index)
    m = metrics(preds)
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
        "failures": [failure(index, p, cat(p)) for p in fails],
        "confusions": conf,
        "oos_answered": [{"question": p.item.question, "lang": p.item.lang, "line": p.item.line,
                          "given": {"id": p.answer_id, "title": _title(index, p.answer_id)},
                          "status": p.status, "confidence": round(p.confidence, 4)} for p in oos],
        "questions": [p.outcome(cat(p)) for p in preds],
    }


# -- terminal ---------------------------------------------------------------------------
def print_metrics(m: dict, out=None) -> None:
    out = out or sys.stdout  # looked up per call, so redirection and capture work
    print(f"questions {m['questions']} (in scope {m['in_scope']}, out of scope {m['out_of_scope']})", file=out)
    print(f"accuracy@1 {_fmt(m['accuracy@1'])}   hit@3 {_fmt(m['hit@3'])}   hit@5 {_fmt(m['hit@5'])}   "
          f"MRR@10 {_fmt(m['mrr@10'])}", file=out)
    print(f"out of scope with no answer {_fmt(m['oos_abstained'])}   in scope left unanswered "
          f"{_fmt(m['in_scope_unanswered'])}   clarifications {_fmt(m['clarifications'])}", file=out)
    # encoding runs in batches during eval, so this is throughput, not serving latency (make bench)
    print(f"time per question ms: mean {m['latency_ms_mean']:.1f}  p95 {m['latency_ms_p95']:.1f}", file=out)


def print_table(title: str, groups: dict[str, dict], out=None) -> None:
    out = out or sys.stdout
    width = max([len(title)] + [len(k) for k in groups]) + 2
    print(f"\n{title:<{width}}{'n':>5} {'acc@1':>6} {'hit@3':>6} {'MRR':>6} {'unans.':>6} {'oos ok':>6}", file=out)
    for name, m in groups.items():
        print(f"  {name:<{width - 2}}{m['questions']:>5} {_fmt(m['accuracy@1'])} {_fmt(m['hit@3'])} "
              f"{_fmt(m['mrr@10'])} {_fmt(m['in_scope_unanswered'])} {_fmt(m['oos_abstained'])}", file=out)


def _why_line(w: dict | None) -> str:
    if not w:
        return ""
    psg = w["passage"]
    where = psg["kind"] + (f"/{psg['section']}" if psg["section"] else "")
    terms = " ".join(w["matched_terms"]) or "(none)"
    return (f"\n               fused {w['fused']:.3f} (bm25 #{w['bm25_rank'] or '-'}, dense #{w['dense_rank'] or '-'})"
            f" · won on {where} “{_clip(psg['text'], 60)}” · matched: {terms}")


def print_failures(doc: dict, limit: int, out=None) -> None:
    out = out or sys.stdout
    fails = doc["failures"]
    shown = fails[:max(limit, 0)]
    print(f"\nFAILURES: {len(fails)} in-scope questions whose top entry is wrong"
          + (f" (the {len(shown)} most confident shown; --failures N for more)" if len(shown) < len(fails) else ""),
          file=out)
    for i, f in enumerate(shown, 1):
        exp = ", ".join(f"{e['title']} [{e['id']}]" for e in f["expected"])
        given = f"{f['given']['title']} [{f['given']['id']}]" if f["given"] else "(nothing found)"
        rank = f"rank {f['expected_rank']}" if f["expected_rank"] else "not in the top 10"
        print(f"{i:3d}. “{_clip(f['question'], 100)}”  [{f['lang']} · {f['kind'] or '-'} · line {f['line']}]", file=out)
        if f["corrections"]:
            print(f"     spelling  {', '.join(f'{a}→{b}' for a, b in f['corrections'])}", file=out)
        if f["synonyms"]:
            print(f"     synonyms  {', '.join(f'{a}→' + '/'.join(b) for a, b in f['synonyms'])}", file=out)
        routed = f" (looks out of scope: {f['routed_out']})" if f.get("routed_out") else ""
        print(f"     given     {given} — confidence {f['confidence']:.3f} → {f['status']}{routed}"
              + _why_line(f["given_why"]), file=out)
        print(f"     expected  {exp} — {rank}" + _why_line(f["expected_why"]), file=out)


def print_confusions(doc: dict, limit: int = 15, out=None) -> None:
    out = out or sys.stdout
    rows = doc["confusions"]
    print(f"\nCONFUSIONS: entry pairs that take each other's questions ({len(rows)} pairs)", file=out)
    for r in rows[:limit]:
        both = f"   ({r['a_to_b']} one way, {r['b_to_a']} the other)" if r["b_to_a"] else ""
        print(f"  {r['total']:3d}  {r['a']} {'⇄' if both else '→'} {r['b']}{both}", file=out)
    if len(rows) > limit:
        print(f"  … {len(rows) - limit} more pairs in --json / --html", file=out)


def print_oos(doc: dict, limit: int, out=None) -> None:
    out = out or sys.stdout
    rows = doc["oos_answered"]
    print(f"\nOUT OF SCOPE BUT ANSWERED: {len(rows)} of {doc['metrics']['out_of_scope']}", file=out)
    for r in rows[:max(limit, 0)]:
        print(f"  “{_clip(r['question'], 80)}” [{r['lang']} · line {r['line']}] → {r['status']} "
              f"{r['given']['id']} (confidence {r['confidence']:.3f})", file=out)
    if len(rows) > limit:
        print(f"  … {len(rows) - limit} more", file=out)


def print_report(doc: dict, failures: int = 30, out=None) -> None:
    out = out or sys.stdout
    c = doc["config"]
    ranking = "learned reranker" if c.get("reranker") else f"fusion {c['fusion']}"
    print(f"isac eval · {doc['file']} · {ranking} · answer threshold {c['answer_threshold']}\n", file=out)
    print_metrics(doc["metrics"], out)
    print_table("BY CATEGORY", doc["by_category"], out)
    print_table("BY LANGUAGE", doc["by_lang"], out)
    print_table("BY KIND", doc["by_kind"], out)
    print_failures(doc, failures, out)
    print_confusions(doc, out=out)
    print_oos(doc, failures, out)


# -- compare ----------------------------------------------------------------------------
def load_previous(path: Path) -> dict:
    try:
        doc = json.loads(Path(path).read_text())
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot read ({exc.strerror})") from exc
    except ValueError as exc:
        raise EvalFileError(f"{path}: not a JSON file written by `isac eval --save` ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("questions"), list):
        raise EvalFileError(f"{path}: has no per-question outcomes; write it with `isac eval --save` or `--json`")
    return doc


def print_compare(previous: dict, doc: dict, diff: dict, source: str = "the previous run", out=None) -> None:
    out = out or sys.stdout
    a, b = previous.get("metrics", {}), doc["metrics"]
    print(f"\nCOMPARED WITH {source} (a run of {previous.get('file', '?')} at {previous.get('generated', '?')})",
          file=out)
    for key in ("accuracy@1", "hit@3", "mrr@10", "oos_abstained", "in_scope_unanswered"):
        if a.get(key) is not None and b.get(key) is not None:
            print(f"  {key:<20} {a[key]:.3f} → {b[key]:.3f} ({b[key] - a[key]:+.3f})", file=out)
    for label, sign in (("worse", "-"), ("better", "+")):  # regressions first: they block a release
        print(f"  {label} ({len(diff[label])}):", file=out)
        for d in diff[label]:
            before, after = d["before"], d["after"]
            exp = ";".join(after["expected"]) or "out of scope"
            print(f"    {sign} “{_clip(after['question'], 80)}” [{after['lang']}] expected {exp}: "
                  f"{outcome_summary(before)} → {outcome_summary(after)}", file=out)
    print(f"  unchanged {diff['unchanged']}; {len(diff['added'])} new, {len(diff['removed'])} gone", file=out)


# -- the command ------------------------------------------------------------------------
def run_eval(engine, args) -> int:
    from tqdm import tqdm

    from isac.fusion import FusionMode

    previous = load_previous(args.compare) if getattr(args, "compare", None) else None  # fail before the run
    questions = load_questions(args.file, known_ids={e.id for e in engine.index.entries})
    if getattr(args, "split", None):
        questions = [q for q in questions if q.split == args.split]
        if not questions:
            raise EvalFileError(f"{args.file}: no questions with split {args.split!r}")
    config = engine.config
    if getattr(args, "mode", None):
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
    if getattr(args, "save", None):
        Path(args.save).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    if getattr(args, "html", None):
        from isac.report_html import render_html

        Path(args.html).write_text(render_html(doc, diff), encoding="utf-8")
    if args.json:
        print(json.dumps({**doc, "compare": diff} if diff else doc, ensure_ascii=False, indent=2))
    else:
        print_report(doc, getattr(args, "failures", 30))
        if diff is not None:
            print_compare(previous, doc, diff, str(args.compare))
    if args.min_accuracy is not None and (m["accuracy@1"] or 0) < args.min_accuracy:
        print(f"isac: accuracy@1 {m['accuracy@1'] or 0:.3f} is below --min-accuracy {args.min_accuracy}", file=sys.stderr)
        return 1
    return 0


# -- explain ---------------------------------------------------------------------------
def _psg(p) -> str:
    return f"{p.kind.value}{'/' + p.section if p.section else ''} “{_clip(p.text, 60)}”"


def _best_passage(engine, entry_id: str, scores: np.ndarray):
    position = next(i for i, e in enumerate(engine.index.entries) if e.id == entry_id)
    pids = np.flatnonzero(engine.index.passage_entry == position)
    return engine.index.passages[int(pids[np.argmax(scores[pids])])]


def explain(engine, question: str, expected: str | None = None, top: int = 5) -> str:
    """A readable trace of one query; `expected` also shows where that entry ended up."""
    cfg = engine.config
    ps = engine.score_passages(question, config=cfg)
    # ranking every entry gives each one's BM25 and dense score and rank exactly as the engine
    # aggregates them, so the lists below cannot drift from what was fused
    r = engine.rank(ps, len(engine.index.entries), cfg)
    q = r.query
    lines = [f"question     {q.text}", f"language     {q.lang}", f"tokens       {' '.join(q.tokens) or '(none)'}",
             "corrections  " + (", ".join(f"{a} → {b}" for a, b in q.corrections) or "(none)"),
             "synonyms     " + (", ".join(f"{a} → {'/'.join(b)}" for a, b in q.synonyms) or "(none)")]
    for title, rank_of, value, scores, fmt in (
            ("BM25 (lexical)", lambda c: c.bm25_rank, lambda c: c.bm25, ps.bm25, "{:7.2f}"),
            ("DENSE (cosine)", lambda c: c.dense_rank, lambda c: c.dense, ps.dense, "{:7.3f}")):
        rows = sorted((c for c in r.candidates if rank_of(c) is not None), key=rank_of)[:top]
        w = max([len(c.entry_id) for c in rows] + [20])
        lines.append(f"\n{title}: top {top} entries by entry score, each with its best-scoring passage")
        lines += [f"  {rank_of(c)}. {c.entry_id:<{w}} {fmt.format(value(c))}  "
                  f"{_psg(_best_passage(engine, c.entry_id, scores))}" for c in rows]
        if not rows:
            lines.append("  (nothing: no query term is in the index vocabulary)")
    if cfg.rerank and cfg.rerank_weights:
        how = "learned reranker over per-entry features"
    elif cfg.fusion.value == "convex":
        how = f"{cfg.alpha:g}·dense + {1 - cfg.alpha:g}·bm25, each normalised to 0-1"
    else:
        how = f"{cfg.fusion.value}" + (f", k={cfg.rrf_k}" if cfg.fusion.value == "rrf" else "")
    lines.append(f"\nFUSION ({how})")
    shown = [(i, c) for i, c in enumerate(r.candidates, 1) if i <= top or c.entry_id == expected]
    w = max([len(c.entry_id) for _, c in shown] + [20])
    for i, c in shown:
        mark = "   ← expected" if c.entry_id == expected else ""
        lines.append(f"  {i}. {c.entry_id:<{w}} {c.score:7.3f}  bm25 #{c.bm25_rank or '-'}  dense #{c.dense_rank or '-'}"
                     f"  via {_psg(c.passage)}  matched: {' '.join(c.matched_terms) or '(none)'}{mark}")
    if expected and not any(c.entry_id == expected for c in r.candidates):
        lines.append(f"  expected {expected}: no such entry in the index")
    weights = dict(zip(FEATURES, getattr(engine.calibrator, "weights", ()), strict=False))
    feats = "  ".join(f"{k} {v:.3f}" + (f" (weight {weights[k]:+.2f})" if k in weights else "")
                      for k, v in r.features.items())
    lines.append(f"\nCONFIDENCE   {r.confidence:.3f}   features: {feats}")
    answer = engine.answer(question, config=cfg, result=r)
    lines.append(f"DECISION     {answer.status.value} (answer threshold {cfg.answer_threshold}, "
                 f"clarify margin {cfg.clarify_margin})")
    route = getattr(r, "out_of_scope", None)
    if answer.status.value == "answer":
        lines.append(f"             {answer.entry.title['ca']} [{answer.entry.id}], "
                     f"section {answer.section or '(summary)'}")
    elif answer.status.value == "clarify":
        lines.append("             options: " + ", ".join(f"{e.title['ca']} [{e.id}]" for e in answer.options))
    elif route is not None:
        lines.append(f"             out of scope: closer to “{route.id}” than to any entry; "
                     f"sent to {route.where.get('ca', '')}")
    else:
        lines.append("             confidence below the threshold: the citizen is sent to 010 / OAC / Seu")
    return "\n".join(lines)
