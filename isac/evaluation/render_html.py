"""`isac eval --html`: the content editor's worklist, one self-contained page (inline CSS and SVG,
no scripts, no links, no external assets) that fits a phone.

Catalan and plain words first: how many test questions get the right fitxa, then the work
to do, grouped by the YAML file to edit, each question with what happened and a suggested
action; the fitxes that take each other's questions; other administrations' questions
answered anyway; one chart per fact. The engineers' view (MRR, hit@k, scores, ranks, the
confidence histogram, tables by language and kind) sits collapsed in a technical section.

Everything printed comes from the eval document (`document.build_document`) and goes
through `esc`, since questions are citizens' free text.
"""

from __future__ import annotations

from html import escape

from isac.evaluation.questions import OUT_OF_SCOPE

GOOD, MID, BAD, OOS, INK, MUTED, BLUE = "#1f9d6b", "#e0a526", "#d64545", "#8a94a6", "#1c2430", "#667085", "#0b6e99"
KNOWLEDGE = "knowledge"

CSS = """
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2430;background:#f4f6f9}
main{max-width:1100px;margin:0 auto;padding:16px 12px 48px}
header{display:flex;justify-content:space-between;align-items:flex-end;flex-wrap:wrap;gap:6px 16px;margin-bottom:14px}
h1{font-size:22px;margin:0}h1 span{color:#0b6e99}h2{font-size:18px;margin:0 0 6px}h3{font-size:15px;margin:0 0 6px}
p{margin:6px 0}.sub,.meta{color:#667085;font-size:13px}.lead{color:#344054;margin:0 0 12px}
.grid{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(min(100%,330px),1fr));margin-bottom:12px;
align-items:start}
.tiles{grid-template-columns:repeat(auto-fit,minmax(min(100%,160px),1fr))}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(16,24,40,.08);padding:14px 16px;min-width:0}
.section{margin-bottom:14px}.tile .v{font-size:26px;font-weight:650}.tile .l{color:#667085;font-size:13px}
.tile .bar{height:5px;border-radius:3px;background:#eef1f5;margin-top:6px;overflow:hidden}.tile .bar i{display:block;height:100%}
code,.id{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:#0b6e99;overflow-wrap:anywhere}
.file{font-weight:600}.q{font-weight:550;overflow-wrap:anywhere}
ol.work{margin:6px 0 0;padding-left:22px}ol.work>li{margin:0 0 12px}
.todo{border-left:4px solid #0b6e99;background:#f0f7fb;padding:6px 10px;border-radius:6px;margin:4px 0;font-size:14px}
.happened{font-size:14px;color:#344054}.count{display:inline-block;min-width:26px;text-align:center;border-radius:10px;
padding:0 8px;font-size:12px;font-weight:650;color:#fff;background:#d64545}
.pill{display:inline-block;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:600;color:#fff}
.answer,.worse.pill{background:#d64545}.better.pill{background:#1f9d6b}.clarify{background:#e0a526}.none{background:#8a94a6}
.better{color:#1f9d6b}.worse{color:#d64545}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;color:#344054;margin-top:6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
svg{display:block;width:100%;height:auto}svg text{font-family:inherit}svg.share{height:22px}svg.bars{max-width:620px}
.wide{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:#667085;font-size:12px;border-bottom:1px solid #e4e7ec;padding:6px 8px}
td{border-bottom:1px solid #f0f2f5;padding:6px 8px;vertical-align:top;overflow-wrap:anywhere}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.why{font-size:12px;color:#344054}.exc{color:#667085;font-style:italic}.notes{margin:10px 0 0;padding-left:18px;font-size:13px}
details.tech{background:#fff;border-radius:12px;padding:12px 16px;box-shadow:0 1px 3px rgba(16,24,40,.08)}
details summary{cursor:pointer;color:#0b6e99;font-weight:600}details .card{box-shadow:none;border:1px solid #eef1f5}
.empty{color:#667085;font-style:italic}
"""


def esc(value) -> str:
    """A value as HTML-escaped text, quotes included; None becomes empty."""
    return escape("" if value is None else str(value), quote=True)


def pct(v) -> str:
    """A fraction as a percentage with one decimal, or a dash for None."""
    return "–" if v is None else f"{v * 100:.1f}%"


def pct_ca(v) -> str:
    """A fraction as a whole percentage the Catalan way, or a dash."""
    if v is None:
        return "–"
    return "<1 %" if 0 < v < 0.005 else f"{v * 100:.0f} %"


def num(v, decimals: int = 2) -> str:
    """A number with a decimal comma."""
    return f"{v:.{decimals}f}".replace(".", ",")


def level(v) -> str:
    """The colour for a score: good from 0.85, middling from 0.7, else bad; muted for None."""
    return MUTED if v is None else GOOD if v >= 0.85 else MID if v >= 0.7 else BAD


def wide(html: str) -> str:
    """A table that scrolls inside its card on a phone instead of widening the page."""
    return f'<div class="wide">{html}</div>'


# -- files and actions --------------------------------------------------------------------
def categories(doc: dict) -> dict[str, str]:
    """Entry id → category, from what the document knows (the expected entry of each question)."""
    out: dict[str, str] = {}
    for q in doc.get("questions", ()):
        if q.get("expected") and q.get("category") and q["category"] not in (OUT_OF_SCOPE, "-"):
            out.setdefault(q["expected"][0], q["category"])
    for f in doc.get("failures", ()):
        if f.get("expected") and f.get("category") not in (None, OUT_OF_SCOPE, "-"):
            out.setdefault(f["expected"][0]["id"], f["category"])
    return out


def file_of(entry_id: str | None, cats: dict[str, str]) -> str:
    """The YAML file to edit: knowledge/<category>/<id>.yaml (just <id>.yaml when the category is unknown)."""
    if not entry_id:
        return ""
    cat = cats.get(entry_id)
    return f"{KNOWLEDGE}/{cat}/{entry_id}.yaml" if cat else f"{entry_id}.yaml"


def _name(title, entry_id, cats) -> str:
    return f'«{esc(title)}» (<code>{esc(file_of(entry_id, cats))}</code>)'


def what_happened(f: dict, cats: dict[str, str]) -> str:
    """What the citizen got, in plain words (HTML)."""
    given = f.get("given")
    status = f.get("status")
    if f.get("routed_out"):
        return f"isac l'ha enviat a una altra administració (tema «{esc(f['routed_out'])}» de fora de l'Ajuntament)."
    if status == "answer" and given:
        return f"isac ha respost amb una altra fitxa: {_name(given['title'], given['id'], cats)}."
    if status == "clarify":
        extra = f", sobretot {_name(given['title'], given['id'], cats)}" if given else ""
        return f"isac ha dubtat i ha demanat al ciutadà que triés entre diverses fitxes{extra}."
    rank = f.get("expected_rank")
    where = (f"la fitxa correcta era la {rank}a de la llista" if rank
             else "la fitxa correcta no era ni entre les 10 primeres")
    return f"isac no ha respost (confiança {num(f.get('confidence') or 0)}); {where}."


def suggested_action(f: dict, cats: dict[str, str]) -> str:
    """What the editor can do about one failed question (HTML)."""
    expected = f["expected"][0] if f.get("expected") else {"id": "", "title": ""}
    target = f"<code>{esc(file_of(expected['id'], cats))}</code>"
    given = f.get("given")
    if f.get("routed_out"):
        text = (f"Si és un tràmit de l'Ajuntament, reviseu el tema «{esc(f['routed_out'])}» de "
                f"<code>{KNOWLEDGE}/out-of-scope.yaml</code> (els seus exemples s'hi assemblen massa) i afegiu "
                f"aquesta manera de preguntar a {target}.")
    elif f.get("status") in ("answer", "clarify") and given and given["id"] != expected["id"]:
        text = (f"Afegiu aquesta manera de preguntar a «questions» o «situations» de {target}. Si "
                f"<code>{esc(file_of(given['id'], cats))}</code> té una frase gairebé igual, feu-la més concreta.")
    elif f.get("expected_rank"):
        text = (f"isac ja troba la fitxa però no prou segur: afegiu aquesta manera de preguntar (o una de "
                f"semblant) a «questions» o «situations» de {target}.")
    else:
        text = (f"isac no relaciona aquesta pregunta amb la fitxa: afegiu-la a «questions» o «situations» de "
                f"{target} i les paraules que hi falten a «keywords».")
    if f.get("corrections"):
        pairs = ", ".join(f"«{a}» → «{b}»" for a, b in f["corrections"])
        text += (f" isac ha corregit l'ortografia ({esc(pairs)}): si la paraula original és habitual, afegiu-la a "
                 f"<code>{KNOWLEDGE}/synonyms.yaml</code>.")
    return text


def held_back(doc: dict) -> list[dict]:
    """In-scope questions whose right fitxa came first but got no answer: confidence under the threshold."""
    out = []
    for q in doc.get("questions", ()):
        if q.get("expected") and q.get("rank") == 1 and q.get("answer_id") is None:
            out.append({"question": q["question"], "lang": q["lang"], "line": q["line"], "category": q["category"],
                        "expected": [{"id": q["expected"][0], "title": q["expected"][0]}], "given": None,
                        "status": q["status"], "confidence": q["confidence"], "expected_rank": 1,
                        "routed_out": None, "corrections": []})
    return out


# -- charts -----------------------------------------------------------------------------
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
    parts = ['<svg class="share" role="img" aria-labelledby="resultat-t" viewBox="0 0 300 20" preserveAspectRatio="none" '
             'xmlns="http://www.w3.org/2000/svg"><title id="resultat-t">Què ha rebut el ciutadà</title>']
    x = 0.0
    for name, n, colour in items:
        w = 300 * n / total
        if w:
            parts.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="20" fill="{colour}"><title>{name}: {n}</title></rect>')
        x += w
    legend = "".join(f'<span><i style="background:{c}"></i>{esc(name)}: <b>{n}</b> ({pct_ca(n / total)})</span>'
                     for name, n, c in items)
    return "".join(parts) + f'</svg><div class="legend">{legend}</div>'


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
    tick = _nice_step(tallest / 5)
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


def _nice_step(raw: float) -> int:
    """The smallest 1/2/5×10^n step at least `raw`, so the axis reads 0, 50, 100…"""
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if m * magnitude >= raw:
                return m * magnitude
        magnitude *= 10


# -- the editor's sections -----------------------------------------------------------------
def summary_tiles(doc: dict, todo_files: int) -> str:
    """The headline in plain words."""
    m = doc["metrics"]
    right = round((m["accuracy@1"] or 0) * m["in_scope"])
    items = (("La fitxa correcta surt la primera", pct_ca(m["accuracy@1"]), f"{right} de {m['in_scope']} preguntes sobre tràmits",
              m["accuracy@1"], level(m["accuracy@1"])),
             ("Es queden sense resposta", pct_ca(m["in_scope_unanswered"]), "tot i que la fitxa existeix",
              m["in_scope_unanswered"], BLUE),
             ("Temes d'altres administracions no contestats", pct_ca(m["oos_abstained"]),
              f"de {m['out_of_scope']} preguntes (és el que cal)", m["oos_abstained"], level(m["oos_abstained"])),
             ("Fitxes per revisar", str(todo_files), "a la llista de feina de sota", None, BLUE))
    out = []
    for label, value, hint, bar, colour in items:
        meter = (f'<div class="bar"><i style="width:{bar * 100:.1f}%;background:{colour}"></i></div>'
                 if bar is not None else "")
        out.append(f'<div class="card tile"><div class="l">{esc(label)}</div><div class="v">{esc(value)}</div>'
                   f'<div class="meta">{esc(hint)}</div>{meter}</div>')
    return '<div class="grid tiles">' + "".join(out) + "</div>"


def worklist(items: list[dict], titles: dict[str, str], cats: dict[str, str]) -> tuple[str, int]:
    """Questions to fix grouped by the YAML file to edit, the busiest file first; and how many files."""
    by_file: dict[str, list[dict]] = {}
    for f in items:
        expected = f["expected"][0]["id"] if f.get("expected") else ""
        by_file.setdefault(expected, []).append(f)
    order = sorted(by_file.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    cards = []
    for entry_id, fs in order:
        title = titles.get(entry_id) or fs[0]["expected"][0]["title"]
        rows = "".join(
            f'<li><div class="q">«{esc(f["question"])}»</div>'
            f'<div class="meta">{esc(f["lang"])} · línia {esc(f["line"])} del fitxer de proves</div>'
            f'<div class="happened"><b>Què ha passat:</b> {what_happened(f, cats)}</div>'
            f'<div class="todo"><b>Què cal fer:</b> {suggested_action(f, cats)}</div></li>' for f in fs)
        cards.append(f'<article class="card section"><h3><span class="count">{len(fs)}</span> {esc(title)}</h3>'
                     f'<div class="file"><code>{esc(file_of(entry_id, cats))}</code></div>'
                     f'<ol class="work">{rows}</ol></article>')
    html = "".join(cards) or '<p class="empty">Res per fer: totes les preguntes reben la fitxa correcta.</p>'
    return html, len(order)


def _questions(n: int) -> str:
    return f"{n} pregunta" if n == 1 else f"{n} preguntes"


def confusion_groups(doc: dict, cats: dict[str, str]) -> str:
    """Pairs of fitxes that take each other's questions, counted, with the questions and what to do."""
    if not doc["confusions"]:
        return '<p class="empty">Cap parella de fitxes es confon.</p>'
    cards = []
    for r in doc["confusions"]:
        pair = {r["a"], r["b"]}
        qs = [f for f in doc["failures"] if f.get("given") and {f["expected"][0]["id"], f["given"]["id"]} == pair]
        items = "".join(f'<li>«{esc(f["question"])}» <span class="meta">era de {esc(f["expected"][0]["title"])}, ha anat a '
                        f'{esc(f["given"]["title"])}</span></li>' for f in qs)
        flow = _questions(r["a_to_b"]) + " de la primera " + ("ha" if r["a_to_b"] == 1 else "han") + " anat a la segona"
        if r["b_to_a"]:
            flow += f", i {_questions(r['b_to_a'])} al revés"
        cards.append(
            f'<article class="card section"><h3><span class="count">{r["total"]}</span> «{esc(r["a_title"])}» i '
            f'«{esc(r["b_title"])}»</h3><div class="meta"><code>{esc(file_of(r["a"], cats))}</code> · '
            f'<code>{esc(file_of(r["b"], cats))}</code></div><p class="happened">{esc(flow)}.</p><ul>{items}</ul>'
            f'<div class="todo"><b>Què cal fer:</b> feu que les preguntes i les paraules clau de cada fitxa siguin més '
            f'diferents: traieu de l\'una les frases que descriuen l\'altra i afegiu a cadascuna les paraules que '
            f'només són seves.</div></article>')
    return "".join(cards)


def oos_section(doc: dict, cats: dict[str, str]) -> str:
    """Questions for another administration (or none) that got an answer anyway."""
    rows = doc["oos_answered"]
    if not rows:
        return '<p class="empty">Cap: isac no ha respost cap pregunta que no fos de l\'Ajuntament.</p>'
    items = "".join(f'<li><div class="q">«{esc(r["question"])}»</div><div class="meta">{esc(r["lang"])} · línia '
                    f'{esc(r["line"])}</div><div class="happened">Ha respost amb {_name(r["given"]["title"], r["given"]["id"], cats)}'
                    f' (confiança {num(r["confidence"])}).</div></li>' for r in rows)
    return (f'<ol class="work">{items}</ol><div class="todo"><b>Què cal fer:</b> si el tema és d\'una altra '
            f'administració, afegiu-ne exemples a <code>{KNOWLEDGE}/out-of-scope.yaml</code> amb on ha d\'anar el '
            f'ciutadà; si és de l\'Ajuntament, potser falta una fitxa.</div>')


def _result_ca(o: dict) -> str:
    if not o["expected"]:
        return f"ha respost {o['answer_id']}" if o["answer_id"] else "sense resposta (correcte)"
    if o["rank"] == 1:
        return "correcta" if o.get("answer_id") else "fitxa correcta, sense resposta"
    top = o["ranked"][0] if o["ranked"] else "cap"
    return f"{top} primer; la correcta " + (f"la {o['rank']}a" if o["rank"] else "fora de les 10 primeres")


def compare_section(diff: dict) -> str:
    """What got worse or better since the previous run, in plain words."""
    def rows(items, cls, word):
        return "".join(f'<li><span class="pill {cls}">{word}</span> <span class="q">«{esc(d["after"]["question"])}»</span>'
                       f'<div class="meta">abans: {esc(_result_ca(d["before"]))} · ara: {esc(_result_ca(d["after"]))}'
                       f' · línia {esc(d["after"]["line"])}</div></li>' for d in items)
    return (f'<section class="card section"><h2>Des de la prova anterior: <span class="worse">{len(diff["worse"])} '
            f'pitjor</span>, <span class="better">{len(diff["better"])} millor</span></h2>'
            f'<p class="meta">{diff["unchanged"]} igual, {len(diff["added"])} preguntes noves, {len(diff["removed"])} '
            f'retirades.</p><ul>{rows(diff["worse"], "worse", "pitjor")}{rows(diff["better"], "better", "millor")}'
            f'</ul></section>')


# -- the technical section ------------------------------------------------------------------
def tech_tiles(m: dict) -> str:
    """The headline metrics, with their names."""
    items = (("accuracy@1", m["accuracy@1"]), ("hit@3", m["hit@3"]), ("MRR@10", m["mrr@10"]),
             ("out of scope, no answer", m["oos_abstained"]), ("in scope, no answer", m["in_scope_unanswered"]),
             ("asked to clarify", m["clarifications"]))
    return '<div class="grid tiles">' + "".join(
        f'<div class="card tile"><div class="l">{esc(k)}</div><div class="v">{pct(v)}</div></div>' for k, v in items) + "</div>"


def group_table(title: str, groups: dict[str, dict]) -> str:
    """A card with a metrics table, one row per group."""
    rows = "".join(
        f'<tr><td>{esc(k)}</td><td class="n">{m["questions"]}</td><td class="n" style="color:{level(m["accuracy@1"])}">'
        f'{pct(m["accuracy@1"])}</td><td class="n">{pct(m["hit@3"])}</td><td class="n">{pct(m["mrr@10"])}</td>'
        f'<td class="n">{pct(m["in_scope_unanswered"])}</td><td class="n">{pct(m["oos_abstained"])}</td></tr>'
        for k, m in groups.items())
    return (f'<div class="card"><h3>{esc(title)}</h3>' + wide(
        f'<table><tr><th></th><th>n</th><th>acc@1</th><th>hit@3</th><th>MRR@10</th><th>unanswered</th>'
        f'<th>OOS no answer</th></tr>{rows}</table>') + '</div>')


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
    """Failed questions with scores, ranks and the passages that won."""
    rows = []
    for i, f in enumerate(failures, 1):
        exp = "<br>".join(f'<span class="id">{esc(e["id"])}</span>' for e in f["expected"])
        given = f'<span class="id">{esc(f["given"]["id"])}</span>' if f["given"] else "–"
        why = _why(f["given_why"], "given") + _why(f["expected_why"], "expected")
        if f["synonyms"]:
            why = f'<div><b>synonyms</b> {esc(", ".join(a + "→" + "/".join(b) for a, b in f["synonyms"]))}</div>' + why
        if f["corrections"]:
            why = f'<div><b>spelling</b> {esc(", ".join(f"{a}→{b}" for a, b in f["corrections"]))}</div>' + why
        rank = f"rank {f['expected_rank']}" if f["expected_rank"] else "not in top 10"
        rows.append(
            f'<tr><td class="n">{i}</td><td>{esc(f["question"])}<div class="meta">{esc(f["kind"] or "–")} · line '
            f'{f["line"]}</div></td><td>{exp}<div class="meta">{esc(rank)}</div></td><td>{given}</td>'
            f'<td class="n">{f["confidence"]:.2f} <span class="pill {esc(f["status"])}">{esc(f["status"])}</span></td>'
            f'<td class="why">{why}</td></tr>')
    return wide('<table><tr><th>#</th><th>question</th><th>expected</th><th>given</th><th>confidence</th>'
                f'<th>why</th></tr>{"".join(rows) or "<tr><td colspan=6>none</td></tr>"}</table>')


def confusion_table(rows: list[dict]) -> str:
    """Entry pairs by id with the count each way."""
    items = "".join(f'<tr><td class="id">{esc(r["a"])}</td><td class="n">{r["a_to_b"]} → / ← {r["b_to_a"]}</td>'
                    f'<td class="id">{esc(r["b"])}</td><td class="n">{r["total"]}</td></tr>' for r in rows)
    return wide('<table><tr><th>entry A</th><th>A→B / B→A</th><th>entry B</th><th>total</th></tr>'
                f'{items or "<tr><td colspan=4>none</td></tr>"}</table>')


def technical(doc: dict) -> str:
    """The engineers' view, collapsed: metrics by name, histogram, breakdowns, failures with scores."""
    m, cfg = doc["metrics"], doc["config"]
    engine = "learned reranker" if cfg.get("reranker") else "fusion " + str(cfg["fusion"])
    groups = [group_table("By language", doc["by_lang"]), group_table("By kind of question", doc["by_kind"])]
    if doc.get("by_style"):
        groups.append(group_table("By style", doc["by_style"]))
    return (f'<details class="tech section"><summary>Detalls tècnics (per a l\'equip tècnic: MRR, hit@k, '
            f'puntuacions)</summary><p class="meta">{esc(engine)} · answer threshold {esc(cfg["answer_threshold"])} · '
            f'clarify margin {esc(cfg.get("clarify_margin"))} · {m["questions"]} questions '
            f'({m["in_scope"]} in scope, {m["out_of_scope"]} out of scope) · mean {m["latency_ms_mean"]:.1f} ms/question '
            f'(batched)</p>{tech_tiles(m)}'
            f'<div class="card section"><h3>Confidence of right and wrong answers</h3>'
            f'{confidence_histogram(doc["questions"], cfg["answer_threshold"])}</div>'
            f'<div class="grid">{"".join(groups)}</div>'
            f'<div class="section">{group_table("By category", doc["by_category"])}</div>'
            f'<div class="card section"><h3>Failures: {len(doc["failures"])} questions whose top entry is wrong '
            f'(most confident first)</h3>{failure_table(doc["failures"])}</div>'
            f'<div class="card section"><h3>Confusions: entries that take each other\'s questions</h3>'
            f'{confusion_table(doc["confusions"])}</div></details>')


def render_html(doc: dict, diff: dict | None = None) -> str:
    """The whole report page for an eval document, with the comparison when ``diff`` is given."""
    m = doc["metrics"]
    cats = categories(doc)
    titles = {e["id"]: e["title"] for f in doc["failures"] for e in f["expected"]}
    titles.update({f["given"]["id"]: f["given"]["title"] for f in doc["failures"] if f.get("given")})
    for r in doc["confusions"]:
        titles.setdefault(r["a"], r["a_title"])
        titles.setdefault(r["b"], r["b_title"])
    held = held_back(doc)
    for h in held:
        h["expected"][0]["title"] = titles.get(h["expected"][0]["id"], h["expected"][0]["id"])
    work, files = worklist(doc["failures"] + held, titles, cats)
    oos = doc["by_category"].get(OUT_OF_SCOPE)
    oos_note = (f'<p class="meta">{oos["questions"]} preguntes d\'altres temes: {pct_ca(oos["oos_abstained"])} sense '
                f'resposta, com cal.</p>' if oos else "")
    return f"""<!doctype html>
<html lang="ca"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>isac · informe de proves · {esc(doc["file"])}</title><style>{CSS}</style></head><body><main>
<header><div><h1><span>isac</span> · informe de proves</h1>
<div class="sub">{esc(doc["file"])} · {m["questions"]} preguntes de prova ({m["in_scope"]} sobre tràmits de l'Ajuntament,
{m["out_of_scope"]} d'altres temes)</div></div><div class="sub">{esc(doc["generated"])}</div></header>
<p class="lead">Per a cada pregunta de prova, isac hauria de donar la fitxa correcta, o no respondre si el tema no és de
l'Ajuntament. A sota, la feina per fer: quin fitxer editar i què hi cal.</p>
{summary_tiles(doc, files)}
{compare_section(diff) if diff else ""}
<div class="grid">
<section class="card"><h2>Què ha rebut el ciutadà</h2>{outcome_bar(doc)}
<p class="meta">Preguntes sobre tràmits. «Sense resposta»: la fitxa era a la llista però isac no n'estava prou segur i
ha enviat el ciutadà al 010.</p></section>
<section class="card"><h2 id="cat-h">Fitxa correcta, per categoria</h2>{category_bars(doc["by_category"])}
<p class="meta">La xifra petita és el nombre de preguntes de cada categoria.</p>{oos_note}</section>
</div>
<section class="section"><h2>Feina per fer: fitxes a revisar</h2>
<p class="lead">Cada pregunta diu què ha passat i què cal fer. Editeu el fitxer indicat, després <code>isac validate</code>,
<code>isac build</code> i torneu a passar les proves.</p>{work}</section>
<section class="section"><h2>Fitxes que es confonen</h2>{confusion_groups(doc, cats)}</section>
<section class="card section"><h2>Temes d'altres administracions que isac ha respost igualment</h2>{oos_section(doc, cats)}</section>
{technical(doc)}
</main></body></html>
"""
