"""What kind of fact a question asks for, and whether a text holds a fact of that kind.

"Quant costa…" wants an amount, "quants dies…" a period, "quin telèfon…" a number to
call. Classic question answering matches the expected answer type against the
candidate's content; the second level (``answering``) uses it to tell apart the FAQ items
of one entry, which share their topic and differ in the fact they state. It is not
``intent``: that maps a question to the section that answers it (a phone and an address
are both ``where``), while this names the fact and reads the candidate's text for it.
"""

from __future__ import annotations

import re

from isac.text import fold

_MONTHS = ("gener|febrer|marc|abril|maig|juny|juliol|agost|setembre|octubre|novembre|desembre|"
           "enero|febrero|marzo|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre")
_UNITS = "dies|dias|mesos|meses|setmanes|semanas|anys|anos|hores|horas|minuts|minutos|habils|naturals"
_NUMBER_WORDS = "un|una|dos|dues|tres|quatre|cuatro|cinc|cinco|sis|seis|set|siete|deu|diez|quinze|quince|vint|veinte|trenta|treinta"

# (kind, what the question says when it wants it, what a text holding it looks like); folded
_SHAPES: tuple[tuple[str, re.Pattern, re.Pattern], ...] = tuple(
    (kind, re.compile(q), re.compile(a))
    for kind, q, a in (
        ("amount",
         r"\b(quant (costa|val|es paga|pago|cal pagar|s.ha de pagar|surt)|cuanto (cuesta|vale|se paga|pago|hay que pagar|sale)|"
         r"preu|precio|tarifa|taxa|tasa|import|gratis|gratuit[oa]?|es paga|se paga|cost[ea]?|how much|fee|price)\b",
         r"(\d[\d.,]*\s?(€|euros?\b)|\bgratu\w+|\bgratis\b|\bexempt\w*|\bexent\w*|\bexento\w*|sense cost|sin coste|"
         r"no (te|tiene) cost|no (es|se) paga|bonificaci\w+|\bquota\b|\bcuota\b|\d+\s?%)"),
        ("period",
         r"\b(quant (temps|triga|triguen|tarda|tarden|dura)|cuanto (tiempo|tarda|tardan|dura)|(quants|cuantos|cuantas) "
         rf"({_UNITS})|termini\w*|plazos?|caduca\w*|valid\w*|vigen\w*|how long|deadline)\b",
         rf"\b(\d+|{_NUMBER_WORDS})\s+({_UNITS})\b"),
        ("time",
         r"\b(quan|cuando|(a|fins a) quina hora|(a|hasta) que hora|horari\w*|horario\w*|quin dia|que dia|data|fecha|when)\b",
         rf"(\b\d{{1,2}}[:.]\d{{2}}\b|\b\d{{1,2}}\s?h\b|\b({_MONTHS})\b|\b(dilluns|dimarts|dimecres|dijous|divendres|dissabte|"
         r"diumenge|lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b|\b(\d+|{_NUMBER_WORDS})\s+(dies|dias|mesos|meses)\b)"),
        ("phone",
         r"\b(telefons?|telefonos?|trucar|truco|llamar|llamo|quin numero|que numero|phone|call)\b",
         r"(\b\d{3}\s?\d{2,3}\s?\d{2,3}\b|\b010\b|\b112\b|\b092\b)"),
        ("place",
         r"\b(on (es|esta|son|estan|queda|puc anar|he d.anar|vaig)|donde (esta|estan|queda|voy|tengo que ir)|adreca|direccion|"
         r"oficina|where|address)\b",
         r"\b(carrer|c/|placa|avinguda|av\.|rambla|passeig|calle|plaza|avenida|paseo|edifici|edificio|oac|oficines?|oficinas?)\b"),
        ("online",
         r"\b(per internet|online|en linia|en linea|web|correu|e-?mail|seu electronica|sede electronica)\b",
         r"(@|https?://|www\.|seu electronica|sede electronica|en linia|en linea|\bonline\b|per internet|por internet)"),
        ("documents",
         r"\b(document\w*|papers?|papeles|que (he de|cal|tinc que|tengo que|hay que) (portar|dur|traer|aportar|presentar)|"
         r"que (necessito|necesito)|passaport|pasaporte|dni|nie|certificat|certificado)\b",
         r"\b(dni|nie|passaport|pasaporte|certificat\w*|certificado\w*|fotocopia\w*|document\w*|formulari\w*|"
         r"llibre de familia|libro de familia|original\w*|justificant\w*|justificante\w*)\b"),
    )
)


def asked_shapes(question: str) -> tuple[str, ...]:
    """The kinds of fact the question asks for, in the order of ``_SHAPES``."""
    low = " " + fold(question) + " "
    return tuple(kind for kind, q, _ in _SHAPES if q.search(low))


def held_shapes(text: str) -> frozenset[str]:
    """The kinds of fact ``text`` holds."""
    low = " " + fold(text) + " "
    return frozenset(kind for kind, _, a in _SHAPES if a.search(low))


def shape_match(asked: tuple[str, ...], held: frozenset[str]) -> float:
    """The share of the asked kinds that the text holds (0 when the question asks for none)."""
    return sum(kind in held for kind in asked) / len(asked) if asked else 0.0
