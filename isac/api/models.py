"""Response and request models of the HTTP API (separate from the internal records)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Link(BaseModel):
    kind: str = Field(description="fitxa, seu, cita or 010")
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
    score: float
    url: str
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
    title: str
    summary: str
    url: str
    links: list[Link]


class AnswerCard(Card):
    section: str | None
    section_title: str | None
    text: str


class Fallback(BaseModel):
    message: str
    route: str | None = Field(None, description="out-of-scope topic id, when another administration handles it")
    links: list[Link]


class AskResponse(BaseModel):
    question: str
    lang: str
    status: Literal["answer", "clarify", "none"]
    confidence: float
    answer: AnswerCard | None
    options: list[Card]
    message: str | None = None
    fallback: Fallback | None


class EntryTexts(BaseModel):
    title: str
    summary: str
    questions: list[str]


class EntryResponse(BaseModel):
    id: str
    category: str
    url: str
    keywords: list[str]
    related: list[str]
    updated: str
    channels: dict[str, bool]
    sections: dict[str, str]
    ca: EntryTexts
    es: EntryTexts
    links: list[Link]


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    entries: int = 0
    encoder: str | None = None
    index_version: int | None = None
    built_at: str | None = None
    detail: str | None = None


class ErrorResponse(BaseModel):
    detail: str
