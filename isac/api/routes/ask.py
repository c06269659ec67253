"""Ask: one question, one decision (answer, a choice, or where to go)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from isac.api.deps import EngineDep
from isac.api.models import AskRequest, AskResponse, ErrorResponse
from isac.api.presenters import ask_response
from isac.query import QueryError

router = APIRouter(tags=["ask"])


@router.post("/api/ask", response_model=AskResponse,
             responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def ask(engine: EngineDep, body: AskRequest):
    """The answer card, the options of a clarification, or the fallback."""
    try:
        answer = engine.answer(body.question, lang=body.lang)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from exc
    return ask_response(answer)
