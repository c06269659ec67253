"""The eval report's inline SVG charts: outcomes, accuracy per category, the confidence histogram.

One fact per chart, no script; each mark has a ``<title>`` so a hover or a screen reader
gives the number.
"""

from __future__ import annotations

from isac.evaluation.html_format import BAD, GOOD, INK, MID, MUTED, OOS, esc, level, pct_ca
from isac.evaluation.questions import OUT_OF_SCOPE
from isac.html_svg import nice_step, split_bar


def outcome_bar(doc: dict) -> str:
    """One fact: how the questions about the Ajuntament's procedures ended."""
    right = wrong = unanswered = clarify = 0
    for q in doc.get("questions", ()):
        if not q.get("expected"):
            continue
        if q.get("status") == "clarify":
            clarify += 1
        elif q.get("answer_id") is None:
            unanswered += 1
        elif q["answer_id"] in q["expected"]:
            right += 1
        else:
            wrong += 1
    items = (("Resposta amb la fitxa correcta", right, GOOD), ("Resposta amb una altra fitxa", wrong, BAD),
             ("Ha demanat aclariment", clarify, MID), ("Sense resposta", unanswered, OOS))
    total = sum(n for _, n, _ in items)
    if not total:
        return '<p class="empty">Cap pregunta sobre tràmits en aquest fitxer.</p>'
    return split_bar(items, height=20, aria='aria-labelledby="resultat-t"', percent=pct_ca,
                     title='<title id="resultat-t">Què ha rebut el ciutadà</title>')


def category_bars(by_category: dict[str, dict]) -> str:
    """One fact: the share of questions that get the right fitxa first, per category, worst first."""
    rows = sorted(((k, m) for k, m in by_category.items() if k != OUT_OF_SCOPE and m["accuracy@1"] is not None),
                  key=lambda km: (km[1]["accuracy@1"], km[0]))
    label_w, bar_w, row_h = 112, 200, 22
    height = 24 + row_h * len(rows)
    parts = [f'<svg class="chart bars" role="img" aria-labelledby="categories-t" aria-label="accuracy per category" '
             f'viewBox="0 0 {label_w + bar_w + 76} {height}" xmlns="http://www.w3.org/2000/svg">'
             f'<title id="categories-t">Preguntes amb la fitxa correcta, per categoria</title>']
    for t in (0, 0.5, 1):
        x = label_w + t * bar_w
        parts.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height}" stroke="#eef1f5"/>'
                     f'<text x="{x:.1f}" y="10" font-size="10" fill="{MUTED}" text-anchor="middle">{int(t * 100)} %</text>')
    for i, (name, m) in enumerate(rows):
        y = 20 + i * row_h
        acc = m["accuracy@1"]
        parts.append(
            f'<g><title>{esc(name)}: {pct_ca(acc)} de {m["in_scope"]} preguntes</title>'
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" fill="{INK}" text-anchor="end">{esc(name[:18])}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w:.1f}" height="16" rx="3" fill="#eef1f5"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{acc * bar_w:.1f}" height="16" rx="3" fill="{level(acc)}"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 14}" font-size="12" fill="{INK}">{pct_ca(acc)}'
            f'<tspan fill="{MUTED}"> · {m["in_scope"]}</tspan></text></g>')
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
    tick = nice_step(tallest / 5)
    ticks = -(-tallest // tick)
    top = tick * ticks
    left, width, height, base = 40, 520, 220, 240
    step = width / bins
    parts = [f'<svg class="chart" role="img" aria-label="confidence histogram" '
             f'viewBox="0 0 {left + width + 20} {base + 36}" xmlns="http://www.w3.org/2000/svg">']
    for t in range(ticks + 1):
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
    wrong_above = sum(bool(q["expected"]) and not q["ok"] and q["answer_id"] is not None for q in questions)
    oos_above = sum(not q["expected"] and q["answer_id"] is not None for q in questions)
    right_below = sum(bool(q["expected"]) and q["ok"] and q["answer_id"] is None for q in questions)
    notes = (f'<ul class="notes"><li><b>{wrong_above}</b> wrong entries given to citizens (above the threshold)</li>'
             f'<li><b>{oos_above}</b> out-of-scope questions above it (answered anyway)</li>'
             f'<li><b>{right_below}</b> right entries held back below it (citizen sent to 010)</li></ul>')
    return "".join(parts) + f'<div class="legend">{legend}</div>' + notes
