"""Suggest: completions as the citizen types."""

from __future__ import annotations

from fastapi import APIRouter, Query

from isac.api.deps import SuggesterDep
from isac.api.models import ErrorResponse, SuggestResponse
from isac.suggest import MAX_SUGGESTIONS

router = APIRouter(tags=["suggest"])


@router.get("/api/suggest", response_model=SuggestResponse,
            responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
async def suggest(suggester: SuggesterDep,
            q: str = Query(..., min_length=1, max_length=500, description="what the citizen has typed so far"),
            limit: int = Query(MAX_SUGGESTIONS, ge=1, le=MAX_SUGGESTIONS),
            lang: str | None = Query(None, pattern="^(ca|es|en)$", description="the page's or conversation's language")):
    """Up to ``limit`` procedure titles and citizen questions that complete ``q``.

    ``async``: a lookup takes well under a millisecond, so it runs on the event loop rather
    than queueing for a worker thread behind the searches.
    """
    result = suggester.suggest(q, limit=limit, lang=lang)
    return {"query": q, "took_ms": round(result.took_ms, 3),
            "suggestions": [{"text": s.text, "entry_id": s.entry_id, "kind": s.kind, "lang": s.lang, "title": s.title}
                            for s in result.items]}
