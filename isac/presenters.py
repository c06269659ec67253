"""Internal records → plain JSON-able dicts and terminal text, shared by the CLI and the API."""

from __future__ import annotations

from isac.records import SECTION_TITLES, Answer, AnswerStatus, Entry, SearchResult

SEU_URL = "https://seuelectronica.terrassa.cat/"
CITA_URL = "https://citaprevia.terrassa.cat/"

FALLBACK = {
    "ca": "No n'estic prou segur per donar-te una resposta. Et poden ajudar al telèfon 010 "
          "(900 922 010 des de fora de Terrassa), a les Oficines d'Atenció Ciutadana amb cita "
          "prèvia o a la Seu Electrònica, oberta 24 hores.",
    "es": "No estoy lo bastante seguro para darte una respuesta. Te pueden ayudar en el teléfono "
          "010 (900 922 010 desde fuera de Terrassa), en las Oficinas de Atención Ciudadana con "
          "cita previa o en la Sede Electrónica, abierta 24 horas.",
}
CLARIFY = {
    "ca": "La teva pregunta pot referir-se a més d'un tràmit. Quin vols dir?",
    "es": "Tu pregunta puede referirse a más de un trámite. ¿Cuál quieres decir?",
}


def channel_links(entry: Entry | None, lang: str = "ca") -> list[dict]:
    """Where to do it: the fitxa, then the channels the entry offers (all of them as fallback)."""
    es = lang == "es"
    seu = {"kind": "seu", "label": "Sede Electrónica (24 h)" if es else "Seu Electrònica (24 h)", "url": SEU_URL}
    links = []
    if entry is not None and entry.url.rstrip("/") != SEU_URL.rstrip("/"):
        links.append({"kind": "fitxa", "label": "Ficha del trámite" if es else "Fitxa del tràmit", "url": entry.url})
    # an entry whose only page is the Seu's front page gets it once, as the Seu
    if entry is None or entry.channels.seu or entry.url.rstrip("/") == SEU_URL.rstrip("/"):
        links.append(seu)
    if entry is None or entry.channels.oac:
        links.append({"kind": "cita", "label": "Cita previa OAC" if es else "Cita prèvia OAC", "url": CITA_URL})
    if entry is None or entry.channels.phone_010:
        links.append({"kind": "010", "label": "Teléfono 010" if es else "Telèfon 010", "url": "tel:010"})
    return links


def entry_card(entry: Entry, lang: str = "ca") -> dict:
    return {
        "id": entry.id,
        "category": entry.category,
        "title": entry.title.get(lang, entry.title["ca"]),
        "summary": entry.summary.get(lang, entry.summary["ca"]),
        "url": entry.url,
        "links": channel_links(entry, lang),
    }


def search_json(engine, result: SearchResult) -> dict:
    lang = "es" if result.query.lang == "es" else "ca"
    results = []
    for c in result.candidates:
        entry = engine.index.entry(c.entry_id)
        results.append({
            "id": c.entry_id,
            "title": entry.title[lang],
            "category": entry.category,
            "score": round(c.score, 4),
            "url": entry.url,
            "retrievers": list(c.retrievers),
            "bm25": round(c.bm25, 4),
            "dense": round(c.dense, 4),
            "passage": {"kind": c.passage.kind.value, "section": c.passage.section, "text": c.passage.text},
        })
    return {"query": result.query.text, "lang": result.query.lang,
            "tokens": list(result.query.tokens),
            "corrections": [list(x) for x in result.query.corrections],
            "confidence": round(result.confidence, 4), "results": results}


def answer_json(answer: Answer) -> dict:
    lang = answer.lang
    out = {
        "question": answer.question,
        "lang": lang,
        "status": answer.status.value,
        "confidence": round(answer.confidence, 4),
        "answer": None,
        "options": [],
        "fallback": None,
    }
    if answer.status is AnswerStatus.ANSWER and answer.entry:
        out["answer"] = {
            **entry_card(answer.entry, lang),
            "section": answer.section,
            "section_title": SECTION_TITLES[answer.section][lang] if answer.section else None,
            "text": answer.text,
        }
    elif answer.status is AnswerStatus.CLARIFY:
        out["message"] = CLARIFY[lang]
        out["options"] = [entry_card(e, lang) for e in answer.options]
    else:
        route = answer.route
        # a known other-administration topic gets its own pointer, not "I am not sure"
        message = route.where.get(lang, route.where["ca"]) if route else FALLBACK[lang]
        out["fallback"] = {"message": message, "route": route.id if route else None,
                           "links": channel_links(None, lang)}
    return out


def answer_text(answer: Answer) -> str:
    data = answer_json(answer)
    if data["answer"]:
        a = data["answer"]
        head = f"{a['title']}" + (f" — {a['section_title']}" if a["section_title"] else "")
        links = "\n".join(f"  · {link['label']}: {link['url']}" for link in a["links"])
        return f"{head}\n\n{a['text']}\n\n{links}\n(confiança {answer.confidence:.2f})"
    if data["options"]:
        opts = "\n".join(f"  {i}. {o['title']} [{o['id']}]" for i, o in enumerate(data["options"], 1))
        return f"{data['message']}\n{opts}"
    links = "\n".join(f"  · {link['label']}: {link['url']}" for link in data["fallback"]["links"])
    return f"{data['fallback']['message']}\n{links}\n(confiança {answer.confidence:.2f})"
