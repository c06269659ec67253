"""The decision: answer, ask which procedure, or route elsewhere; and which text answers.

``decide`` never guesses: below the calibrated threshold it routes the citizen, unless the
best candidates share a theme, in which case it offers them ("Potser busqueu…").
"""

from __future__ import annotations

from dataclasses import dataclass

from isac.config import EngineConfig
from isac.index import Index
from isac.intent import detect_intents
from isac.messages import answer_lang
from isac.records import Answer, AnswerStatus, Candidate, Entry, FaqItem, PassageKind, SearchResult


@dataclass(frozen=True)
class _Base:
    question: str
    lang: str
    confidence: float
    result: SearchResult

    def kwargs(self) -> dict:
        return {"question": self.question, "lang": self.lang, "confidence": self.confidence, "result": self.result}


def _coherent(index: Index, candidates: tuple[Candidate, ...], margin: float) -> tuple[Entry, ...]:
    """The top 2-3 entries when they are about one theme (one category, or related), else ()."""
    if len(candidates) < 2:
        return ()
    top = index.entry(candidates[0].entry_id)
    spread = abs(candidates[0].score) + 1e-9
    out = [top]
    for c in candidates[1:3]:
        other = index.entry(c.entry_id)
        if other is None or top is None or (candidates[0].score - c.score) / spread > margin:
            break
        if other.category == top.category or other.id in top.related or top.id in other.related:
            out.append(other)
    return tuple(e for e in out if e is not None) if len(out) >= 2 else ()


def decide(index: Index, result: SearchResult, cfg: EngineConfig) -> Answer:
    """The answer a citizen gets for ``result``."""
    lang = answer_lang(result.query.lang)
    base = _Base(result.query.text, lang, result.confidence, result)
    if result.out_of_scope is not None or not result.candidates:
        return Answer(AnswerStatus.NONE, route=result.out_of_scope, **base.kwargs())
    if result.confidence < cfg.answer_threshold:
        # a search of one or two known words ("padró") is offered its theme at any confidence:
        # it names a topic, and the topic's procedures are what a search box shows. Not when it
        # is nearer an out-of-scope example than any citizen phrasing ("com renovo el DNI?"):
        # then it names another administration's topic, and the margin alone decides the route
        words = result.query.words or len(result.query.tokens)
        terse = 0 < words <= cfg.terse_choice_terms and result.query.known >= 1.0 \
            and result.features.get("oos_gap", -1.0) <= 0.0
        unsure_but_close = cfg.choice_margin > 0 and (result.confidence >= cfg.choice_floor or terse)
        options = _coherent(index, result.candidates, cfg.choice_margin) if unsure_but_close else ()
        if not options and 0 < cfg.choice_threshold <= result.choice_confidence and len(result.candidates) >= 2:
            # likely among the top three though they share no theme: offer them, not nothing
            options = tuple(e for c in result.candidates[:3] if (e := index.entry(c.entry_id)) is not None)
        if options:
            return Answer(AnswerStatus.CLARIFY, entry=options[0], options=options, reason="uncertain",
                          text=" / ".join(o.text("title", lang) for o in options), **base.kwargs())
        return Answer(AnswerStatus.NONE, **base.kwargs())
    top = result.candidates[0]
    entry = index.entry(top.entry_id)
    assert entry is not None  # candidates come from the same index
    spread = abs(top.score) + 1e-9
    close = [c for c in result.candidates[1:3] if (top.score - c.score) / spread < cfg.clarify_margin]
    if close:
        options = (entry, *(e for c in close if (e := index.entry(c.entry_id)) is not None))
        return Answer(AnswerStatus.CLARIFY, entry=entry, options=options, reason="close",
                      text=" / ".join(o.text("title", lang) for o in options), **base.kwargs())
    section, body = section_for(entry, result.query.text, lang, top)
    if top.unit is not None and (detail_question(result.query.text) or top.unit_detail):
        # a question about a detail: the unit the second level picked answers it
        item = entry.faq[int(top.unit.split(":")[1])] if top.unit.startswith("faq:") else None
        if item is None and top.unit in entry.sections:
            section, body = top.unit, entry.section(top.unit, lang)
    else:
        item = detail_item(entry, top, cfg)
    if item is not None:
        # the specific answer first; the section it belongs to follows as "Més informació"
        return Answer(AnswerStatus.ANSWER, entry=entry, section="faq", text=item.a[lang], faq=item,
                      as_of=item.as_of, more_section=section, more_text=body, **base.kwargs())
    return Answer(AnswerStatus.ANSWER, entry=entry, section=section, text=body,
                  as_of=entry.as_of.get(section) if section else None, **base.kwargs())


def detail_item(entry: Entry, candidate: Candidate, cfg: EngineConfig) -> FaqItem | None:
    """The entry's FAQ item that matches the question confidently, or None."""
    if not cfg.faq or candidate.faq_item is None or candidate.faq_score < cfg.faq_threshold:
        return None
    return entry.faq[candidate.faq_item] if candidate.faq_item < len(entry.faq) else None


def section_for(entry: Entry, question: str, lang: str, candidate: Candidate | None = None) -> tuple[str | None, str]:
    """The text that answers ``question`` from ``entry``: the asked-for section first, else the summary."""
    lang = answer_lang(lang)
    intent = next((i for i in detect_intents(question) if i in entry.sections), None)
    if intent:
        return intent, entry.section(intent, lang)
    if candidate is not None and candidate.passage.kind is PassageKind.SECTION \
            and candidate.passage.section in entry.sections:
        key = candidate.passage.section
        return key, entry.section(key, lang)
    if candidate is not None and candidate.best_section in entry.sections and detail_question(question):
        # a specific question with no recognised intent: the section that matches it best
        key = str(candidate.best_section)
        return key, entry.section(key, lang)
    return None, entry.text("summary", lang)


def detail_question(question: str) -> bool:
    """A question about a detail (not a search for the procedure): a question mark or a question word."""
    from isac.query import asks_something

    return asks_something(question)
