"""Search, ask, entries and health routes."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from isac.api.models import AskRequest, AskResponse, EntryResponse, ErrorResponse, Health, SearchResponse
from isac.engine import Engine, QueryError
from isac.presenters import answer_json, channel_links, search_json

router = APIRouter()
ERRORS = {422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}


def get_engine(request: Request) -> Engine:
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        reason = getattr(request.app.state, "load_error", "the index is not loaded")
        raise HTTPException(503, f"isac is not ready: {reason}")
    return engine


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request):
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        body = Health(status="unavailable", detail=getattr(request.app.state, "load_error", None))
        return JSONResponse(body.model_dump(), status_code=503)
    m = engine.index.manifest
    return Health(status="ok", entries=len(engine.index.entries), encoder=m.get("encoder"),
                  index_version=m.get("version"), built_at=m.get("built_at"))


@router.get("/api/search", response_model=SearchResponse, responses=ERRORS)
def search(request: Request,
           q: str = Query(..., description="the citizen's query", max_length=500),
           k: int | None = Query(None, ge=1, le=50, description="results to return (default ISAC_K)"),
           lang: str | None = Query(None, pattern="^(ca|es|en)$")):
    engine = get_engine(request)
    try:
        result = engine.search(q, k=k or request.app.state.settings.k, lang=lang)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from exc
    return search_json(engine, result)


@router.post("/api/ask", response_model=AskResponse, responses=ERRORS)
def ask(request: Request, body: AskRequest):
    engine = get_engine(request)
    try:
        answer = engine.answer(body.question, lang=body.lang)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from exc
    return answer_json(answer)


@router.get("/api/entries/{entry_id}", response_model=EntryResponse, responses={404: {"model": ErrorResponse}})
def entry(request: Request, entry_id: str):
    engine = get_engine(request)
    e = engine.index.entry(entry_id)
    if e is None:
        raise HTTPException(404, f"no entry with id {entry_id!r}; search with /api/search?q=...")
    texts = {lang: {"title": e.title[lang], "summary": e.summary[lang], "questions": list(e.questions.get(lang, ()))}
             for lang in ("ca", "es")}
    return {"id": e.id, "category": e.category, "url": e.url, "keywords": list(e.keywords),
            "related": list(e.related), "updated": e.updated,
            "channels": {"seu": e.channels.seu, "phone_010": e.channels.phone_010, "oac": e.channels.oac},
            "sections": dict(e.sections), **texts, "links": channel_links(e)}
