"""The /admin page for the content team, in Catalan: one self-contained HTML document.

Inline CSS and SVG only: no script, no font, no CDN, nothing fetched. It fits a phone
(one column under ~700 px, wide tables scroll inside their card). Every value from the
logs is citizens' free text and goes through ``esc``.
"""

from __future__ import annotations

from urllib.parse import quote

from isac.analyzer.dashboard_charts import AMBER, GREEN, GREY, NO_DATA, RED, hbars, pct, share_bar, volume_chart
from isac.analyzer.gap_exports import cluster_yaml
from isac.html_svg import esc

OUTCOME_NAMES = (("answer", "Resposta donada", GREEN), ("clarify", "Ha demanat aclariment", AMBER),
                 ("fallback", "Sense resposta (derivada al 010)", RED))
LANG_NAMES = {"ca": "Català", "es": "Castellà", "en": "Anglès", "?": "No detectat"}
SOURCE_NAMES = {"unanswered": "sense resposta", "low_confidence": "resposta dubtosa",
                "not_useful": "«no m'ha servit»"}
TREND = {"new": ("nou", RED), "up": ("↑ puja", RED), "down": ("↓ baixa", GREEN), "flat": ("= igual", GREY)}
PERIODS = (7, 30, 90)
MAX_CARDS = 30  # the biggest themes; the rest are in the CSV and YAML downloads
NO_GAPS = "No s'han pogut calcular els temes."

CSS = """
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2430;background:#f4f6f9}
main{max-width:1120px;margin:0 auto;padding:16px 12px 48px}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:8px 16px;margin-bottom:14px}
h1{font-size:21px;margin:0}h1 span{color:#0b6e99}h2{font-size:17px;margin:0 0 10px}h3{font-size:15px;margin:0 0 8px}
p{margin:6px 0}.sub,.meta{color:#667085;font-size:13px}
nav a,nav button{display:inline-block;margin:2px 4px 2px 0;padding:5px 10px;border-radius:16px;border:1px solid #d0d5dd;
background:#fff;color:#1c2430;text-decoration:none;font:inherit;font-size:13px;cursor:pointer}
nav a[aria-current]{background:#0b6e99;border-color:#0b6e99;color:#fff}nav form{display:inline}
.grid{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(min(100%,330px),1fr));margin-bottom:12px}
.tiles{grid-template-columns:repeat(auto-fit,minmax(min(100%,150px),1fr))}
.card{background:#fff;border-radius:12px;padding:14px 16px;box-shadow:0 1px 3px rgba(16,24,40,.08);min-width:0}
.tile .v{font-size:26px;font-weight:650}.tile .l{color:#667085;font-size:13px}
.section{margin-bottom:12px}.wide{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
th{text-align:left;font-weight:600;color:#667085;font-size:12px;border-bottom:1px solid #e4e7ec;padding:5px 6px}
td{border-bottom:1px solid #f0f2f5;padding:6px;vertical-align:top;overflow-wrap:anywhere}td.n{text-align:right;white-space:nowrap}
.bar{height:6px;border-radius:3px;background:#0b6e99;margin-top:3px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:#0b6e99;overflow-wrap:anywhere}
svg{display:block;width:100%;height:auto}svg text{font-family:inherit}svg.share{height:22px}
svg.hbars{max-width:460px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;color:#344054;margin-top:6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.gap ul{margin:6px 0;padding-left:20px}.gap li{margin:2px 0}
.todo{border-left:4px solid #0b6e99;background:#f0f7fb;padding:8px 10px;border-radius:6px;margin:8px 0}
.todo.new{border-color:#d64545;background:#fdf2f2}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f8fafc;border:1px solid #e4e7ec;border-radius:6px;
padding:8px;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;margin:6px 0}
details summary{cursor:pointer;color:#0b6e99;font-size:14px}
.note{color:#344054;font-size:13px}.empty{color:#667085;font-style:italic}
form.login{max-width:360px;margin:12vh auto;background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(16,24,40,.1)}
form.login input{width:100%;font:inherit;padding:8px;border:1px solid #d0d5dd;border-radius:8px;margin:6px 0 12px}
form.login button{font:inherit;padding:8px 16px;border:0;border-radius:8px;background:#0b6e99;color:#fff;cursor:pointer}
.error{color:#d64545}
"""

# no script anywhere; styles inline; forms post to this site only
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def num(value, decimals: int = 2) -> str:
    """A number the Catalan way (decimal comma), or a dash."""
    return "–" if value is None else f"{value:.{decimals}f}".replace(".", ",")


def _page(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="ca"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">'
            f'<title>{esc(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>\n')


# -- sections -----------------------------------------------------------------------------------
def tiles(s: dict) -> str:
    """The period's headline numbers."""
    o, f = s["outcomes"], s["feedback"]
    items = (("Consultes", f'{s["totals"]["queries"]}'),
             ("Respostes donades", pct(o["rates"]["answer"])),
             ("Ha demanat aclariment", pct(o["rates"]["clarify"])),
             ("Sense resposta", pct(o["rates"]["fallback"])),
             ("Confiança mediana", num(s["confidence"]["median"])),
             ("Valoracions «útil»", pct(f["useful_rate"])))
    return '<div class="grid tiles">' + "".join(
        f'<div class="card tile"><div class="l">{esc(label)}</div><div class="v">{esc(v)}</div></div>'
        for label, v in items) + "</div>"


def _count_rows(rows: list[tuple[str, int]], head: str) -> str:
    if not rows:
        return NO_DATA
    top = max(n for _, n in rows) or 1
    body = "".join(f'<tr><td>{cell}<div class="bar" style="width:{100 * n / top:.0f}%"></div></td>'
                   f'<td class="n">{n}</td></tr>' for cell, n in rows)
    return f'<table><tr><th>{esc(head)}</th><th class="n">vegades</th></tr>{body}</table>'


def top_questions(s: dict) -> str:
    """The most asked questions."""
    return _count_rows([(esc(q["question"]), q["count"]) for q in s["top_questions"]], "pregunta")


def top_entries(s: dict) -> str:
    """The entries citizens were shown most, with their files."""
    return _count_rows([(f'{esc(e.get("title"))}<div class="meta"><code>{esc(e.get("file") or e.get("id"))}</code></div>',
                         e["count"]) for e in s["top_entries"]], "fitxa")


def feedback_section(s: dict) -> str:
    """Citizens' verdicts: a split bar, the entries with most "not useful", and the comments."""
    f = s["feedback"]
    chart = share_bar([("M'ha servit", f["useful"], GREEN), ("No m'ha servit", f["not_useful"], RED)],
                      "Valoracions dels ciutadans")
    worst = [e for e in f["by_entry"] if e["not_useful"]]
    table = ""
    if worst:
        rows = "".join(f'<tr><td>{esc(e.get("title"))}<div class="meta"><code>{esc(e.get("file") or e.get("id"))}'
                       f'</code></div></td><td class="n">{e["not_useful"]}</td><td class="n">{e["useful"]}</td></tr>'
                       for e in worst)
        table = ('<h3 style="margin-top:12px">Fitxes amb més «no m\'ha servit»</h3><div class="wide"><table><tr>'
                 f'<th>fitxa</th><th class="n">no</th><th class="n">sí</th></tr>{rows}</table></div>')
    notes = "".join(
        f'<li><span class="pill" style="background:{GREEN if c["useful"] else RED}">{"útil" if c["useful"] else "no útil"}'
        f'</span> «{esc(c["comment"])}»<div class="meta">{esc(c["at"])}'
        f'{" · " + esc((c["entry"] or {}).get("title")) if c["entry"] else ""}'
        f'{" · pregunta: " + esc(c["question"]) if c["question"] else ""}</div></li>' for c in f["comments"])
    comments = (f'<h3 style="margin-top:12px">Comentaris</h3><ul>{notes}</ul>' if notes
                else '<p class="empty">Cap comentari en aquest període.</p>')
    return chart + table + comments


def gap_card(c: dict, threshold: float) -> str:
    """One theme: size, trend, examples, nearest entry and what to do."""
    t = c["trend"]
    word, colour = TREND[t["change"]]
    near = c["nearest_entry"]
    a = c["action"]
    sources = ", ".join(f"{SOURCE_NAMES.get(k, k)} {v}" for k, v in c["sources"].items())
    near_label = "Fitxa més propera" if a["kind"] == "extend" else "La fitxa més semblant, però massa lluny"
    near_html = (f'<p>{near_label}: <b>{esc(near["title"])}</b> <code>{esc(near["file"] or near["id"])}</code> · '
                 f'semblança {num(near["similarity"], 3)} <span class="meta">(cal {num(threshold, 3)} per ampliar-la)</span></p>'
                 if near else "")
    offered = c.get("offered_entry")
    offered_html = (f'<p class="meta">isac hi va oferir sobretot: {esc(offered["title"])}</p>'
                    if offered and (not near or offered["id"] != near["id"]) else "")
    examples = "".join(f"<li>«{esc(x)}»</li>" for x in c["examples"])
    comments = "".join(f"<li>«{esc(x)}»</li>" for x in c.get("comments", ()))
    return (f'<article class="card gap section"><h3>Tema {c["id"]} · {c["size"]} preguntes '
            f'<span class="pill" style="background:{colour}">{esc(word)}</span></h3>'
            f'<p class="meta">Aquesta setmana {t["this_week"]}, la setmana anterior {t["previous_week"]} · '
            f'{c["distinct"]} formulacions diferents · {esc(sources)}</p>'
            f'<ul>{examples}</ul>'
            f'{"<p class=meta>Comentaris:</p><ul>" + comments + "</ul>" if comments else ""}'
            f'{near_html}{offered_html}'
            f'<div class="todo{" new" if a["kind"] == "new" else ""}"><b>Què cal fer:</b> {esc(a["text_ca"])}</div>'
            f'<details><summary>Fragment YAML per copiar i enganxar</summary><pre>{esc(cluster_yaml(c))}</pre>'
            f'<p class="meta">Reviseu cada frase abans d\'enganxar-la; després, <code>isac validate</code> i '
            f'<code>isac build</code>.</p></details></article>')


def gaps_section(gaps: dict | None, error: str | None, days: int) -> str:
    """The themes without a good answer, with download links."""
    q = f"?days={days}"
    links = (f'<nav class="sub">Descarrega: <a href="/api/admin/gaps.csv{q}">full de càlcul (CSV)</a>'
             f'<a href="/api/admin/gaps.yaml{q}">fragments YAML</a><a href="/api/admin/gaps{q}">JSON</a></nav>')
    if gaps is None:
        return f'<p class="empty">{esc(error or NO_GAPS)}</p>'
    cons, noise = gaps["considered"], gaps["noise"]
    intro = (f'<p class="note">{cons["rows"]} preguntes sense una bona resposta ({cons["by_source"]["unanswered"]} sense '
             f'resposta, {cons["by_source"]["low_confidence"]} amb resposta dubtosa, {cons["by_source"]["not_useful"]} '
             f'marcades «no m\'ha servit»), agrupades en {len(gaps["clusters"])} temes. {noise["rows"]} preguntes '
             f'soltes no formen cap tema.'
             + (f' {cons["routed_elsewhere"]} eren d\'altres administracions i ja es van derivar.'
                if cons["routed_elsewhere"] else "")
             + (f' Per mida, {cons["omitted_rows"]} de les menys repetides no s\'han analitzat.'
                if cons["omitted_rows"] else "") + "</p>")
    shown = gaps["clusters"][:MAX_CARDS]
    cards = "".join(gap_card(c, gaps["thresholds"]["entry_similarity"]) for c in shown)
    rest = gaps["clusters"][MAX_CARDS:]
    more = (f'<p class="note">I {len(rest)} temes més petits ({sum(c["size"] for c in rest)} preguntes): són al full de '
            f'càlcul i als fragments YAML.</p>' if rest else "")
    return intro + links + (cards or '<p class="empty">Cap tema: no hi ha prou preguntes semblants sense resposta.</p>') + more


def render_dashboard(stats: dict, gaps: dict | None, days: int, gaps_error: str | None = None) -> str:
    """The whole dashboard page."""
    periods = "".join(f'<a href="/admin?days={d}"{" aria-current=page" if d == days else ""}>{d} dies</a>'
                      for d in PERIODS)
    langs = [(LANG_NAMES.get(k, k), v) for k, v in stats["languages"].items()]
    o = stats["outcomes"]
    body = f"""<header><div><h1><span>isac</span> · tauler de continguts</h1>
<div class="sub">Del {esc(stats["from"])} al {esc(stats["to"])} · {stats["unanswered"]} preguntes sense resposta registrades</div></div>
<nav aria-label="període">{periods}<form method="post" action="/admin/logout"><button>Surt</button></form></nav></header>
{tiles(stats)}
<div class="grid">
<section class="card"><h2>Consultes per dia</h2>{volume_chart(stats["by_day"])}</section>
<section class="card"><h2>Com acaben les preguntes</h2>
{share_bar([(n, o[k], c) for k, n, c in OUTCOME_NAMES], "Com acaben les preguntes")}
<p class="sub">Preguntes del xat i de «pregunta directa» (el cercador sempre mostra resultats).</p>
<h2 style="margin-top:14px">Idiomes</h2>{hbars(langs, "Consultes per idioma")}</section>
</div>
<section class="section"><h2>Temes sense bona resposta: la feina per fer</h2>
{gaps_section(gaps, gaps_error, days)}</section>
<div class="grid">
<section class="card"><h2>Preguntes més freqüents</h2><div class="wide">{top_questions(stats)}</div></section>
<section class="card"><h2>Fitxes més mostrades</h2><div class="wide">{top_entries(stats)}</div></section>
</div>
<section class="card section"><h2>Què en diuen els ciutadans</h2>{feedback_section(stats)}</section>
"""
    return _page("isac · tauler de continguts", body)


def render_login(days: int = 30, failed: bool = False) -> str:
    """The small login form: the admin token, posted once, becomes an HttpOnly cookie."""
    error = '<p class="error" role="alert">La clau no és correcta.</p>' if failed else ""
    return _page("isac · accés", f"""<form class="login" method="post" action="/admin/login?days={quote(str(days))}">
<h1><span>isac</span> · tauler de continguts</h1><p class="sub">Accés restringit a l'equip de continguts.</p>{error}
<label for="token">Clau d'administració</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Entra</button></form>""")
