"""Query preparation: check the text, then tidy citizens' long and messy questions.

Each step is a switch on ``EngineConfig`` so the ablation table measures it:

- ``strip_fillers``: greetings, politeness and voice fillers ("bon dia", "eh", "o sigui",
  "pues") say nothing about the procedure and pull the dense vector towards small talk;
- ``repair_apostrophes``: voice typing writes "l ajuntament", "m he", "d empadronament";
- ``focus_question``: in a 40-word story the question is usually the last sentence with a
  question mark or word; the encoder sees it first, then as much context as fits.
"""

from __future__ import annotations

import re

from isac.text import fold


class QueryError(ValueError):
    """The query itself is unusable (empty, too long, not text)."""


def check_query(text: object, max_chars: int) -> str:
    """The query with its whitespace collapsed, or QueryError saying what to fix."""
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    clean = " ".join(text.split())
    if not clean:
        raise QueryError("the query is empty; type a question, e.g. 'com m'empadrono?'")
    if len(clean) > max_chars:
        raise QueryError(f"the query has {len(clean)} characters; the limit is {max_chars}")
    if "\ufffd" in clean or any(ord(c) < 32 for c in clean):
        raise QueryError("the query has undecodable or control characters; send UTF-8 text")
    return clean


# folded; whole words or phrases only
_FILLERS = re.compile(
    r"(?<![\w'])(?:bon dia|bona tarda|bona nit|bones|hola|buenos dias|buenas tardes|buenas noches|buenas|hello|"
    r"good morning|si us plau|per favor|por favor|please|gracies|moltes gracies|gracias|muchas gracias|thanks|"
    r"thank you|eh+|ehm+|emm+|mmm+|uh+|um+|o sigui|osigui|es a dir|pues|bueno|vale|a veure|mira|miri|oye|"
    r"escolta|escolti|doncs|vamos|en plan|tipo|saps|sabes|vull dir|quiero decir|you know)(?![\w'])[,.!]?",
)
_VOICE_APOS = re.compile(r"(?<![\w'])([lmdstn]) (?=h?[aeiouàèéíòóúAEIOU])", re.IGNORECASE)
_QUESTION_WORDS = re.compile(
    r"(?<![\w])(com|on|quan|quant|quanta|quants|quines?|quin|qui|que|puc|pot|cal|haig|he de|necessito|vull|"
    r"como|donde|cuando|cuanto|cuanta|cuantos|cual|quien|que|puedo|hay que|tengo que|necesito|quiero|"
    r"how|where|when|what|which|who|can i|do i|should i)(?![\w])")
_SENTENCES = re.compile(r"[^.!?;\n]+[.!?;]*")


def strip_fillers(text: str) -> str:
    """The text without greetings, politeness and voice fillers; the original if nothing is left."""
    low = fold(text)
    spans = [m.span() for m in _FILLERS.finditer(low)]
    if not spans:
        return text
    out, last = [], 0
    for a, b in spans:  # folding keeps lengths for Catalan and Spanish letters
        out.append(text[last:a])
        last = b
    out.append(text[last:])
    kept = " ".join("".join(out).split()).strip(" ,.")
    return kept if len(kept.split()) >= 1 else text


def repair_apostrophes(text: str, lang: str) -> str:
    """Catalan elisions that voice typing split: "l ajuntament" → "l'ajuntament"."""
    if lang != "ca":
        return text
    return _VOICE_APOS.sub(lambda m: m.group(1) + "'", text)


def asks_something(text: str) -> bool:
    """A question mark or a question word: the text asks, rather than names, something."""
    return "?" in text or bool(_QUESTION_WORDS.search(fold(text)))


def question_sentence(text: str) -> str | None:
    """The sentence of a story that asks the question, or None for a one-sentence text."""
    sentences = [s.strip() for s in _SENTENCES.findall(text) if s.strip()]
    if len(sentences) < 2:
        return None
    asked = [s for s in sentences if s.endswith("?")] or [s for s in sentences if _QUESTION_WORDS.search(fold(s))]
    return asked[-1] if asked else None


def focus_question(text: str, budget: int) -> str:
    """For a long story, the question sentence first, then the rest as far as ``budget`` allows."""
    if len(text) <= budget:
        return text
    sentences = [s.strip() for s in _SENTENCES.findall(text) if s.strip()]
    if len(sentences) < 2:
        return text[:budget]
    asked = [s for s in sentences if s.endswith("?")] or \
            [s for s in sentences if _QUESTION_WORDS.search(fold(s))] or sentences[-1:]
    question = asked[-1]
    rest = [s for s in sentences if s is not question]
    out = question
    for s in reversed(rest):  # context nearest the question matters most
        if len(out) + 1 + len(s) > budget:
            break
        out = f"{out} {s}"
    return out[:budget]
