"""The eval document as terminal text."""

from __future__ import annotations

import sys

from isac.evaluation.metrics import outcome_summary

EXCERPT = 90


def _fmt(v) -> str:
    if v is None:
        return "   -  "
    return f"{v:6.3f}"


def clip(text: str, n: int = EXCERPT) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def print_metrics(m: dict, out=None) -> None:
    """Print the headline metrics and the time per question."""
    out = out or sys.stdout  # looked up per call, so redirection and capture work
    print(f"questions {m['questions']} (in scope {m['in_scope']}, out of scope {m['out_of_scope']})", file=out)
    print(f"accuracy@1 {_fmt(m['accuracy@1'])}   hit@3 {_fmt(m['hit@3'])}   hit@5 {_fmt(m['hit@5'])}   "
          f"MRR@10 {_fmt(m['mrr@10'])}", file=out)
    print(f"out of scope with no answer {_fmt(m['oos_abstained'])}   in scope left unanswered "
          f"{_fmt(m['in_scope_unanswered'])}   clarifications {_fmt(m['clarifications'])}", file=out)
    if m.get("choice_holds_answer") is not None:
        print(f"choices offered when unsure that hold the right procedure {_fmt(m['choice_holds_answer'])}", file=out)
    if m.get("fact_in_answer") is not None:
        print(f"fact in answer {_fmt(m['fact_in_answer'])}", file=out)
    # encoding runs in batches during eval, so this is throughput, not serving latency (make bench)
    print(f"time per question ms: mean {m['latency_ms_mean']:.1f}  p95 {m['latency_ms_p95']:.1f}", file=out)


def print_table(title: str, groups: dict[str, dict], out=None) -> None:
    """Print a metrics table with one row per group."""
    out = out or sys.stdout
    width = max([len(title)] + [len(k) for k in groups]) + 2
    facts = any(m.get("fact_in_answer") is not None for m in groups.values())
    print(f"\n{title:<{width}}{'n':>5} {'acc@1':>6} {'hit@3':>6} {'MRR':>6} {'unans.':>6} {'oos ok':>6}"
          + (f" {'facts':>6}" if facts else ""), file=out)
    for name, m in groups.items():
        print(f"  {name:<{width - 2}}{m['questions']:>5} {_fmt(m['accuracy@1'])} {_fmt(m['hit@3'])} "
              f"{_fmt(m['mrr@10'])} {_fmt(m['in_scope_unanswered'])} {_fmt(m['oos_abstained'])}"
              + (f" {_fmt(m.get('fact_in_answer'))}" if facts else ""), file=out)


def _why_line(w: dict | None) -> str:
    if not w:
        return ""
    psg = w["passage"]
    where = psg["kind"] + (f"/{psg['section']}" if psg["section"] else "")
    terms = " ".join(w["matched_terms"]) or "(none)"
    return (f"\n               fused {w['fused']:.3f} (bm25 #{w['bm25_rank'] or '-'}, dense #{w['dense_rank'] or '-'})"
            f" · won on {where} “{clip(psg['text'], 60)}” · matched: {terms}")


def print_failures(doc: dict, limit: int, out=None) -> None:
    """Print up to ``limit`` failures, most confident first, with why each entry won."""
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
        print(f"{i:3d}. “{clip(f['question'], 100)}”  [{f['lang']} · {f['kind'] or '-'} · line {f['line']}]", file=out)
        if f["corrections"]:
            print(f"     spelling  {', '.join(f'{a}→{b}' for a, b in f['corrections'])}", file=out)
        if f["synonyms"]:
            print(f"     synonyms  {', '.join(f'{a}→' + '/'.join(b) for a, b in f['synonyms'])}", file=out)
        routed = f" (looks out of scope: {f['routed_out']})" if f.get("routed_out") else ""
        print(f"     given     {given} — confidence {f['confidence']:.3f} → {f['status']}{routed}"
              + _why_line(f["given_why"]), file=out)
        print(f"     expected  {exp} — {rank}" + _why_line(f["expected_why"]), file=out)


def print_confusions(doc: dict, limit: int = 15, out=None) -> None:
    """Print up to ``limit`` entry pairs that take each other's questions."""
    out = out or sys.stdout
    rows = doc["confusions"]
    print(f"\nCONFUSIONS: entry pairs that take each other's questions ({len(rows)} pairs)", file=out)
    for r in rows[:limit]:
        both = f"   ({r['a_to_b']} one way, {r['b_to_a']} the other)" if r["b_to_a"] else ""
        print(f"  {r['total']:3d}  {r['a']} {'⇄' if both else '→'} {r['b']}{both}", file=out)
    if len(rows) > limit:
        print(f"  … {len(rows) - limit} more pairs in --json / --html", file=out)


def print_oos(doc: dict, limit: int, out=None) -> None:
    """Print up to ``limit`` out-of-scope questions that got an answer anyway."""
    out = out or sys.stdout
    rows = doc["oos_answered"]
    print(f"\nOUT OF SCOPE BUT ANSWERED: {len(rows)} of {doc['metrics']['out_of_scope']}", file=out)
    for r in rows[:max(limit, 0)]:
        print(f"  “{clip(r['question'], 80)}” [{r['lang']} · line {r['line']}] → {r['status']} "
              f"{r['given']['id']} (confidence {r['confidence']:.3f})", file=out)
    if len(rows) > limit:
        print(f"  … {len(rows) - limit} more", file=out)


def print_report(doc: dict, failures: int = 30, out=None) -> None:
    """Print the whole report: metrics, breakdowns, failures, confusions, out-of-scope answers."""
    out = out or sys.stdout
    c = doc["config"]
    ranking = "learned reranker" if c.get("reranker") else f"fusion {c['fusion']}"
    print(f"isac eval · {doc['file']} · {ranking} · answer threshold {c['answer_threshold']}\n", file=out)
    print_metrics(doc["metrics"], out)
    print_table("BY CATEGORY", doc["by_category"], out)
    print_table("BY LANGUAGE", doc["by_lang"], out)
    print_table("BY KIND", doc["by_kind"], out)
    if doc.get("by_style"):
        print_table("BY STYLE", doc["by_style"], out)
    print_failures(doc, failures, out)
    print_confusions(doc, out=out)
    print_oos(doc, failures, out)


def print_compare(previous: dict, doc: dict, diff: dict, source: str = "the previous run", out=None) -> None:
    """Print the metric changes since a previous run and the questions that got worse or better."""
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
            print(f"    {sign} “{clip(after['question'], 80)}” [{after['lang']}] expected {exp}: "
                  f"{outcome_summary(before)} → {outcome_summary(after)}", file=out)
    print(f"  unchanged {diff['unchanged']}; {len(diff['added'])} new, {len(diff['removed'])} gone", file=out)


