"""The chat behind the widget: one turn at a time, with the procedure under discussion.

A session remembers the procedure being talked about, so "i quant costa?" is answered
from it; a message with a topic of its own starts over. A follow-up with no procedure in
context asks which one; it is never routed elsewhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from isac.chat.sessions import Session, SessionStore, Turn
from isac.chat.smalltalk import message_key, small_talk
from isac.decision import section_for
from isac.intent import detect_intent
from isac.language import detect
from isac.messages import FOLLOWUP_QUESTIONS, SMALL_TALK_REPLIES, answer_lang, say, ui_lang
from isac.query import check_query
from isac.records import Answer, AnswerStatus, Entry, OutOfScopeTopic

if TYPE_CHECKING:
    from isac.engine import Engine

# words that only say *what about* the current procedure; anything else is a new topic
_ASPECT_WORDS = """
quant quanto cuanto costa costar cost coste cuesta val vale valer preu precio tarifa import importe pagar paga
pago gratuit gratuït gratis gratuito document documents documentació documento documentos documentación papers
papeles portar dur traer aportar presentar necessito necesito necessita necesita cal requisit requisits requisito
requisitos on donde dónde com como fa fer fan hace hacer hago faig internet online línia linia línea linea
presencial presencialment presencialmente telèfon telefon teléfono telefono cita prèvia previa oficina oficines
oficinas quan cuando termini terminis plazo plazos data fecha dies dies días temps tiempo triga trigar tarda
tardar horari horario qui quien quién pot puede pedir pedirlo demanar demanar-ho sol·licitar solicitar dret
derecho tràmit tramit trámite tramite més mas más també también llavors entonces això aixo eso ho lo
how much cost costs price fee documents document papers need needed deadline deadlines where when long who can apply and what about done
"""


@dataclass(frozen=True)
class ChatReply:
    """One turn's reply; the API turns entries into cards in the reply's language."""

    text: str
    status: str  # answer, clarify, none, smalltalk
    lang: str  # the conversation's language (ca, es, en): labels follow it
    entry: Entry | None = None
    section: str | None = None
    options: tuple[Entry, ...] = ()
    followups: tuple[str, ...] = ()
    route: OutOfScopeTopic | None = None
    followup: bool = False  # answered from the procedure under discussion
    reason: str = ""  # for clarify: "close", "uncertain" or "context"
    as_of: str | None = None
    more_section: str | None = None
    more_text: str = ""

    @property
    def entry_id(self) -> str | None:
        """The id of the entry that answered, if any."""
        return self.entry.id if self.entry else None


@dataclass(frozen=True)
class ChatTurn:
    """The session id to send next time, and the reply."""

    session_id: str
    reply: ChatReply
    expired: bool = False  # the client's session id had expired: a new conversation began


@dataclass
class Chat:
    """One Chat serves every visitor; state lives in the session store."""

    engine: Engine
    store: SessionStore
    on_unanswered: Callable[[dict], None] | None = None  # the content team's log
    max_chars: int = 500
    _aspects: frozenset[str] = field(default=frozenset(), init=False)
    _titles: dict[str, Entry] = field(default_factory=dict, init=False)

    def __post_init__(self):
        index = self.engine.index
        words = _ASPECT_WORDS.split()
        self._aspects = frozenset(t for lang in ("ca", "es", "en") for t in index.analyzer.terms(words, lang))
        # a title sent as a message (a related-procedure button) names its entry outright
        self._titles = {message_key(t): e for e in index.entries for t in e.title.values()}

    def reply(self, message: str, session_id: str | None = None, option_id: str | None = None,
              lang: str | None = None) -> ChatTurn:
        """Answer one message; QueryError for an unusable one (the API answers 422)."""
        text = check_query(message, self.max_chars)
        session = self.store.get(session_id)
        expired = bool(session_id) and session is None
        session = session or self.store.new()
        # the page's language settles only what the words do not ("hola" on a Spanish page)
        lang = detect(text, default=session.lang or lang or "ca")
        index = self.engine.index
        option = index.entry(option_id) if option_id else None
        option = option or self._titles.get(message_key(text))
        talk = None if option else small_talk(text)
        if talk is not None and not talk.alone:
            # answer the question inside an insult; only when there is none, reply to the tone
            reply, session = self._new_question(text, lang, session, insult=True)
        elif option is not None:
            reply = self._entry_reply(option, session.question or text, lang)
            session = replace(session, entry_id=option.id, options=(), question="")
        elif talk is not None:
            # "hola" gives no language away: keep the conversation's, else Catalan first
            lang = talk.lang or session.lang or lang
            reply = ChatReply(SMALL_TALK_REPLIES[talk.kind][ui_lang(lang)], "smalltalk", ui_lang(lang))
        elif self.is_followup(text, lang):
            entry = index.entry(session.entry_id) if session.entry_id else None
            if entry is not None:
                reply = self._entry_reply(entry, text, lang, followup=True)
            else:
                reply = self._which_procedure(text, lang)
        else:
            reply, session = self._new_question(text, lang, session)
        turn = Turn(text[:200], reply.status, reply.entry_id, time.time())
        session = self.store.save(replace(session, lang=reply.lang, turns=session.turns + (turn,)))
        return ChatTurn(session.id, reply, expired)

    def is_followup(self, text: str, lang: str) -> bool:
        """A short question about an aspect (cost, papers, where...) or a "what if", with no topic of its own."""
        words = text.split()
        if len(words) > 10:
            return False
        if detect_intent(text) is None:
            # "i si no el tinc?", "y si pago tarde?": a condition on what was just answered
            return len(words) <= 8 and words[0].lower() in ("i", "y", "and", "però", "pero", "but") and \
                words[1:2] != [] and words[1].lower().strip("¿?") in ("si", "if", "què", "que", "qué", "what")
        tokens = self.engine.index.analyzer.analyse(text, lang, expand=False).tokens
        return all(t in self._aspects for t in tokens)

    def _which_procedure(self, text: str, lang: str) -> ChatReply:
        return ChatReply(say("which_procedure", lang), "clarify", ui_lang(lang), reason="context")

    def _new_question(self, text: str, lang: str, session: Session, insult: bool = False) -> tuple[ChatReply, Session]:
        # a new topic resets what the conversation was about
        session = replace(session, entry_id=None, options=(), question="")
        answer: Answer = self.engine.answer(text, lang=lang)
        lang = ui_lang(answer.result.query.lang if answer.result else lang)
        top = answer.result.candidates[0] if answer.result and answer.result.candidates else None
        if insult and (answer.status is AnswerStatus.NONE or top is None or top.bm25 <= 0):
            # around an insult, only a question that shares words with an entry is taken as one
            return ChatReply(SMALL_TALK_REPLIES["insult"][lang], "smalltalk", lang), session
        if answer.status is AnswerStatus.ANSWER and answer.entry is not None:
            reply = replace(self._card_reply(answer.entry, answer.section, answer.text, lang, as_of=answer.as_of),
                            more_section=answer.more_section, more_text=answer.more_text)
            return reply, replace(session, entry_id=answer.entry.id)
        if answer.status is AnswerStatus.CLARIFY:
            message = say("maybe" if answer.reason == "uncertain" else "clarify", lang)
            reply = ChatReply(message, "clarify", lang, options=answer.options, reason=answer.reason)
            return reply, replace(session, options=tuple(e.id for e in answer.options), question=text)
        if self.on_unanswered is not None:
            self.on_unanswered({
                "question": text, "lang": lang, "confidence": round(answer.confidence, 4),
                "route": answer.route.id if answer.route else None, "top": top.entry_id if top else None,
            })
        # another administration's topic is not a gap in our content, but say where to go
        if answer.route is not None:
            where = answer.route.where.get(answer_lang(lang), answer.route.where["ca"])
            return ChatReply(where, "none", lang, route=answer.route), session
        return ChatReply(say("fallback", lang), "none", lang), session

    def _entry_reply(self, entry: Entry, question: str, lang: str, followup: bool = False) -> ChatReply:
        item = self.engine.faq_for(entry, question) if followup else None
        if item is not None:
            # "i si no el tinc?": a detail of the procedure under discussion
            section, body = section_for(entry, question, lang)
            reply = self._card_reply(entry, "faq", item.a[answer_lang(lang)], lang, as_of=item.as_of)
            return replace(reply, followup=True, more_section=section, more_text=body)
        intent = detect_intent(question)
        if followup and intent and intent not in entry.sections:
            body = say("missing_section", lang, title=entry.text("title", answer_lang(lang)))
            return replace(self._card_reply(entry, None, body, lang), followup=True)
        section, body = section_for(entry, question, lang)
        as_of = entry.as_of.get(section) if section else None
        return replace(self._card_reply(entry, section, body, lang, as_of=as_of), followup=followup)

    def _card_reply(self, entry: Entry, section: str | None, body: str, lang: str,
                    as_of: str | None = None) -> ChatReply:
        return ChatReply(body, "answer", ui_lang(lang), entry=entry, section=section,
                         followups=self.followups(entry, section, lang), as_of=as_of)

    def followups(self, entry: Entry, shown: str | None, lang: str, limit: int = 3) -> tuple[str, ...]:
        """Questions the entry can answer next, then a related procedure."""
        lang = ui_lang(lang)
        out = [FOLLOWUP_QUESTIONS[k][lang] for k in FOLLOWUP_QUESTIONS if k in entry.sections and k != shown][:limit]
        for rel in entry.related:
            other = self.engine.index.entry(rel)
            if other is not None:
                out.append(other.text("title", answer_lang(lang)))
                break
        return tuple(out)
