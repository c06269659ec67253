"""Query language detection, limited to Catalan, Spanish and English."""

from __future__ import annotations

import re
from functools import lru_cache

# Orthography no other of the three languages uses settles short queries at once.
_ES_MARKS = re.compile(r"[ñ¿¡]|ción\b|ciones\b|\w{3,}ón\b|\b(qué|cómo|dónde|cuándo|cuánto|cuánta|quién|el|los|las|del|una|para|por|hay|mi|me|necesito|quiero|puedo|tengo|es|está)\b")
_CA_MARKS = re.compile(r"l·l|ç|\b(què|com|quan|quant|quina|quin|on|qui|els|les|del|dels|una|per|hi|meu|meva|em|m'|l'|d'|necessito|vull|puc|tinc|és|està|haig|s'ha)\b")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.CATALAN, Language.SPANISH, Language.ENGLISH
    ).build()


def detect(text: str, default: str = "ca") -> str:
    """'ca', 'es' or 'en'; ``default`` when the text gives no clue (one-word searches)."""
    low = text.lower()
    es = len(_ES_MARKS.findall(low))
    ca = len(_CA_MARKS.findall(low))
    short = len(low.split()) <= 2
    # one mark settles a one- or two-word search ("padrón", "què és"); longer text needs two
    if es != ca and max(es, ca) >= (1 if short else 2):
        return "es" if es > ca else "ca"
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return default
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    # one or two words say little ("padró" reads as Spanish to lingua): the default first
    if es == ca and best.value < (0.75 if short else 0.5):
        return default
    if es != ca and code != "en":
        return "es" if es > ca else "ca"
    return code
