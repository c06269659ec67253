"""Operator routes: reload the index now, and the Prometheus metrics."""

from __future__ import annotations

import asyncio
import hmac

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from isac.api.reload import reload_index

router = APIRouter(tags=["operations"])


def require_admin(request: Request, authorization: str | None) -> None:
    """401 unless the bearer token equals ISAC_ADMIN_TOKEN; 404 when no token is configured."""
    token = request.app.state.settings.admin_token
    if not token:
        raise HTTPException(404, "the admin routes are off; set ISAC_ADMIN_TOKEN to enable them")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "send the admin token as `Authorization: Bearer <ISAC_ADMIN_TOKEN>`",
                            headers={"WWW-Authenticate": "Bearer"})


@router.post("/admin/reload")
async def reload(request: Request, authorization: str | None = Header(None)):
    """Load the index on disk now (the watcher would within ISAC_RELOAD_INTERVAL_S)."""
    require_admin(request, authorization)
    outcome = await asyncio.to_thread(reload_index, request.app)
    engine = request.app.state.engine
    status = 200 if not outcome.startswith("failed") else 409
    body = {"outcome": outcome, "index_version": engine.index.version if engine else None}
    return JSONResponse(body, status_code=status)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request):
    """Prometheus text format."""
    return Response(request.app.state.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
