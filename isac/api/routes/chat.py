"""Chat: the widget's turn, with follow-ups."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from isac.api.deps import ChatDep
from isac.api.models import ChatRequest, ChatResponse, ErrorResponse
from isac.api.presenters import chat_response
from isac.query import QueryError

router = APIRouter(tags=["chat"])


@router.post("/api/chat", response_model=ChatResponse,
             responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def chat(bot: ChatDep, body: ChatRequest):
    """One message in, one reply out; send back the session id for follow-ups."""
    try:
        turn = bot.reply(body.message, session_id=body.session_id, option_id=body.option_id, lang=body.lang)
    except QueryError as exc:
        raise HTTPException(422, f"message: {exc}") from exc
    return chat_response(turn)
