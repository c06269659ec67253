"""`isac eval --html`: the content editor's worklist, one self-contained page (inline CSS and SVG,
no scripts, no links, no external assets) that fits a phone.

Catalan and plain words first: how many test questions get the right fitxa, then the work
to do, grouped by the YAML file to edit, each question with what happened and a suggested
action; the fitxes that take each other's questions; other administrations' questions
answered anyway; one chart per fact. The engineers' view (MRR, hit@k, scores, ranks, the
confidence histogram, tables by language and kind) sits collapsed in a technical section.

Everything printed comes from the eval document (`document.build_document`) and goes
through `esc`, since questions are citizens' free text. This module assembles the page; the
sections live in `html_worklist` (the editor's work) and `html_technical`, the charts in
`html_charts`.
"""

from __future__ import annotations

from isac.evaluation.html_charts import category_bars, outcome_bar
from isac.evaluation.html_format import BLUE, esc, level, pct_ca
from isac.evaluation.html_technical import technical
from isac.evaluation.html_worklist import categories, confusion_groups, held_back, oos_section, worklist
from isac.evaluation.questions import OUT_OF_SCOPE

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
