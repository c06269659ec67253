"""`isac validate --report` / `--html`: what each entry gives a citizen, for the content team.

Per entry: a specific official link or not, how many sources, dated facts, the sections
it has and those too thin to act on, FAQ items and situations. Totals at the end.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html import escape

from isac.knowledge import KnowledgeBase
from isac.records import SECTION_KEYS, Entry
from isac.text import fold

THIN_CHARS = 60
# a cost that states an amount, that it is free, or where the official figure is
_COST_OK = re.compile(r"\d|gratuit|gratis|sense cost|ordenanc|fitxa|taxa|preu public|tarifa")
_PERIOD_OK = re.compile(r"\d|dia|mes|any|setmana|hores|moment|immediat|termini|periode|calendari")


@dataclass(frozen=True)
class EntryReport:
    """One row of the report."""

    id: str
    category: str
    link: bool
    sources: int
    dated: tuple[str, ...]
    sections: tuple[str, ...]
    thin: tuple[str, ...]
    faq: int
    situations: int


def _thin(entry: Entry) -> tuple[str, ...]:
    out = []
    for key, texts in entry.sections.items():
        ca = fold(texts["ca"])
        if len(ca) < THIN_CHARS or (key == "cost" and not _COST_OK.search(ca)) or \
                (key == "deadlines" and not _PERIOD_OK.search(ca)):
            out.append(key)
    return tuple(out)


def content_report(kb: KnowledgeBase) -> list[EntryReport]:
    """One row per entry, sorted by category and id."""
    return [EntryReport(e.id, e.category, bool(e.url), len(e.sources), tuple(sorted(e.as_of)),
                        tuple(k for k in SECTION_KEYS if k in e.sections), _thin(e), len(e.faq),
                        sum(len(v) for v in e.situations.values()))
            for e in sorted(kb.entries, key=lambda e: (e.category, e.id))]


def totals(rows: list[EntryReport]) -> dict:
    """The figures the content team tracks over time."""
    return {
        "entries": len(rows),
        "with_specific_link": sum(r.link for r in rows),
        "without_link": sum(not r.link for r in rows),
        "with_dated_facts": sum(bool(r.dated) for r in rows),
        "with_thin_sections": sum(bool(r.thin) for r in rows),
        "faq_items": sum(r.faq for r in rows),
        "entries_with_faq": sum(r.faq > 0 for r in rows),
        "situations": sum(r.situations for r in rows),
        "by_category": dict(sorted(Counter(r.category for r in rows).items())),
    }


def render_report_text(rows: list[EntryReport]) -> str:
    """The report as a terminal table."""
    lines = [f"{'entry':<44} {'link':<4} {'src':>3} {'faq':>3} {'sit':>3}  dated / thin sections"]
    for r in rows:
        notes = ", ".join([f"dated {'/'.join(r.dated)}"] if r.dated else []) + \
            ("; " if r.dated and r.thin else "") + (f"thin {'/'.join(r.thin)}" if r.thin else "")
        lines.append(f"{r.category + '/' + r.id:<44} {'yes' if r.link else 'NO':<4} {r.sources:>3} "
                     f"{r.faq:>3} {r.situations:>3}  {notes}")
    t = totals(rows)
    lines.append("")
    lines.append(f"TOTAL {t['entries']} entries · {t['with_specific_link']} with a specific official page, "
                 f"{t['without_link']} without · {t['with_dated_facts']} with dated facts · "
                 f"{t['with_thin_sections']} with thin sections · {t['faq_items']} FAQ items in "
                 f"{t['entries_with_faq']} entries · {t['situations']} situations")
    lines.append("by category: " + ", ".join(f"{k} {v}" for k, v in t["by_category"].items()))
    return "\n".join(lines)


def render_report_html(rows: list[EntryReport]) -> str:
    """The report as one self-contained page (no scripts, no external assets)."""
    t = totals(rows)
    body = "".join(
        f"<tr><td>{escape(r.category)}</td><td><code>{escape(r.id)}</code></td>"
        f"<td class={'ok' if r.link else 'bad'}>{'sí' if r.link else 'no'}</td><td>{r.sources}</td>"
        f"<td>{r.faq}</td><td>{r.situations}</td><td>{escape(', '.join(r.dated))}</td>"
        f"<td>{escape(', '.join(r.thin))}</td></tr>" for r in rows)
    return f"""<!doctype html><html lang="ca"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>isac · estat del contingut</title>
<style>body{{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#1c2430}}table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #e4e7ec;padding:4px 6px;text-align:left}}.ok{{color:#1f7a4d}}.bad{{color:#b42318;font-weight:600}}
.wrap{{overflow-x:auto}}</style></head><body>
<h1>Estat del contingut</h1>
<p>{t['entries']} fitxes · {t['with_specific_link']} amb enllaç a la pàgina oficial del tràmit, {t['without_link']} sense ·
{t['with_dated_facts']} amb dades datades · {t['with_thin_sections']} amb apartats massa breus ·
{t['faq_items']} preguntes concretes · {t['situations']} situacions</p>
<div class="wrap"><table><thead><tr><th>Categoria</th><th>Fitxa</th><th>Enllaç</th><th>Fonts</th><th>Preguntes</th>
<th>Situacions</th><th>Dades datades</th><th>Apartats breus</th></tr></thead><tbody>{body}</tbody></table></div>
</body></html>"""
