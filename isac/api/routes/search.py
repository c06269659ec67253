"""Search: ranked procedures for a query."""

from __future__ import annotations

import time

from fastapi import APIRouter, HTTPException, Query, Request

from isac.api.deps import EngineDep, SettingsDep, record
from isac.api.models import ErrorResponse, SearchResponse
from isac.api.presenters import search_response
from isac.cache import cache_key
from isac.query import QueryError

router = APIRouter(tags=["search"])


@router.get("/api/search", response_model=SearchResponse,
            responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def search(request: Request, engine: EngineDep, settings: SettingsDep,
           q: str = Query(..., description="the citizen's query", max_length=500),
           k: int | None = Query(None, ge=1, le=50, description="results to return (default ISAC_K)"),
           lang: str | None = Query(None, pattern="^(ca|es|en)$")):
    """The top ``k`` entries with their best passage and the retrievers that found them."""
    started = time.perf_counter()
    try:
        k = k or settings.k
        ran: list[bool] = []

        def compute():
            ran.append(True)
            return engine.search(q, k=k, lang=lang)

        result = request.app.state.cache.get_or_compute(cache_key(q, "search", lang, k), compute)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from exc
    top = result.candidates[0] if result.candidates else None
    record(request, "search", q, result.query.lang, top.entry_id if top else None, result.confidence, None,
           result.timings_ms if ran else {}, started)  # a cache hit ran no stage
    return search_response(engine.index, result)
