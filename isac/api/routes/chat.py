"""Chat: the widget's turn, with follow-ups."""

from __future__ import annotations

import time

from fastapi import APIRouter, HTTPException, Request

from isac.api.deps import ChatDep, record
from isac.api.models import ChatRequest, ChatResponse, ErrorResponse
from isac.api.presenters import chat_response
from isac.query import QueryError

router = APIRouter(tags=["chat"])


@router.post("/api/chat", response_model=ChatResponse,
             responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def chat(request: Request, bot: ChatDep, body: ChatRequest):
    """One message in, one reply out; send back the session id for follow-ups."""
    started = time.perf_counter()
    try:
        turn = bot.reply(body.message, session_id=body.session_id, option_id=body.option_id, lang=body.lang)
    except QueryError as exc:
        raise HTTPException(422, f"message: {exc}") from exc
    r = turn.reply
    record(request, "chat", body.message, r.lang, r.entry_id, None, r.status, {}, started)
    return chat_response(turn)
