"""Typed, frozen records passed between the stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SECTION_KEYS = ("what", "who", "documents", "cost", "deadlines", "how", "where")
# answers are written in Catalan and Spanish; English is understood, and labelled, only
LANGS = ("ca", "es")


@dataclass(frozen=True)
class Channels:
    """Where a procedure can be done: the seu electrònica, the 010 phone line, an OAC office."""

    seu: bool
    phone_010: bool
    oac: bool


@dataclass(frozen=True)
class FaqItem:
    """A detail question inside a procedure and its short, sourced answer (ca and es)."""

    q: dict[str, str]
    a: dict[str, str]
    source: str
    as_of: str | None = None
    # other ways citizens ask the same detail, by language: `faq_also` passages, read by the second level only
    also: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One knowledge entry: a procedure with its texts, sections, channels and sources."""

    id: str
    category: str
    title: dict[str, str]  # ca, es, en
    summary: dict[str, str]  # ca, es, en
    questions: dict[str, tuple[str, ...]]  # ca, es, en
    keywords: tuple[str, ...]
    sections: dict[str, dict[str, str]]  # section key → {ca, es}
    channels: Channels
    url: str | None = None  # the procedure's own official page; None when it has none
    sources: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    updated: str = ""
    # how citizens describe the life event or problem without naming the procedure
    situations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    as_of: dict[str, str] = field(default_factory=dict)  # section key → date of its dated source
    faq: tuple[FaqItem, ...] = ()

    def text(self, field_name: str, lang: str) -> str:
        """title or summary in ``lang``; Catalan when that language is missing."""
        values: dict[str, str] = getattr(self, field_name)
        return values.get(lang) or values["ca"]

    def section(self, key: str, lang: str) -> str:
        """A section's text in the answer language (Spanish for es, Catalan otherwise)."""
        texts = self.sections[key]
        return texts.get(lang) or texts["ca"]


@dataclass(frozen=True)
class OutOfScopeTopic:
    """Something citizens ask that another administration handles (or nobody: chit-chat)."""

    id: str
    where: dict[str, str]
    examples: tuple[tuple[str, str], ...]  # (lang, phrasing)
    # the outside service's own page: {"url": ..., "label": {ca, es, en}}
    link: dict | None = None


class PassageKind(str, Enum):
    """The part of an entry that a passage is taken from."""

    TITLE = "title"
    SECTION = "section"
    QUESTION = "question"
    SITUATION = "situation"
    KEYWORDS = "keywords"
    FAQ = "faq"
    # a FAQ item's other phrasings: only the second level reads them (see ranking.Ranker._masked)
    FAQ_ALSO = "faq_also"
    # a FAQ item's answer, for the second level alone: e5 matches a question to the passage that
    # answers it, not only to another question (cross-validated pick 0.827 -> 0.832)
    FAQ_ANSWER = "faq_answer"


# passage kinds only the second level reads: never evidence for the entry, never learned by
# the entry classifier
SECOND_LEVEL_ONLY = (PassageKind.FAQ_ALSO, PassageKind.FAQ_ANSWER)


@dataclass(frozen=True)
class Passage:
    """One indexed piece of an entry's text, in one language."""

    pid: int
    entry_id: str
    kind: PassageKind
    lang: str
    text: str
    section: str | None = None


@dataclass(frozen=True)
class AnalysedQuery:
    """A query after text analysis: language, terms, spelling corrections and synonyms used."""

    text: str
    lang: str
    tokens: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...] = ()
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # share of the query's own terms the knowledge base knows (0 for gibberish)
    known: float = 1.0
    clean: str = ""  # the text after fillers and voice typing were tidied
    # the terms the text itself gives: ``tokens`` also holds synonyms and the other language's
    # lemmas, so "multa grua" has four tokens but two words (0: not counted)
    words: int = 0


@dataclass(frozen=True)
class Candidate:
    """One entry as ranked by the hybrid retriever."""

    entry_id: str
    score: float
    bm25: float
    dense: float
    bm25_rank: int | None
    dense_rank: int | None
    passage: Passage
    matched_terms: tuple[str, ...] = ()
    # the entry's FAQ item closest to the query (cosine of its question), for detail answers
    faq_item: int | None = None
    faq_score: float = 0.0
    best_section: str | None = None  # the section whose passage matches the query best
    # the part of the entry that answers the question ("faq:3" or a section key); top candidate only, when fitted
    unit: str | None = None
    unit_margin: float = 0.0
    # a short search that names more than the procedure, and that part holds one of the other words
    unit_detail: bool = False

    @property
    def retrievers(self) -> tuple[str, ...]:
        """The names of the retrievers that ranked this entry."""
        found = []
        if self.bm25_rank is not None:
            found.append("bm25")
        if self.dense_rank is not None:
            found.append("dense")
        return tuple(found)


@dataclass(frozen=True)
class SearchResult:
    """The ranked candidates for a query, with the confidence and the features behind it."""

    query: AnalysedQuery
    candidates: tuple[Candidate, ...]
    confidence: float
    timings_ms: dict[str, float] = field(default_factory=dict)
    features: dict[str, float] = field(default_factory=dict)
    # set when the query is closer to something another administration does
    out_of_scope: OutOfScopeTopic | None = None
    # P(a right entry is among the top three): whether an unsure result offers them
    choice_confidence: float = 0.0


class AnswerStatus(str, Enum):
    """What the engine decided: answer, ask to clarify, or give no answer."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    NONE = "none"


@dataclass(frozen=True)
class Answer:
    """The engine's reply to a question: its status, the entry and text, or options to choose from."""

    status: AnswerStatus
    question: str
    lang: str
    confidence: float
    entry: Entry | None = None
    section: str | None = None
    text: str = ""
    options: tuple[Entry, ...] = ()
    result: SearchResult | None = None
    route: OutOfScopeTopic | None = None
    # CLARIFY because the candidates are too close ("close"), or because isac is unsure
    # but they share a theme ("uncertain": "Potser busqueu…" above the fallback channels)
    reason: str = ""
    faq: FaqItem | None = None  # the detail item that answered, when one did
    # with a detail answer, the section it belongs to ("Més informació")
    more_section: str | None = None
    more_text: str = ""
    as_of: str | None = None  # the date of the answer's source, when it is dated
