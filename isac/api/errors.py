"""One place for error responses: every 4xx names what to fix; nothing leaks a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("isac")

# the body each JSON route expects, quoted in its error messages
BODY_EXAMPLES = {
    "/api/ask": '{"question": "com m\'empadrono?"}',
    "/api/chat": '{"message": "com m\'empadrono?"}',
    "/api/feedback": '{"useful": true, "entry_id": "padro-alta"}',
}


def describe(errors, example: str | None) -> str:
    """Pydantic's validation errors as one sentence a developer can act on."""
    example = example or "valid parameters"
    parts = []
    for err in errors:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        kind = err.get("type")
        if kind == "json_invalid":
            parts.append(f"the request body is not valid JSON; send {example}")
        elif kind == "missing":
            parts.append(f"the request body is empty; send {example}" if loc == "body" else f"{loc} is required")
        elif loc == "body":
            parts.append(f"the request body must be a JSON object (Content-Type: application/json) like {example}")
        else:
            parts.append(f"{loc}: {err.get('msg')}")
    return "; ".join(dict.fromkeys(parts)) or "invalid request"


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": describe(exc.errors(), BODY_EXAMPLES.get(request.url.path))}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail
        if exc.status_code == 400 and "parsing the body" in str(detail):
            example = BODY_EXAMPLES.get(request.url.path, '{"question": "..."}')
            detail = f"the request body is not valid UTF-8 JSON; send {example}"
        # keeps Allow on a 405 and Retry-After on a 429
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"detail": "internal error; the team has been notified in the logs"}, status_code=500)
