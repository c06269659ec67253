"""Ask: one question, one decision (answer, a choice, or where to go)."""

from __future__ import annotations

import time

from fastapi import APIRouter, HTTPException, Request

from isac.api.deps import EngineDep, record
from isac.api.models import AskRequest, AskResponse, ErrorResponse
from isac.api.presenters import ask_response
from isac.cache import cache_key
from isac.query import QueryError

router = APIRouter(tags=["ask"])


@router.post("/api/ask", response_model=AskResponse,
             responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def ask(request: Request, engine: EngineDep, body: AskRequest):
    """The answer card, the options of a clarification, or the fallback."""
    started = time.perf_counter()
    try:
        ran: list[bool] = []

        def compute():
            ran.append(True)
            return engine.answer(body.question, lang=body.lang)

        answer = request.app.state.cache.get_or_compute(cache_key(body.question, "ask", body.lang), compute)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from exc
    r = answer.result
    record(request, "ask", body.question, r.query.lang if r else body.lang, answer.entry.id if answer.entry else None,
           answer.confidence, answer.status.value, r.timings_ms if r and ran else {}, started)  # a hit ran no stage
    if answer.status.value == "none":
        top = r.candidates[0].entry_id if r and r.candidates else None
        request.app.state.store.add_unanswered({"question": body.question, "lang": answer.lang,
                                                "confidence": round(answer.confidence, 4),
                                                "route": answer.route.id if answer.route else None, "top": top})
    return ask_response(answer)
