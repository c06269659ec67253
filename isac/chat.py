"""The chat behind the widget: sessions, small talk, follow-ups, clarifications, fallbacks.

One ``Chat`` serves every visitor. A session remembers the procedure under discussion so
that "i quant costa?" is answered from it; a message with a topic of its own starts over.
Sessions are immutable snapshots replaced on every turn, so a reader never sees a half
updated one; two simultaneous messages on one session keep the last write.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from isac.engine import check_query
from isac.intent import detect_intent
from isac.language import detect
from isac.presenters import CLARIFY, FALLBACK, channel_links, entry_card
from isac.records import SECTION_TITLES, AnswerStatus, Entry
from isac.text import fold

SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# one or two words rarely tell Catalan from Spanish ("padró"); only these settle it for Spanish
_SHORT_ES = re.compile(r"[ñ¿¡]|ción\b|ón\b|\b(el|los|las|qué|cómo|dónde|cuánto|cuándo|y)\b", re.IGNORECASE)


# -- sessions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Turn:
    question: str
    status: str
    entry_id: str | None
    at: float


@dataclass(frozen=True)
class Session:
    id: str
    seen: float
    lang: str | None = None
    entry_id: str | None = None  # the procedure under discussion
    options: tuple[str, ...] = ()  # entry ids offered in a pending clarification
    question: str = ""  # the question that asked for the clarification
    turns: tuple[Turn, ...] = ()


class SessionStore:
    """Bounded in size (least recently used goes first) and in time (idle TTL)."""

    def __init__(self, ttl_s: float, max_sessions: int, max_turns: int,
                 clock: Callable[[], float] = time.monotonic):
        self.ttl_s, self.max_sessions, self.max_turns = ttl_s, max_sessions, max_turns
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen > self.ttl_s:
                del self._sessions[session_id]
                return None
            self._sessions.move_to_end(session_id)
            return session

    def new(self) -> Session:
        # unguessable: the id is the only key to a conversation
        return Session(id=secrets.token_urlsafe(18), seen=self._clock())

    def save(self, session: Session) -> Session:
        session = replace(session, seen=self._clock(), turns=session.turns[-self.max_turns:])
        with self._lock:
            self._sessions[session.id] = session
            self._sessions.move_to_end(session.id)
            self._expire(session.seen)
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return session

    def _expire(self, now: float) -> None:
        # least recently used first, so expired sessions sit at the front
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.seen <= self.ttl_s:
                break
            self._sessions.popitem(last=False)


# -- small talk -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SmallTalk:
    kind: str  # a key of SMALL_TALK_REPLIES
    lang: str | None  # "ca" or "es" when the words settle it
    alone: bool = True  # False: an insult around a question, which still deserves an answer


# folded text; (kind, language the words give away, pattern). Written for this assistant,
# tested against real Catalan small talk in tests/test_chat.py.
_SMALL_TALK: tuple[tuple[str, str | None, re.Pattern], ...] = tuple(
    (kind, lang, re.compile(rf"(?<![\w·])(?:{pattern})(?![\w·])"))
    for kind, lang, pattern in (
        ("insult", None, r"inutils?|idiot[ae]s?|imbecils?|estupid[ao]?s?|tont[oa]s?|burr[oa]s?|merd[ae]s?|mierdas?|"
                         r"gilipoll[ae]s|capull[oa]s?|cabron\w*|subnormals?|cretin[ao]?s?|fuck\w*|stupid|useless|"
                         r"no serveixes (per|de) (a )?res|no sirves para nada"),
        ("frustration", "ca", r"no (m'entens|m'estas entenent|funciones( be)?|es aixo|t'estic preguntant aixo)|"
                              r"et repeteixes|aixo ja (ho )?has dit|ho estas fent (gens )?malament"),
        ("frustration", "es", r"no (me entiendes|me estas entendiendo|funcionas( bien)?|es eso)|te repites|eso ya lo has dicho"),
        ("thanks", "ca", r"(moltes |mil )?(gracies|merces)|(t'ho|us ho) agraeixo|molt amable|agrait|agraida"),
        ("thanks", "es", r"(muchas |mil )?gracias|te lo agradezco|muy amable|agradecid[oa]"),
        ("thanks", None, r"merci|thanks|thank you|thx"),
        ("bye", "ca", r"adeu( siau)?|siau|a reveure|fins (aviat|ara|despres|dema|un altre dia|una altra)|"
                      r"(fins )?a la (propera|proxima)|passi?-?ho be|que (vagi|vagis) be|"
                      r"(que )?(passis|passi|passa) (un )?bon dia|ens veiem|ja (en )?parl\w+"),
        ("bye", "es", r"adios|hasta (luego|pronto|manana|otra|la proxima)|nos vemos|que vaya bien|chao|chau"),
        ("bye", None, r"bye|goodbye|ciao"),
        ("greet", "ca", r"bon (dia|vespre)|bona (tarda|nit)|bones|deu vos guard"),
        ("greet", "es", r"buen(os|as) (dias|tardes|noches)|buenas"),
        ("greet", None, r"hola+|holi|ei+|ep|eps|epa|uep|hey|hi|hello|salut|salutacions|saludos|que tal"),
        ("help", "ca", r"(en )?que (em )?(pots|saps) (fer|ajudar|respondre)|(per a |per )?que serveixes|de que serveixes|"
                       r"que (et|li) puc preguntar|quines (coses|preguntes) (et puc preguntar|respons)|ajuda'?m?"),
        ("help", "es", r"(en )?que (me )?(puedes|sabes) (hacer|ayudar|responder)|para que sirves|que te puedo preguntar|"
                       r"ayuda(me)?"),
        ("help", None, r"help"),
        ("name", "ca", r"(em dic|el meu nom es|em diuen) [\w·'-]+"),
        ("name", "es", r"(me llamo|mi nombre es) [\w·'-]+"),
        ("chitchat", "ca", r"com (estas|esta|va|anem|vas)|i tu|qui ets|que ets|(quin|tens|has) (es el teu )?nom( tens)?|"
                           r"com (et|te) (dius|diuen|criden)|quin nom (tens|t'han posat)|t'han posat nom|qui (t'ha fet|et va fer)|"
                           r"(estic parlant|parlo) amb (un |una )?(bot|robot|persona|maquina|huma|humana)|"
                           r"ets (un |una )?(bot|robot|persona|huma|humana|maquina|maquina)|"
                           r"(tens|quina) hora( es| tens)?|((em )?(pots|podries) )?(dir|dius) l'hora|que fas|fa (fred|calor|sol|fresca|fresqueta|bo)"),
        ("chitchat", "es", r"como (estas|esta|va|te llamas)|y tu|quien eres|que eres|tienes nombre|quien te ha hecho|"
                           r"(estoy hablando|hablo) con (un |una )?(bot|robot|persona|maquina|humano|humana)|"
                           r"eres (un |una )?(bot|robot|persona|humano|humana|maquina)|que hora es|que haces|"
                           r"hace (frio|calor|sol)"),
        ("mood", None, r"(estic|estoy|em sento|me siento) (molt |muy |una mica |un poco )?(be|bien|malament|mal|fatal|genial|"
                       r"trist[ae]?|cansad[ao]|cansat|cansada|content[a]?|contento|fart[a]?|hart[ao]|deprimid[ao]|feli[cz])|"
                       r"malament|fatal|de pena|trist[ae]?|(no gaire|gens) be|anar (fent|tirant)|anem (fent|tirant)|"
                       r"fantastic|ps+e"),
        ("praise", None, r"(ets|eres) (molt |muy |una |un )?(maco|maca|mono|mona|monada|simpatic\w*|guai|bufo|crack|genial)|"
                         r"m'agrades|me gustas|(ho|lo) (fas|haces) (molt |muy )?be[n]?|funciones (molt )?be|"
                         r"te'n surts( molt)? be|que (xulo|guai|bonic)"),
        ("more", "ca", r"(encara )?(tinc|et vull fer|vull fer-te|et puc fer) (una altra|mes) pregunt\w*|"
                       r"(et |t'he de |vull |et vull |puc |et puc )?preguntar(-te)? (mes|una altra) (coses|cosa)"),
        ("more", "es", r"(tengo|quiero hacerte) (otra|mas) pregunt\w*"),
        ("ack", None, r"d'acord|entesos|perfect[eo]|vale|val|ok|okey|oquei|genial|super|molt be|muy bien|entendido|entes|"
                      r"(es )?clar[o]?|(i|oi) tant|correcte|exact[eo]|afirmatiu|si|no|de res|de nada|"
                      r"(no ho|crec que no|creo que no)|en absolut|de cap manera|para nada"),
    )
)
# a message that speaks of self-harm always gets the helplines, however long it is
_CRISIS = re.compile(r"(?<![\w·])((em )?vull morir(?!(-me)? de riure)|me quiero morir|suicid\w*|matar-me|matarme|treure'm la vida|"
                     r"quitarme la vida|no vull viure|no quiero vivir)(?![\w·])")
# what may be left around small-talk phrases without making it a question
_FILLER = frozenset(
    "a ai al amb and be bé caram com de del doncs el els em en es et ets eres eh és hi i jo la les lo me mira molt "
    "muy oi per pfff pff pues que què si sí sr sra senyor senyora señor señora soc sóc tu un una vosaltres y ya ja "
    "isac bot xat chat xatbot chatbot amic amiga amigo tothom todos favor".split()
)
_ORDER = ("insult", "frustration", "thanks", "bye", "help", "name", "greet", "chitchat", "mood", "praise", "more", "ack")
_WORD_RE = re.compile(r"[\w·']+")


def _key(text: str) -> str:
    return " ".join(_WORD_RE.findall(fold(text).replace("’", "'")))


def small_talk(text: str) -> SmallTalk | None:
    """The small-talk kind of a message that carries nothing else, or None."""
    low = fold(text).replace("’", "'")
    if _CRISIS.search(low):
        return SmallTalk("crisis", None)
    words = _WORD_RE.findall(low)
    if not words or len(words) > 12:
        return None
    found: list[tuple[str, str | None]] = []
    rest = low
    for kind, lang, pattern in _SMALL_TALK:
        if pattern.search(rest):
            found.append((kind, lang))
            rest = pattern.sub(" ", rest)
    if not found:
        return None
    kinds = {k for k, _ in found}
    langs = {lang for _, lang in found if lang}
    lang = langs.pop() if len(langs) == 1 else None
    # any other leftover word is a topic: "hola, com m'empadrono?" is a question
    if [w for w in _WORD_RE.findall(rest) if w.strip("'") not in _FILLER]:
        return SmallTalk("insult", lang, alone=False) if "insult" in kinds else None
    if kinds <= {"ack", "mood"} and len(words) > 4:
        return None
    return SmallTalk(next(k for k in _ORDER if k in kinds), lang)


SMALL_TALK_REPLIES = {
    "greet": {"ca": "Hola! Sóc l'isac, l'assistent de l'Ajuntament de Terrassa. Pregunta'm sobre tràmits i serveis municipals.",
              "es": "¡Hola! Soy isac, el asistente del Ayuntamiento de Terrassa. Pregúntame sobre trámites y servicios municipales."},
    "thanks": {"ca": "De res! Si tens cap altre dubte, pregunta'm.",
               "es": "¡De nada! Si tienes alguna otra duda, pregúntame."},
    "bye": {"ca": "Adéu! Que vagi bé.", "es": "¡Adiós! Que vaya bien."},
    "insult": {"ca": "Sento no haver-te ajudat prou. Digues-me quin tràmit busques i ho torno a provar, o truca al 010.",
               "es": "Siento no haberte ayudado lo suficiente. Dime qué trámite buscas y lo vuelvo a intentar, o llama al 010."},
    "frustration": {"ca": "Perdona. Prova de dir-m'ho amb altres paraules o amb el nom del tràmit. També et poden atendre al 010.",
                    "es": "Perdona. Prueba a decírmelo con otras palabras o con el nombre del trámite. También te pueden atender en el 010."},
    "help": {"ca": "Et puc orientar sobre tràmits i serveis de l'Ajuntament de Terrassa: què cal, quant costa, on es fa i quins terminis té. Per exemple: «com m'empadrono?»",
             "es": "Te puedo orientar sobre trámites y servicios del Ayuntamiento de Terrassa: qué hace falta, cuánto cuesta, dónde se hace y qué plazos tiene. Por ejemplo: «¿cómo me empadrono?»"},
    "name": {"ca": "Encantat! En què et puc ajudar?", "es": "¡Encantado! ¿En qué te puedo ayudar?"},
    "chitchat": {"ca": "Sóc l'isac, un assistent automàtic de l'Ajuntament de Terrassa. Et puc ajudar amb tràmits i serveis municipals.",
                 "es": "Soy isac, un asistente automático del Ayuntamiento de Terrassa. Te puedo ayudar con trámites y servicios municipales."},
    "mood": {"ca": "Gràcies per dir-m'ho. Si et puc ajudar amb algun tràmit o servei municipal, pregunta'm.",
             "es": "Gracias por contármelo. Si te puedo ayudar con algún trámite o servicio municipal, pregúntame."},
    "praise": {"ca": "Moltes gràcies! Què més vols saber?", "es": "¡Muchas gracias! ¿Qué más quieres saber?"},
    "more": {"ca": "Endavant, pregunta'm.", "es": "Adelante, pregúntame."},
    "ack": {"ca": "D'acord. Vols saber alguna cosa més?", "es": "De acuerdo. ¿Quieres saber algo más?"},
    "crisis": {"ca": "Si estàs passant un moment molt difícil, no estàs sol: truca al 024 (atenció a la conducta suïcida, gratuït, 24 hores) o al 112 si és una urgència.",
               "es": "Si estás pasando un momento muy difícil, no estás solo: llama al 024 (atención a la conducta suicida, gratuito, 24 horas) o al 112 si es una urgencia."},
}

# -- follow-ups -----------------------------------------------------------------------------
FOLLOWUP_QUESTIONS = {
    "cost": {"ca": "I quant costa?", "es": "¿Y cuánto cuesta?"},
    "documents": {"ca": "Quina documentació cal?", "es": "¿Qué documentos necesito?"},
    "how": {"ca": "On i com es fa?", "es": "¿Dónde y cómo se hace?"},
    "deadlines": {"ca": "Quins terminis hi ha?", "es": "¿Qué plazos hay?"},
    "who": {"ca": "Qui ho pot demanar?", "es": "¿Quién puede pedirlo?"},
}
MISSING_SECTION = {
    "ca": "La fitxa de «{title}» no detalla aquest punt. Consulta-la o truca al 010.",
    "es": "La ficha de «{title}» no detalla este punto. Consúltala o llama al 010.",
}
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
"""


@dataclass(frozen=True)
class ChatReply:
    text: str
    status: str  # answer, clarify, none, smalltalk
    lang: str
    cards: tuple[dict, ...] = ()
    options: tuple[tuple[str, str], ...] = ()  # (entry id, title)
    followups: tuple[str, ...] = ()
    links: tuple[dict, ...] = ()
    entry_id: str | None = None
    section: str | None = None
    followup: bool = False  # answered from the procedure under discussion


@dataclass(frozen=True)
class ChatTurn:
    session_id: str
    reply: ChatReply


class JsonlLog:
    """Append-only JSON lines, created on demand; one lock per file keeps lines whole."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def write(self, record: dict) -> None:
        line = json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record}, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")


@dataclass
class Chat:
    engine: object
    store: SessionStore
    unanswered: JsonlLog
    max_chars: int = 500
    _aspects: frozenset[str] = field(default=frozenset(), init=False)
    _titles: dict[str, Entry] = field(default_factory=dict, init=False)

    def __post_init__(self):
        analyzer = self.engine.index.analyzer
        words = _ASPECT_WORDS.split()
        self._aspects = frozenset(t for lang in ("ca", "es") for t in analyzer.terms(words, lang))
        # a title sent as a message (a related-procedure button) names its entry outright
        self._titles = {_key(t): e for e in self.engine.index.entries for t in e.title.values()}

    # -- the turn -------------------------------------------------------------------------
    def reply(self, message: str, session_id: str | None = None, option_id: str | None = None) -> ChatTurn:
        text = check_query(message, self.max_chars)  # QueryError: the caller answers 422
        session = self.store.get(session_id) or self.store.new()
        lang = self._lang(text, session.lang)
        option = self.engine.index.entry(option_id) if option_id else None
        option = option or self._titles.get(_key(text))
        talk = None if option else small_talk(text)
        if talk is not None and not talk.alone:
            # answer the question inside an insult; only when there is none, reply to the tone
            reply, session = self._new_question(text, lang, session, insult=True)
        elif option is not None:
            reply = self._entry_reply(option, session.question or text, lang)
            session = replace(session, entry_id=option.id, options=(), question="")
        elif talk is not None:
            # "hola" gives no language away: keep the conversation's, else Catalan first
            lang = talk.lang or session.lang or "ca"
            reply = ChatReply(SMALL_TALK_REPLIES[talk.kind][lang], "smalltalk", lang)
        elif session.entry_id and (entry := self.engine.index.entry(session.entry_id)) and self.is_followup(text, lang):
            reply = self._entry_reply(entry, text, lang, followup=True)
        else:
            reply, session = self._new_question(text, lang, session)
        turn = Turn(text[:200], reply.status, reply.entry_id, time.time())
        session = self.store.save(replace(session, lang=reply.lang, turns=session.turns + (turn,)))
        return ChatTurn(session.id, reply)

    @staticmethod
    def _lang(text: str, session_lang: str | None) -> str:
        if len(text.split()) <= 2:
            return "es" if _SHORT_ES.search(text) else (session_lang or "ca")
        return "es" if detect(text) == "es" else "ca"

    def is_followup(self, text: str, lang: str) -> bool:
        """A short question about an aspect (cost, papers, where...) with no topic of its own."""
        if len(text.split()) > 10 or detect_intent(text) is None:
            return False
        tokens = self.engine.index.analyzer.analyse(text, lang, expand=False).tokens
        return all(t in self._aspects for t in tokens)

    def _new_question(self, text: str, lang: str, session: Session, insult: bool = False) -> tuple[ChatReply, Session]:
        # a new topic resets what the conversation was about
        session = replace(session, entry_id=None, options=(), question="")
        answer = self.engine.answer(text, lang=lang)
        lang = answer.lang
        if insult:
            # around an insult, only a question that shares words with an entry is taken as one
            top = answer.result.candidates[0] if answer.result and answer.result.candidates else None
            if answer.status is AnswerStatus.NONE or top is None or top.bm25 <= 0:
                return ChatReply(SMALL_TALK_REPLIES["insult"][lang], "smalltalk", lang), session
        if answer.status is AnswerStatus.ANSWER and answer.entry is not None:
            reply = self._card_reply(answer.entry, answer.section, answer.text, lang)
            return reply, replace(session, entry_id=answer.entry.id)
        if answer.status is AnswerStatus.CLARIFY:
            options = tuple((e.id, e.title.get(lang, e.title["ca"])) for e in answer.options)
            reply = ChatReply(CLARIFY[lang], "clarify", lang, options=options)
            return reply, replace(session, options=tuple(o[0] for o in options), question=text)
        top = answer.result.candidates[0] if answer.result and answer.result.candidates else None
        self.unanswered.write({
            "session": session.id, "question": text, "lang": lang,
            "confidence": round(answer.confidence, 4), "route": answer.route.id if answer.route else None,
            "top": top.entry_id if top else None, "top_score": round(top.score, 4) if top else None,
        })
        # another administration's topic is not a gap in our content, but say where to go
        message = answer.route.where.get(lang, answer.route.where["ca"]) if answer.route else FALLBACK[lang]
        return ChatReply(message, "none", lang, links=tuple(channel_links(None, lang))), session

    def _entry_reply(self, entry: Entry, question: str, lang: str, followup: bool = False) -> ChatReply:
        intent = detect_intent(question)
        if followup and intent and intent not in entry.sections:
            body = MISSING_SECTION[lang].format(title=entry.title.get(lang, entry.title["ca"]))
            return replace(self._card_reply(entry, None, body, lang), followup=True)
        section, body = self.engine.section_for(entry, question, lang)
        return replace(self._card_reply(entry, section, body, lang), followup=followup)

    def _card_reply(self, entry: Entry, section: str | None, body: str, lang: str) -> ChatReply:
        card = {**entry_card(entry, lang), "section": section,
                "section_title": SECTION_TITLES[section][lang] if section else None}
        return ChatReply(body, "answer", lang, cards=(card,), followups=self.followups(entry, section, lang),
                         entry_id=entry.id, section=section)

    def followups(self, entry: Entry, shown: str | None, lang: str, limit: int = 3) -> tuple[str, ...]:
        """Questions the entry can answer next, then a related procedure."""
        out = [FOLLOWUP_QUESTIONS[k][lang] for k in FOLLOWUP_QUESTIONS if k in entry.sections and k != shown][:limit]
        for rel in entry.related:
            other = self.engine.index.entry(rel)
            if other is not None:
                out.append(other.title.get(lang, other.title["ca"]))
                break
        return tuple(out)
