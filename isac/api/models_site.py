"""Request and response models of the site routes: suggest, chat and feedback."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictBool

from isac.api.models import Card, Link

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
    session_id: str | None = Field(None, pattern=SESSION_PATTERN, description="returned by the previous reply")
    # the real limit (settings.max_query_chars) is checked with a clearer message; this one
    # only keeps huge bodies out of the validator
    message: str = Field(max_length=10_000, examples=["com m'empadrono?"])
    option_id: str | None = Field(None, max_length=200, description="the entry id of a clarification button")


class ChatCard(Card):
    section: str | None
    section_title: str | None


class ChatOption(BaseModel):
    id: str
    title: str


class ChatReplyOut(BaseModel):
    text: str
    status: Literal["answer", "clarify", "none", "smalltalk"]
    lang: Literal["ca", "es"]
    cards: list[ChatCard]
    options: list[ChatOption]
    followups: list[str]
    links: list[Link] = Field(description="where to get help when there is no answer")
    followup: bool = Field(description="answered from the procedure under discussion")


class ChatResponse(BaseModel):
    session_id: str
    reply: ChatReplyOut


class FeedbackRequest(BaseModel):
    useful: StrictBool
    session_id: str | None = Field(None, pattern=SESSION_PATTERN)
    question: str | None = Field(None, max_length=2_000)
    entry_id: str | None = Field(None, max_length=200)
    comment: str | None = Field(None, max_length=1_000)


class FeedbackResponse(BaseModel):
    status: Literal["recorded"]
