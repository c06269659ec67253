"""`isac eval --html`: one self-contained page (inline CSS and SVG, no scripts, no external assets).

Everything printed comes from the eval document (`report.build_document`) and goes
through `esc`, since questions are citizens' free text.
"""

from __future__ import annotations

from html import escape

from isac.evaluation.metrics import outcome_summary
from isac.evaluation.questions import OUT_OF_SCOPE

GOOD, MID, BAD, OOS, INK, MUTED = "#1f9d6b", "#e0a526", "#d64545", "#8a94a6", "#1c2430", "#667085"

CSS = """
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1c2430;background:#f4f6f9}main{max-width:1240px;margin:0 auto;padding:28px 24px 60px}
header{display:flex;justify-content:space-between;align-items:flex-end;flex-wrap:wrap;gap:8px;margin-bottom:18px}
h1{font-size:24px;margin:0}h1 span{color:#0b6e99}h2{font-size:16px;margin:0 0 12px}
.sub{color:#667085;font-size:13px}.grid{display:grid;gap:16px}
.tiles{grid-template-columns:repeat(auto-fit,minmax(150px,1fr));margin-bottom:16px}
.two{grid-template-columns:repeat(auto-fit,minmax(480px,1fr));margin-bottom:16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(16,24,40,.08),0 1px 2px rgba(16,24,40,.04);
padding:18px 20px;overflow:auto}.tile .v{font-size:28px;font-weight:650;letter-spacing:-.5px}
.tile .l{color:#667085;font-size:12px;text-transform:uppercase;letter-spacing:.4px}
.tile .bar{height:5px;border-radius:3px;background:#eef1f5;margin-top:8px;overflow:hidden}
.tile .bar i{display:block;height:100%}table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:#667085;font-size:12px;border-bottom:1px solid #e4e7ec;padding:6px 8px}
td{border-bottom:1px solid #f0f2f5;padding:7px 8px;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:hover td{background:#fafbfc}code,.id{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:#0b6e99}
.q{font-weight:550}.meta{color:#667085;font-size:12px}.why{font-size:12px;color:#344054}.why b{color:#1c2430}
.pill{display:inline-block;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:600;color:#fff}
.answer,.worse.pill{background:#d64545}.better.pill{background:#1f9d6b}.clarify{background:#e0a526}.none{background:#8a94a6}
.exc{color:#667085;font-style:italic}.legend{display:flex;gap:14px;font-size:12px;color:#667085;margin-top:6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.section{margin-bottom:16px}.notes{margin:12px 0 0;padding-left:18px;color:#344054;font-size:13px}
.flow{white-space:nowrap;font-variant-numeric:tabular-nums;color:#344054}.better{color:#1f9d6b}.worse{color:#d64545}svg text{font-family:inherit}
.pill.better,.pill.worse{color:#fff}
"""


def esc(value) -> str:
    """A value as HTML-escaped text, quotes included; None becomes empty."""
    return escape("" if value is None else str(value), quote=True)


def pct(v) -> str:
    """A fraction as a percentage with one decimal, or a dash for None."""
    return "–" if v is None else f"{v * 100:.1f}%"


def level(v) -> str:
    """The colour for a score: good from 0.85, middling from 0.7, else bad; muted for None."""
    return MUTED if v is None else GOOD if v >= 0.85 else MID if v >= 0.7 else BAD


# -- charts -----------------------------------------------------------------------------
def category_bars(by_category: dict[str, dict]) -> str:
    """Accuracy@1 per category, worst first; the pale bar behind is hit@3 (right entry in the top 3)."""
    rows = sorted(((k, m) for k, m in by_category.items() if k != OUT_OF_SCOPE and m["accuracy@1"] is not None),
                  key=lambda km: (km[1]["accuracy@1"], km[0]))
    label_w, bar_w, row_h = 170, 330, 24
    height = 24 + row_h * len(rows)
    parts = [f'<svg class="chart" role="img" aria-label="accuracy per category" width="100%" '
             f'viewBox="0 0 {label_w + bar_w + 110} {height}" xmlns="http://www.w3.org/2000/svg">']
    for t in (0, 0.25, 0.5, 0.75, 1):
        x = label_w + t * bar_w
        parts.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height}" stroke="#eef1f5"/>'
                     f'<text x="{x:.1f}" y="10" font-size="10" fill="{MUTED}" text-anchor="middle">{int(t * 100)}%</text>')
    for i, (name, m) in enumerate(rows):
        y = 20 + i * row_h
        acc, hit3 = m["accuracy@1"], m["hit@3"] or 0
        parts.append(
            f'<g><title>{esc(name)}: accuracy@1 {pct(acc)}, hit@3 {pct(hit3)}, {m["in_scope"]} questions</title>'
            f'<text x="{label_w - 8}" y="{y + 13}" font-size="12" fill="{INK}" text-anchor="end">{esc(name[:24])}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{hit3 * bar_w:.1f}" height="16" rx="3" fill="{level(acc)}" opacity=".22"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{acc * bar_w:.1f}" height="16" rx="3" fill="{level(acc)}"/>'
            f'<text x="{label_w + bar_w + 8}" y="{y + 14}" font-size="12" fill="{INK}">{pct(acc)}'
            f'<tspan fill="{MUTED}"> · n={m["in_scope"]}</tspan></text></g>')
    parts.append("</svg>")
    return "".join(parts)


def confidence_histogram(questions: list[dict], threshold: float, bins: int = 20) -> str:
    """Stacked counts per confidence bin: right top entry, wrong entry, out-of-scope; threshold marked."""
    series = (("right", GOOD), ("wrong", BAD), ("out of scope", OOS))
    counts = [[0, 0, 0] for _ in range(bins)]
    for q in questions:
        b = min(int(q["confidence"] * bins), bins - 1)
        counts[b][0 if q["expected"] and q["ok"] else 1 if q["expected"] else 2] += 1
    tallest = max([sum(c) for c in counts] + [1])
    tick = _nice_step(tallest / 5)
    ticks = -(-tallest // tick)
    top = tick * ticks
    left, width, height, base = 40, 520, 220, 240
    step = width / bins
    parts = [f'<svg class="chart" role="img" aria-label="confidence histogram" width="100%" '
             f'viewBox="0 0 {left + width + 20} {base + 36}" xmlns="http://www.w3.org/2000/svg">']
    for t in range(ticks + 1):  # horizontal grid with counts
        v = tick * t
        y = base - height * t / ticks
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#eef1f5"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" fill="{MUTED}" text-anchor="end">{v:.0f}</text>')
    for i, c in enumerate(counts):
        y = float(base)
        for n, (name, colour) in zip(c, series, strict=True):
            if n:
                h = height * n / top
                y -= h
                parts.append(f'<rect x="{left + i * step + 1:.1f}" y="{y:.1f}" width="{step - 2:.1f}" height="{h:.1f}" '
                             f'fill="{colour}"><title>{name}: {n} with confidence {i / bins:.2f}–{(i + 1) / bins:.2f}'
                             f'</title></rect>')
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = float(left + frac * width)
        parts.append(f'<text x="{x:.1f}" y="{base + 16}" font-size="10" fill="{MUTED}" text-anchor="middle">{frac:g}</text>')
    x = float(left) + min(max(threshold, 0), 1) * width
    parts.append(f'<line x1="{x:.1f}" y1="{base - height - 6}" x2="{x:.1f}" y2="{base}" stroke="{INK}" '
                 f'stroke-width="1.5" stroke-dasharray="5 3"/>'
                 f'<text x="{x + 5:.1f}" y="{base - height + 4}" font-size="11" fill="{INK}">answer threshold '
                 f'{threshold:g}</text><text x="{left + width / 2}" y="{base + 32}" font-size="11" fill="{MUTED}" '
                 f'text-anchor="middle">confidence (left of the line: no answer, citizen sent to 010)</text></svg>')
    legend = "".join(f'<span><i style="background:{c}"></i>{n}</span>' for n, c in series)
    # counted from the decisions, not from the (rounded) confidences near the line
    wrong_above = sum(bool(q["expected"]) and not q["ok"] and q["answer_id"] is not None for q in questions)
    oos_above = sum(not q["expected"] and q["answer_id"] is not None for q in questions)
    right_below = sum(bool(q["expected"]) and q["ok"] and q["answer_id"] is None for q in questions)
    # the three numbers that moving the threshold trades against each other
    notes = (f'<ul class="notes"><li><b>{wrong_above}</b> wrong entries given to citizens (above the threshold)</li>'
             f'<li><b>{oos_above}</b> out-of-scope questions above it (answered anyway)</li>'
             f'<li><b>{right_below}</b> right entries held back below it (citizen sent to 010)</li></ul>')
    return "".join(parts) + f'<div class="legend">{legend}</div>' + notes


def _nice_step(raw: float) -> int:
    """The smallest 1/2/5×10^n step at least `raw`, so the axis reads 0, 50, 100…"""
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if m * magnitude >= raw:
                return m * magnitude
        magnitude *= 10


# -- tables -----------------------------------------------------------------------------
def tiles(m: dict) -> str:
    """The headline metrics as tiles, each with a coloured bar."""
    items = (("accuracy@1", "accuracy@1 · right entry first", m["accuracy@1"]),
             ("hit@3", "hit@3 · right entry in top 3", m["hit@3"]),
             ("mrr@10", "MRR@10 · mean reciprocal rank", m["mrr@10"]),
             ("oos_abstained", "out of scope, no answer", m["oos_abstained"]),
             ("in_scope_unanswered", "in scope, no answer", m["in_scope_unanswered"]),
             ("clarifications", "asked to clarify", m["clarifications"]))
    out = []
    for key, label, v in items:
        colour = level(v) if key in ("accuracy@1", "hit@3", "mrr@10", "oos_abstained") else "#0b6e99"
        out.append(f'<div class="card tile"><div class="l">{esc(label)}</div><div class="v">{pct(v)}</div>'
                   f'<div class="bar"><i style="width:{(v or 0) * 100:.1f}%;background:{colour}"></i></div></div>')
    return '<div class="grid tiles">' + "".join(out) + "</div>"


def group_table(title: str, groups: dict[str, dict]) -> str:
    """A card with a metrics table, one row per group."""
    rows = "".join(
        f'<tr><td>{esc(k)}</td><td class="n">{m["questions"]}</td><td class="n" style="color:{level(m["accuracy@1"])}">'
        f'{pct(m["accuracy@1"])}</td><td class="n">{pct(m["hit@3"])}</td><td class="n">{pct(m["mrr@10"])}</td>'
        f'<td class="n">{pct(m["in_scope_unanswered"])}</td><td class="n">{pct(m["oos_abstained"])}</td></tr>'
        for k, m in groups.items())
    return (f'<div class="card"><h2>{esc(title)}</h2><table><tr><th></th><th>n</th><th>acc@1</th><th>hit@3</th>'
            f'<th>MRR@10</th><th>unanswered</th><th>OOS no answer</th></tr>{rows}</table></div>')


def _why(w: dict | None, label: str) -> str:
    if not w:
        return ""
    p = w["passage"]
    where = p["kind"] + (f"/{p['section']}" if p["section"] else "")
    return (f'<div><b>{esc(label)} #{w["rank"]}</b> fused {w["fused"]:.3f}, bm25 #{esc(w["bm25_rank"] or "–")}, '
            f'dense #{esc(w["dense_rank"] or "–")} · won on <code>{esc(where)}</code> '
            f'<span class="exc">“{esc(p["text"])}”</span> · matched: <code>{esc(" ".join(w["matched_terms"]) or "none")}'
            f'</code></div>')


def failure_table(failures: list[dict]) -> str:
    """A table of failed questions: expected and given entries, confidence, and why."""
    rows = []
    for i, f in enumerate(failures, 1):
        exp = "<br>".join(f'{esc(e["title"])} <span class="id">{esc(e["id"])}</span>' for e in f["expected"])
        given = (f'{esc(f["given"]["title"])} <span class="id">{esc(f["given"]["id"])}</span>' if f["given"] else "–")
        why = _why(f["given_why"], "given") + _why(f["expected_why"], "expected")
        if f["synonyms"]:
            why = f'<div><b>synonyms</b> {esc(", ".join(a + "→" + "/".join(b) for a, b in f["synonyms"]))}</div>' + why
        if f["corrections"]:
            why = f'<div><b>spelling</b> {esc(", ".join(f"{a}→{b}" for a, b in f["corrections"]))}</div>' + why
        rank = f"rank {f['expected_rank']}" if f["expected_rank"] else "not in top 10"
        rows.append(
            f'<tr><td class="n">{i}</td><td><div class="q">{esc(f["question"])}</div><div class="meta">'
            f'{esc(f["lang"])} · {esc(f["kind"] or "–")} · {esc(f["category"])} · line {f["line"]}</div></td>'
            f'<td>{exp}<div class="meta">{esc(rank)}</div></td><td>{given}</td><td class="n">{f["confidence"]:.2f} '
            f'<span class="pill {esc(f["status"])}">{esc(f["status"])}</span></td><td class="why">{why}</td></tr>')
    return ('<table><tr><th>#</th><th>question</th><th>expected</th><th>given</th><th>confidence</th>'
            f'<th>why</th></tr>{"".join(rows) or "<tr><td colspan=6>none</td></tr>"}</table>')


def confusion_list(rows: list[dict]) -> str:
    """A table of entry pairs that take each other's questions, with a bar per pair."""
    top = max([r["total"] for r in rows] + [1])
    items = "".join(
        f'<tr><td>{esc(r["a_title"])} <span class="id">{esc(r["a"])}</span></td>'
        f'<td class="flow">{r["a_to_b"]} →{"<br>← " + str(r["b_to_a"]) if r["b_to_a"] else ""}</td>'
        f'<td>{esc(r["b_title"])} <span class="id">{esc(r["b"])}</span></td>'
        f'<td style="width:160px"><svg width="150" height="14"><rect width="{150 * r["total"] / top:.1f}" height="14" '
        f'rx="3" fill="{BAD if r["a_to_b"] and r["b_to_a"] else MID}"/></svg> {r["total"]}</td></tr>'
        for r in rows)
    return ('<table><tr><th>entry A</th><th>questions</th><th>entry B</th><th>questions lost</th></tr>'
            f'{items or "<tr><td colspan=4>none</td></tr>"}</table>')


def oos_table(rows: list[dict]) -> str:
    """A table of out-of-scope questions that got an answer anyway."""
    items = "".join(f'<tr><td class="q">{esc(r["question"])}<div class="meta">{esc(r["lang"])} · line {r["line"]}'
                    f'</div></td><td>{esc(r["given"]["title"])} <span class="id">{esc(r["given"]["id"])}</span></td>'
                    f'<td class="n">{r["confidence"]:.2f} <span class="pill {esc(r["status"])}">{esc(r["status"])}'
                    f'</span></td></tr>' for r in rows)
    return ('<table><tr><th>question</th><th>answered with</th><th>confidence</th></tr>'
            f'{items or "<tr><td colspan=3>none</td></tr>"}</table>')


def compare_section(diff: dict) -> str:
    """A section listing the questions that got worse or better since the previous run."""
    def rows(items, cls):
        return "".join(f'<tr><td><span class="pill {cls}">{cls}</span></td><td class="q">{esc(d["after"]["question"])}'
                       f'<div class="meta">{esc(d["after"]["lang"])} · line {d["after"]["line"]}</div></td>'
                       f'<td><span class="id">{esc(";".join(d["after"]["expected"]) or "out of scope")}</span></td>'
                       f'<td>{esc(outcome_summary(d["before"]))}</td><td>{esc(outcome_summary(d["after"]))}</td></tr>'
                       for d in items)
    head = "<tr><th></th><th>question</th><th>expected</th><th>before</th><th>now</th></tr>"
    return (f'<div class="card section"><h2>Since the previous run: <span class="worse">{len(diff["worse"])} worse'
            f'</span>, <span class="better">{len(diff["better"])} better</span>, {diff["unchanged"]} unchanged, '
            f'{len(diff["added"])} new, {len(diff["removed"])} gone</h2>'
            f'<table>{head}{rows(diff["worse"], "worse")}{rows(diff["better"], "better")}</table></div>')


def render_html(doc: dict, diff: dict | None = None) -> str:
    """The whole report page for an eval document, with the comparison when ``diff`` is given."""
    m, cfg = doc["metrics"], doc["config"]
    oos = doc["by_category"].get(OUT_OF_SCOPE)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>isac eval · {esc(doc["file"])}</title><style>{CSS}</style></head><body><main>
<header><div><h1><span>isac</span> evaluation report</h1>
<div class="sub">{esc(doc["file"])} · {m["questions"]} questions ({m["in_scope"]} in scope, {m["out_of_scope"]} out of scope)
</div></div><div class="sub">{esc(doc["generated"])} · {"learned reranker" if cfg.get("reranker") else "fusion " + esc(cfg["fusion"])} · answer threshold
{esc(cfg["answer_threshold"])}</div></header>
{tiles(m)}
{compare_section(diff) if diff else ""}
<div class="grid two">
<div class="card"><h2>Accuracy@1 per category <span class="sub">(pale: hit@3)</span></h2>{category_bars(doc["by_category"])}
{f'<div class="sub">{oos["questions"]} out-of-scope questions: {pct(oos["oos_abstained"])} got no answer</div>' if oos else ""}</div>
<div class="card"><h2>Confidence of right and wrong answers</h2>{confidence_histogram(doc["questions"], cfg["answer_threshold"])}</div>
</div>
<div class="grid two">{group_table("By language", doc["by_lang"])}{group_table("By kind of question", doc["by_kind"])}</div>
<div class="card section"><h2>Failures: {len(doc["failures"])} questions whose top entry is wrong (most confident first)</h2>
{failure_table(doc["failures"])}</div>
<div class="grid two">
<div class="card"><h2>Confusions: entries that take each other's questions</h2>{confusion_list(doc["confusions"])}</div>
<div class="card"><h2>Out of scope but answered: {len(doc["oos_answered"])}</h2>{oos_table(doc["oos_answered"])}</div>
</div>
<div class="section">{group_table("By category", doc["by_category"])}</div>
</main></body></html>
"""
