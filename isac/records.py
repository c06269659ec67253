"""Typed, frozen records passed between the stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SECTION_KEYS = ("what", "who", "documents", "cost", "deadlines", "how")
SECTION_TITLES = {
    "what": {"ca": "Què és", "es": "Qué es"},
    "who": {"ca": "Qui ho pot demanar", "es": "Quién puede pedirlo"},
    "documents": {"ca": "Documentació", "es": "Documentación"},
    "cost": {"ca": "Cost", "es": "Coste"},
    "deadlines": {"ca": "Terminis", "es": "Plazos"},
    "how": {"ca": "Com i on", "es": "Cómo y dónde"},
}
LANGS = ("ca", "es")


@dataclass(frozen=True)
class Channels:
    seu: bool
    phone_010: bool
    oac: bool


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    title: dict[str, str]
    summary: dict[str, str]
    questions: dict[str, tuple[str, ...]]
    keywords: tuple[str, ...]
    sections: dict[str, str]
    channels: Channels
    url: str
    sources: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    updated: str = ""


@dataclass(frozen=True)
class OutOfScopeTopic:
    """Something citizens ask that another administration handles (or nobody: chit-chat)."""

    id: str
    where: dict[str, str]
    examples: tuple[tuple[str, str], ...]  # (lang, phrasing)


class PassageKind(str, Enum):
    TITLE = "title"
    SECTION = "section"
    QUESTION = "question"
    KEYWORDS = "keywords"


@dataclass(frozen=True)
class Passage:
    pid: int
    entry_id: str
    kind: PassageKind
    lang: str
    text: str
    section: str | None = None


@dataclass(frozen=True)
class AnalysedQuery:
    text: str
    lang: str
    tokens: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...] = ()
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # share of the query's own terms the knowledge base knows (0 for gibberish)
    known: float = 1.0


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

    @property
    def retrievers(self) -> tuple[str, ...]:
        found = []
        if self.bm25_rank is not None:
            found.append("bm25")
        if self.dense_rank is not None:
            found.append("dense")
        return tuple(found)


@dataclass(frozen=True)
class SearchResult:
    query: AnalysedQuery
    candidates: tuple[Candidate, ...]
    confidence: float
    timings_ms: dict[str, float] = field(default_factory=dict)
    features: dict[str, float] = field(default_factory=dict)
    # set when the query is closer to something another administration does
    out_of_scope: OutOfScopeTopic | None = None


class AnswerStatus(str, Enum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NONE = "none"


@dataclass(frozen=True)
class Answer:
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
