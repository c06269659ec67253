"""Search: ranked procedures for a query."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from isac.api.deps import EngineDep, SettingsDep
from isac.api.models import ErrorResponse, SearchResponse
from isac.api.presenters import search_response
from isac.query import QueryError

router = APIRouter(tags=["search"])


@router.get("/api/search", response_model=SearchResponse,
            responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
def search(engine: EngineDep, settings: SettingsDep,
           q: str = Query(..., description="the citizen's query", max_length=500),
           k: int | None = Query(None, ge=1, le=50, description="results to return (default ISAC_K)"),
           lang: str | None = Query(None, pattern="^(ca|es|en)$")):
    """The top ``k`` entries with their best passage and the retrievers that found them."""
    try:
        result = engine.search(q, k=k or settings.k, lang=lang)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from exc
    return search_response(engine.index, result)
