"""Health: is the service up, and which index does it serve."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from isac.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request):
    """200 with the index served, or 503 with what the operator should do."""
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        body = Health(status="unavailable", detail=getattr(request.app.state, "load_error", None)
                      or "the index is not loaded; run `isac build`")
        return JSONResponse(body.model_dump(), status_code=503)
    m = engine.index.manifest
    return Health(status="ok", entries=len(engine.index.entries), encoder=m.get("encoder"),
                  index_format=m.get("version"), index_version=engine.index.version, built_at=m.get("built_at"))
