"""The gaps report as files for people: a CSV for a spreadsheet, YAML snippets to paste by hand.

Nothing here writes to ``knowledge/``: the snippets name the file to edit and the content
team reviews every phrasing before pasting it.
"""

from __future__ import annotations

import csv
import io

CSV_FIELDS = ("cluster", "size", "distinct", "this_week", "previous_week", "trend", "action", "entry_id",
              "entry_file", "similarity", "offered_entry", "languages", "examples")


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gaps_to_csv(doc: dict) -> str:
    """One row per theme, for a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for c in doc["clusters"]:
        near = c["nearest_entry"] or {}
        w.writerow([_cell(v) for v in (
            c["id"], c["size"], c["distinct"], c["trend"]["this_week"], c["trend"]["previous_week"],
            c["trend"]["change"], c["action"]["text"], c["action"]["entry_id"] or "", c["action"]["file"] or "",
            near.get("similarity", ""), (c["offered_entry"] or {}).get("id", ""),
            " ".join(f"{k}:{v}" for k, v in c["languages"].items()), " | ".join(c["examples"]))])
    return out.getvalue()


def cluster_yaml(c: dict) -> str:
    """One theme's snippet: a comment naming the file (or saying a new entry is needed), then the phrasings."""
    import yaml

    a = c["action"]
    if a["kind"] == "extend":
        head = (f"# Tema {c['id']} ({c['size']} preguntes): afegiu-ho a {a['file']}\n"
                "# dins de «situations» (o «questions»), a continuació de les que ja hi ha.\n")
        body = {"situations": c["phrasings"]}
    else:
        head = (f"# Tema {c['id']} ({c['size']} preguntes): cap fitxa no s'hi acosta; cal una fitxa nova.\n"
                "# Copieu una fitxa existent a knowledge/<categoria>/<id-nou>.yaml i feu servir aquestes preguntes.\n")
        body = {"questions": c["phrasings"]}
    if not c["phrasings"]:
        return head + "# (cap frase nova per afegir: les d'aquest tema ja hi són o contenen dades personals)\n"
    return head + yaml.safe_dump(body, allow_unicode=True, default_flow_style=False, sort_keys=False, width=1000)


def gaps_to_yaml(doc: dict) -> str:
    """Snippets to paste by hand, one per theme, each naming the file to edit. Review before pasting."""
    parts = [f"# isac gaps · {doc['from']} – {doc['to']} · {len(doc['clusters'])} temes\n"
             "# Fragments per enganxar a mà: reviseu cada frase abans (isac no escriu mai les fitxes).\n"]
    parts.extend(cluster_yaml(c) for c in doc["clusters"])
    return "\n".join(parts)
