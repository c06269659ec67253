"""Response and request models of the HTTP API (separate from the internal records)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictBool

Lang = Literal["ca", "es", "en"]


class Link(BaseModel):
    """A link shown with an answer or fallback: its kind, label and URL."""

    kind: str = Field(description="fitxa, seu, cita, 010 or outside (another administration's page)")
    label: str
    url: str


class PassageOut(BaseModel):
    """The passage of an entry that best matched a search."""

    kind: str
    section: str | None
    text: str


class SearchHit(BaseModel):
    """One ranked entry in a search response, with its scores and best passage."""

    id: str
    title: str
    category: str
    category_name: str
    summary: str = Field(description="the summary's first sentence, in the question's language")
    score: float
    url: str | None
    retrievers: list[str]
    bm25: float
    dense: float
    passage: PassageOut


class SearchResponse(BaseModel):
    """Response to a search: the analysed query, its confidence and the ranked entries."""

    query: str
    lang: str
    tokens: list[str]
    corrections: list[list[str]]
    confidence: float
    results: list[SearchHit]


class AskRequest(BaseModel):
    """Request to answer one question, optionally in a given language."""

    question: str = Field(min_length=1, max_length=500, examples=["com m'empadrono?"])
    lang: Literal["ca", "es", "en"] | None = None


class Card(BaseModel):
    """An entry shown as a card: title, summary, official page and links."""

    id: str
    category: str
    category_name: str
    title: str
    summary: str
    url: str | None = Field(description="the procedure's own official page; null when it has none")
    links: list[Link]


class AnswerCard(Card):
    """The card of the answering entry, with the section text that answers the question."""

    section: str | None
    section_title: str | None
    text: str
    as_of: str | None = Field(None, description="date of the answer's source when it is dated")
    note: str | None = Field(None, description="e.g. a reminder to confirm a fact older than two years")
    more_title: str | None = Field(None, description="with a specific answer: the heading of its section")
    more_text: str | None = Field(None, description="with a specific answer: the section it belongs to")


class Fallback(BaseModel):
    """Where to turn when there is no answer: a message, an out-of-scope route and links."""

    message: str
    route: str | None = Field(None, description="out-of-scope topic id, when another administration handles it")
    links: list[Link]


class AskResponse(BaseModel):
    """Response to a question: an answer, options to clarify between, or a fallback."""

    question: str
    lang: Lang = Field(description="the question's language; labels follow it, answers are ca or es")
    status: Literal["answer", "clarify", "none"]
    reason: str = Field("", description="for clarify: close (near tie) or uncertain (Potser busqueu…)")
    confidence: float
    answer: AnswerCard | None
    options: list[Card]
    message: str | None = None
    fallback: Fallback | None
    labels: dict[str, str] = Field(description="UI labels in the question's language")


class EntryTexts(BaseModel):
    """An entry's title, summary and questions in one language."""

    title: str
    summary: str
    questions: list[str]


class EntryResponse(BaseModel):
    """Response with one knowledge entry in full, its texts in Catalan and Spanish."""

    id: str
    category: str
    url: str | None
    keywords: list[str]
    related: list[str]
    updated: str
    channels: dict[str, bool]
    sections: dict[str, dict[str, str]] = Field(description="section key → {ca, es}")
    ca: EntryTexts
    es: EntryTexts
    links: list[Link]


class Health(BaseModel):
    """Response of the health check: whether an index is served, and which one."""

    status: Literal["ok", "unavailable"]
    entries: int = 0
    encoder: str | None = None
    index_format: int | None = None
    index_version: str | None = Field(None, description="knowledge hash and build time of the index served")
    built_at: str | None = None
    detail: str | None = None


class ErrorResponse(BaseModel):
    """Response body of an error, with a message saying what went wrong."""

    detail: str

SESSION_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class SuggestItem(BaseModel):
    """One search-box completion and the entry it leads to."""

    text: str
    entry_id: str
    kind: Literal["title", "question"]
    lang: str
    title: str = Field(description="the procedure's title, shown under a suggested question")


class SuggestResponse(BaseModel):
    """Response with search-box completions for a partly typed query."""

    query: str
    suggestions: list[SuggestItem]
    took_ms: float


class ChatRequest(BaseModel):
    """Request for one chat turn: a message or a clarification button, within a session."""

    lang: Lang | None = Field(None, description="the page's language, when the message gives none away")
    session_id: str | None = Field(None, pattern=SESSION_PATTERN, description="returned by the previous reply")
    # the real limit (settings.max_query_chars) is checked with a clearer message; this one
    # only keeps huge bodies out of the validator
    message: str = Field(max_length=10_000, examples=["com m'empadrono?"])
    option_id: str | None = Field(None, max_length=200, description="the entry id of a clarification button")


class ChatCard(AnswerCard):
    """An answer card within a chat reply."""

    pass


class ChatOption(BaseModel):
    """A clarification button in a chat reply: an entry id and its title."""

    id: str
    title: str


class ChatReplyOut(BaseModel):
    """The assistant's reply in one chat turn: text, cards, options, follow-ups and links."""

    text: str
    status: Literal["answer", "clarify", "none", "smalltalk"]
    lang: Lang
    reason: str = ""
    cards: list[ChatCard]
    options: list[ChatOption]
    followups: list[str]
    links: list[Link] = Field(description="where to get help when there is no answer")
    followup: bool = Field(description="answered from the procedure under discussion")
    labels: dict[str, str]


class ChatResponse(BaseModel):
    """Response to a chat turn: the session id to send next time and the reply."""

    session_id: str
    expired: bool = Field(False, description="the sent session had expired; a new conversation began")
    reply: ChatReplyOut


class FeedbackRequest(BaseModel):
    """Request recording whether an answer was useful, with optional context and comment."""

    useful: StrictBool
    session_id: str | None = Field(None, pattern=SESSION_PATTERN)
    question: str | None = Field(None, max_length=2_000)
    entry_id: str | None = Field(None, max_length=200)
    comment: str | None = Field(None, max_length=1_000)


class FeedbackResponse(BaseModel):
    """Response confirming that the feedback was recorded."""

    status: Literal["recorded"]
