"""The eval report's work for editors: which YAML file to edit, what happened and what to do.

Each failed question is grouped under the file of the fitxa it should have got, with
what the citizen got in plain words and a suggested edit; then the pairs of fitxes that
take each other's questions, and other administrations' questions answered anyway.
"""

from __future__ import annotations

from isac.evaluation.html_format import KNOWLEDGE, esc, num
from isac.evaluation.questions import OUT_OF_SCOPE


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


# -- the work sections ---------------------------------------------------------------------
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
