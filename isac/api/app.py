"""The FastAPI application factory: the engine loads once, in the lifespan."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from isac import __version__
from isac.api.routes import router
from isac.settings import Settings, get_settings

log = logging.getLogger("isac")


def _describe(errors: list[dict]) -> str:
    parts = []
    for err in errors:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        if err.get("type") == "json_invalid":
            parts.append("the request body is not valid JSON; send {\"question\": \"...\"}")
        elif err.get("type") == "missing":
            parts.append(f"{loc} is required")
        else:
            parts.append(f"{loc}: {err.get('msg')}")
    return "; ".join(parts) or "invalid request"


def create_app(settings: Settings | None = None, engine=None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if getattr(app.state, "engine", None) is None:
            from isac.engine import load_engine

            try:
                app.state.engine = load_engine(settings)
            except Exception as exc:  # keep serving /health with the reason
                app.state.load_error = str(exc)
                log.error("isac could not load its index: %s", exc)
        yield

    app = FastAPI(title="isac", version=__version__, lifespan=lifespan,
                  description="Citizen Q&A for the Ajuntament de Terrassa (010 knowledge).")
    app.state.settings = settings
    app.state.engine = engine

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError):
        return JSONResponse({"detail": _describe(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException):
        detail = exc.detail
        if exc.status_code == 400 and "parsing the body" in str(detail):
            detail = 'the request body is not valid UTF-8 JSON; send {"question": "..."}'
        return JSONResponse({"detail": detail}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"detail": "internal error; the team has been notified in the logs"}, status_code=500)

    app.include_router(router)
    _mount_extras(app)
    return app


def _mount_extras(app: FastAPI) -> None:
    """The site, widget and chat routes (issue: chat widget and search box)."""
    try:
        from isac.api.site import mount_site
    except ImportError:
        return
    mount_site(app)
