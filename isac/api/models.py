"""Response and request models of the HTTP API (separate from the internal records)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictBool

Lang = Literal["ca", "es", "en"]


class Link(BaseModel):
    kind: str = Field(description="fitxa, seu, cita, 010 or outside (another administration's page)")
    label: str
    url: str


class PassageOut(BaseModel):
    kind: str
    section: str | None
    text: str


class SearchHit(BaseModel):
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
    query: str
    lang: str
    tokens: list[str]
    corrections: list[list[str]]
    confidence: float
    results: list[SearchHit]


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=500, examples=["com m'empadrono?"])
    lang: Literal["ca", "es", "en"] | None = None


class Card(BaseModel):
    id: str
    category: str
    category_name: str
    title: str
    summary: str
    url: str | None = Field(description="the procedure's own official page; null when it has none")
    links: list[Link]


class AnswerCard(Card):
    section: str | None
    section_title: str | None
    text: str
    as_of: str | None = Field(None, description="date of the answer's source when it is dated")
    note: str | None = Field(None, description="e.g. a reminder to confirm a fact older than two years")


class Fallback(BaseModel):
    message: str
    route: str | None = Field(None, description="out-of-scope topic id, when another administration handles it")
    links: list[Link]


class AskResponse(BaseModel):
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
    title: str
    summary: str
    questions: list[str]


class EntryResponse(BaseModel):
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
    status: Literal["ok", "unavailable"]
    entries: int = 0
    encoder: str | None = None
    index_format: int | None = None
    index_version: str | None = Field(None, description="knowledge hash and build time of the index served")
    built_at: str | None = None
    detail: str | None = None


class ErrorResponse(BaseModel):
    detail: str

SESSION_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class SuggestItem(BaseModel):
    text: str
    entry_id: str
    kind: Literal["title", "question"]
    lang: str


class SuggestResponse(BaseModel):
    query: str
    suggestions: list[SuggestItem]
    took_ms: float


class ChatRequest(BaseModel):
    lang: Lang | None = Field(None, description="the page's language, when the message gives none away")
    session_id: str | None = Field(None, pattern=SESSION_PATTERN, description="returned by the previous reply")
    # the real limit (settings.max_query_chars) is checked with a clearer message; this one
    # only keeps huge bodies out of the validator
    message: str = Field(max_length=10_000, examples=["com m'empadrono?"])
    option_id: str | None = Field(None, max_length=200, description="the entry id of a clarification button")


class ChatCard(AnswerCard):
    pass


class ChatOption(BaseModel):
    id: str
    title: str


class ChatReplyOut(BaseModel):
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
    session_id: str
    expired: bool = Field(False, description="the sent session had expired; a new conversation began")
    reply: ChatReplyOut


class FeedbackRequest(BaseModel):
    useful: StrictBool
    session_id: str | None = Field(None, pattern=SESSION_PATTERN)
    question: str | None = Field(None, max_length=2_000)
    entry_id: str | None = Field(None, max_length=200)
    comment: str | None = Field(None, max_length=1_000)


class FeedbackResponse(BaseModel):
    status: Literal["recorded"]
