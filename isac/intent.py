"""Which section of an entry a question asks about: cost, documents, where, when or who."""

from __future__ import annotations

import re

from isac.text import fold

# folded patterns; order matters: the first intent that matches wins
_INTENTS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("cost", r"\b(de quant es|quant (costa|val|es paga|pago|cal pagar|s.ha de pagar)|de cuanto es|cuanto (cuesta|vale|se paga|pago|hay que pagar)|preu|precio|cost[ea]?|tarifa|import|gratis|gratuit[oa]?|how much|price|fee|cost)\b"),
        ("documents", r"\b(document\w*|papers?|papeles|que (he de|cal|tinc que|tengo que|hay que) (portar|dur|traer|aportar|presentar)|que (necessito|necesito)|requisits? documentals?|what do i need|bring)\b"),
        ("deadlines", r"\b(quan|cuando|termini\w*|plazos?|data|fecha|dies|dias|quant (temps|triga)|cuanto (tiempo|tarda)|horari|horario|when|deadlines?|how long)\b"),
        ("who", r"\b(qui (pot|ho pot|el pot|la pot)|quien (puede|lo puede)|requisits?|requisitos|tinc dret|tengo derecho|puc (demanar|sol·licitar)|who can|eligib\w*)\b"),
        ("how", r"\b(on (es|puc|ho|el|la|hi)|donde|com (es|puc|ho|faig|el|la|m)|como (se|puedo|lo|la|hago)|per internet|online|en linea|presencial\w*|telefon|telefono|where|how)\b"),
    )
)


def detect_intent(text: str) -> str | None:
    """The section key the question asks about, or None for a general question."""
    low = " " + fold(text) + " "
    for key, pattern in _INTENTS:
        if pattern.search(low):
            return key
    return None
