"""Health: is the process up, is the engine warm, and which index does it serve."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from isac.api.models import Health

router = APIRouter(tags=["health"])


def _state(request: Request, need_warm: bool):
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        detail = getattr(request.app.state, "load_error", None) or "the index is not loaded yet; if this lasts, " \
            "run `isac build` and check the server log"
        return JSONResponse(Health(status="unavailable", detail=detail).model_dump(), status_code=503)
    if need_warm and not getattr(request.app.state, "warm", False):
        return JSONResponse(Health(status="unavailable", detail="warming up; retry in a few seconds").model_dump(),
                            status_code=503)
    m = engine.index.manifest
    return Health(status="ok", entries=len(engine.index.entries), encoder=m.get("encoder"),
                  index_format=m.get("version"), index_version=engine.index.version, built_at=m.get("built_at"))


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request):
    """200 with the index served, or 503 saying what the operator should do."""
    return _state(request, need_warm=False)


@router.get("/health/live", include_in_schema=False)
def live():
    """200 while the process answers at all."""
    return {"status": "alive"}


@router.get("/health/ready", response_model=Health, responses={503: {"model": Health}})
def ready(request: Request):
    """200 only once the engine is loaded and warm (a query has run), with the index it serves."""
    return _state(request, need_warm=True)
