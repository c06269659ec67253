"""Small talk: greetings, thanks, insults, chit-chat; recognised so the engine never sees them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from isac.text import fold


@dataclass(frozen=True)
class SmallTalk:
    """A recognised small-talk message: its kind, its language, and whether it stands alone."""

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
        ("chitchat", "ca", r"com (estas|esta|va( tot)?|anem|vas)|i tu|qui ets|que ets|(quin|tens|has) (es el teu )?nom( tens)?|"
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
                         r"m'agrades|me gustas|(ho|lo) (fas|haces) (molt |muy )?(be|ben|bien)|funciones (molt )?be|"
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




def message_key(text: str) -> str:
    """Folded words of a message, for matching button titles exactly."""
    return _key(text)
