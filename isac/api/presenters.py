"""Internal records → the API's response models (defined once, in ``isac.api.models``).

The CLI's `--json` prints the same models, so the two never drift. Labels follow the
question's language (ca, es, en); answer bodies are Catalan or Spanish.
"""

from __future__ import annotations

import re
from datetime import date

from isac.api.models import (
    AnswerCard,
    AskResponse,
    Card,
    ChatCard,
    ChatOption,
    ChatReplyOut,
    ChatResponse,
    EntryResponse,
    EntryTexts,
    Fallback,
    Link,
    PassageOut,
    SearchHit,
    SearchResponse,
)
from isac.messages import (
    CITA_URL,
    LABELS,
    SEU_URL,
    answer_lang,
    category_name,
    label,
    say,
    section_title,
    ui_lang,
)
from isac.records import Answer, AnswerStatus, Entry, OutOfScopeTopic, SearchResult

STALE_YEARS = 2
_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)")


def labels(lang: str) -> dict[str, str]:
    """Every UI label in ``lang``, for the page and the widget."""
    return {key: texts[ui_lang(lang)] for key, texts in LABELS.items()}


def channel_links(entry: Entry | None, lang: str = "ca") -> list[Link]:
    """Where to do it: the fitxa, then the channels the entry offers (all of them as fallback)."""
    links = []
    if entry is not None and entry.url:
        links.append(Link(kind="fitxa", label=label("fitxa", lang), url=entry.url))
    if entry is None or entry.channels.seu:
        links.append(Link(kind="seu", label=label("seu", lang), url=SEU_URL))
    if entry is None or entry.channels.oac:
        links.append(Link(kind="cita", label=label("cita", lang), url=CITA_URL))
    if entry is None or entry.channels.phone_010:
        links.append(Link(kind="010", label=label("010", lang), url="tel:010"))
    return links


def route_links(route: OutOfScopeTopic, lang: str) -> list[Link]:
    """Another administration's own page; no municipal channel, which could not help."""
    if not route.link:
        return []
    return [Link(kind="outside", label=route.link["label"][ui_lang(lang)], url=route.link["url"])]


def first_sentence(text: str) -> str:
    """The first sentence of a summary, for compact lists."""
    m = _SENTENCE.match(text.strip())
    return m.group(1) if m else text.strip()


def card(entry: Entry, lang: str) -> Card:
    """An entry as a compact card in ``lang``."""
    body = answer_lang(lang)
    return Card(id=entry.id, category=entry.category, category_name=category_name(entry.category, lang),
                title=entry.text("title", body), summary=first_sentence(entry.text("summary", body)),
                url=entry.url, links=channel_links(entry, lang))


def stale_note(as_of: str | None, lang: str, today: date | None = None) -> str | None:
    """"Dada del 2014; confirmeu-la…" when the source is older than two years."""
    if not as_of:
        return None
    year = int(as_of[:4])
    if (today or date.today()).year - year <= STALE_YEARS:
        return None
    return say("dated", lang, year=str(year))


def answer_card(entry: Entry, section: str | None, text: str, lang: str, as_of: str | None = None,
                more_section: str | None = None, more_text: str = "") -> AnswerCard:
    """The answer under its heading with the entry's links; a specific answer adds its section."""
    base = card(entry, lang).model_dump()
    more_title = (section_title(more_section, lang) or label("more", lang)) if more_text else None
    return AnswerCard(**base, section=section, section_title=section_title(section, lang), text=text,
                      as_of=as_of, note=stale_note(as_of, lang), more_title=more_title, more_text=more_text or None)


def search_response(index, result: SearchResult) -> SearchResponse:
    """`/api/search` and `isac search --json`."""
    lang = result.query.lang
    hits = []
    for c in result.candidates:
        entry = index.entry(c.entry_id)
        compact = card(entry, lang)
        hits.append(SearchHit(
            id=c.entry_id, title=compact.title, category=entry.category, category_name=compact.category_name,
            summary=compact.summary, score=round(c.score, 4), url=entry.url, retrievers=list(c.retrievers),
            bm25=round(c.bm25, 4), dense=round(c.dense, 4),
            passage=PassageOut(kind=c.passage.kind.value, section=c.passage.section, text=c.passage.text)))
    return SearchResponse(query=result.query.text, lang=lang, tokens=list(result.query.tokens),
                          corrections=[list(x) for x in result.query.corrections],
                          confidence=round(result.confidence, 4), results=hits)


def ask_response(answer: Answer) -> AskResponse:
    """`/api/ask` and `isac ask --json`."""
    lang = ui_lang(answer.result.query.lang if answer.result else answer.lang)
    out = AskResponse(question=answer.question, lang=lang, status=answer.status.value,  # type: ignore[arg-type]
                      reason=answer.reason, confidence=round(answer.confidence, 4), answer=None, options=[],
                      fallback=None, labels=labels(lang))
    if answer.status is AnswerStatus.ANSWER and answer.entry:
        out.answer = answer_card(answer.entry, answer.section, answer.text, lang, answer.as_of,
                                 answer.more_section, answer.more_text)
    elif answer.status is AnswerStatus.CLARIFY:
        out.message = say("maybe" if answer.reason == "uncertain" else "clarify", lang)
        out.options = [card(e, lang) for e in answer.options]
        if answer.reason == "uncertain":
            # the choice is a guess among close procedures: the channels stay below it
            out.fallback = Fallback(message=say("fallback", lang), links=channel_links(None, lang))
    else:
        route = answer.route
        if route is not None:
            # a known other-administration topic gets its own pointer, not "I am not sure"
            out.fallback = Fallback(message=route.where.get(answer_lang(lang), route.where["ca"]), route=route.id,
                                    links=route_links(route, lang))
        else:
            out.fallback = Fallback(message=say("fallback", lang), links=channel_links(None, lang))
    return out


def chat_response(turn) -> ChatResponse:
    """`/api/chat`: a ChatTurn as the widget reads it."""
    r = turn.reply
    cards = []
    if r.entry is not None:
        cards.append(ChatCard(**answer_card(r.entry, r.section, r.text, r.lang, r.as_of, r.more_section,
                                            r.more_text).model_dump()))
    if r.route is not None:
        links = route_links(r.route, r.lang)
    elif r.status == "none" or r.reason == "uncertain":
        # a choice offered because isac is unsure keeps the channels below it
        links = channel_links(None, r.lang)
    else:
        links = []
    reply = ChatReplyOut(text=r.text, status=r.status, lang=r.lang, reason=r.reason, cards=cards,
                         options=[ChatOption(id=e.id, title=e.text("title", answer_lang(r.lang))) for e in r.options],
                         followups=list(r.followups), links=links, followup=r.followup, labels=labels(r.lang))
    return ChatResponse(session_id=turn.session_id, expired=turn.expired, reply=reply)


def entry_response(entry: Entry) -> EntryResponse:
    """`/api/entries/{id}`: both languages' texts."""
    texts = {lang: EntryTexts(title=entry.title[lang], summary=entry.summary[lang],
                              questions=list(entry.questions.get(lang, ()))) for lang in ("ca", "es")}
    return EntryResponse(id=entry.id, category=entry.category, url=entry.url, keywords=list(entry.keywords),
                         related=list(entry.related), updated=entry.updated,
                         channels={"seu": entry.channels.seu, "phone_010": entry.channels.phone_010,
                                   "oac": entry.channels.oac},
                         sections={k: dict(v) for k, v in entry.sections.items()}, links=channel_links(entry),
                         **texts)


def answer_text(answer: Answer) -> str:
    """`isac ask` in a terminal."""
    data = ask_response(answer)
    if data.answer:
        a = data.answer
        head = a.title + (f" — {a.section_title}" if a.section_title else "")
        links = "\n".join(f"  · {link.label}: {link.url}" for link in a.links)
        note = f"\n({a.note})" if a.note else ""
        more = f"\n\n{a.more_title}: {a.more_text}" if a.more_text else ""
        return f"{head}\n\n{a.text}{note}{more}\n\n{links}\n(confiança {answer.confidence:.2f})"
    if data.options:
        opts = "\n".join(f"  {i}. {o.title} [{o.id}]" for i, o in enumerate(data.options, 1))
        return f"{data.message}\n{opts}"
    assert data.fallback is not None
    links = "\n".join(f"  · {link.label}: {link.url}" for link in data.fallback.links)
    return f"{data.fallback.message}\n{links}\n(confiança {answer.confidence:.2f})"
