"""Which section of an entry a question asks about: cost, documents, where, when or who."""

from __future__ import annotations

import re

from isac.text import fold

# folded patterns; order matters: the first intent that matches wins
_INTENTS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("cost", r"\b(de quant es|quant (costa|val|es paga|pago|cal pagar|s.ha de pagar)|de cuanto es|cuanto (cuesta|vale|se paga|pago|hay que pagar)|preu|precio|cost[ea]?|tarifa|import|gratis|gratuit[oa]?|descomptes?|descuentos?|descompten|descuentan|bonificacio|bonificacion|bonifiquen|bonifican|how much|price|fee|cost)\b"),
        ("documents", r"\b(document\w*|papers?|papeles|que (he de|cal|tinc que|tengo que|hay que) (portar|dur|traer|aportar|presentar)|que (necessito|necesito)|requisits? documentals?|que (he d.|cal |tinc que |tengo que |hay que )?(ensenyar|ensenar|mostrar|acreditar)|what do i need|bring)\b"),
        ("deadlines", r"\b(quan|cuando|termini\w*|plazos?|data|fecha|dies|dias|quant (temps|triga|triguen|tarda|tarden)|cuanto (tiempo|tarda|tardan)|(quants|cuantos) (dies|mesos|anys|dias|meses|anos)|(a|fins a) quina hora|(a|hasta) que hora|horari|horario|when|deadlines?|how long)\b"),
        ("who", r"\b(qui (pot|ho pot|el pot|la pot)|quien (puede|lo puede)|requisits?|requisitos|tinc dret|tengo derecho|puc (demanar|sol·licitar)|qui (ho|ha de|l.ha de|s.ha de)|quien (lo|tiene que|debe)|menors? d.edat|menores de edad|who can|eligib\w*)\b"),
        ("where", r"\b(on (es|esta|son|estan|queda|tenen) (el|la|els|les|l)|adreca|direccion|donde (esta|estan|queda)|telefons?|telefonos?|quin numero|que numero|correu|e-?mail|horaris? d.atencio|horarios? de atencion|phone|address)\b"),
        ("how", r"\b(on (es|puc|ho|el|la|hi)|donde|com (es|puc|ho|faig|el|la|m)|como (se|puedo|lo|la|hago|pido)|on (demano|sol.licito|m.inscric|he d.enviar)|donde (pido|solicito|me inscribo)|per internet|online|en linea|presencial\w*|telefon|telefono|where|how)\b"),
    )
)


def detect_intent(text: str) -> str | None:
    """The section key the question asks about, or None for a general question."""
    found = detect_intents(text)
    return found[0] if found else None


def detect_intents(text: str) -> tuple[str, ...]:
    """Every section key the question's wording asks about, the strongest first.

    "quin telèfon té…" asks for the responsible service (``where``) and, failing that, the
    ``how``; an entry without the first falls back on the next.
    """
    low = " " + fold(text) + " "
    return tuple(key for key, pattern in _INTENTS if pattern.search(low))
