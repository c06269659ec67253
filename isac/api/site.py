"""The municipal site: demo page, widget script, suggestions, chat and feedback routes.

``isac.api.app`` calls ``mount_site`` when this module exists. The suggester and the chat
are built lazily, once per loaded engine, and kept on ``app.state``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from isac.api.models import ErrorResponse
from isac.api.models_site import (
    ChatRequest,
    ChatResponse,
    FeedbackRequest,
    FeedbackResponse,
    SuggestResponse,
)
from isac.api.routes import get_engine
from isac.chat import Chat, JsonlLog, SessionStore
from isac.engine import QueryError
from isac.suggest import MAX_SUGGESTIONS, Suggester

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
router = APIRouter()
ERRORS = {422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
# the demo page loads only its own files; the widget's styles are a <style> it creates
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'self'")
# the body each JSON route expects, quoted in its error messages
BODY_EXAMPLES = {
    "/api/chat": '{"message": "com m\'empadrono?"}',
    "/api/feedback": '{"useful": true, "entry_id": "padro-alta"}',
}
_build_lock = threading.Lock()
_logs: dict[Path, JsonlLog] = {}


# -- lazily built, once per engine ------------------------------------------------------------
def reports_dir(app: FastAPI) -> Path:
    """Where unanswered questions and feedback go: app.state (tests) or ISAC_REPORTS_DIR."""
    return Path(getattr(app.state, "reports_dir", None) or app.state.settings.reports_dir)


def jsonl_log(path: Path) -> JsonlLog:
    # one writer (and one lock) per file, shared by every request and app
    path = path.resolve()
    with _build_lock:
        return _logs.setdefault(path, JsonlLog(path))


def get_suggester(request: Request) -> Suggester:
    engine = get_engine(request)
    state = request.app.state
    if getattr(state, "suggester_for", None) is not engine:
        with _build_lock:
            if getattr(state, "suggester_for", None) is not engine:
                state.suggester = Suggester.from_entries(engine.index.entries)
                state.suggester_for = engine
    return state.suggester


def get_chat(request: Request) -> Chat:
    engine = get_engine(request)
    state = request.app.state
    chat = getattr(state, "chat", None)
    if chat is None or chat.engine is not engine:
        log = jsonl_log(reports_dir(request.app) / "unanswered.jsonl")
        with _build_lock:
            chat = getattr(state, "chat", None)
            if chat is None or chat.engine is not engine:
                s = state.settings
                store = SessionStore(s.session_ttl_s, s.max_sessions, s.session_turns)
                chat = state.chat = Chat(engine, store, log, s.max_query_chars)
    return chat


# -- routes ---------------------------------------------------------------------------------
@router.get("/api/suggest", response_model=SuggestResponse, responses=ERRORS)
def suggest(request: Request,
            q: str = Query(..., min_length=1, max_length=500, description="what the citizen has typed so far"),
            limit: int = Query(MAX_SUGGESTIONS, ge=1, le=MAX_SUGGESTIONS),
            lang: str | None = Query(None, pattern="^(ca|es)$", description="prefer suggestions in this language")):
    result = get_suggester(request).suggest(q, limit=limit, lang=lang)
    return {"query": q, "took_ms": round(result.took_ms, 3),
            "suggestions": [{"text": s.text, "entry_id": s.entry_id, "kind": s.kind, "lang": s.lang}
                            for s in result.items]}


@router.post("/api/chat", response_model=ChatResponse, responses=ERRORS)
def chat(request: Request, body: ChatRequest):
    bot = get_chat(request)
    try:
        turn = bot.reply(body.message, session_id=body.session_id, option_id=body.option_id)
    except QueryError as exc:
        raise HTTPException(422, f"message: {exc}") from exc
    r = turn.reply
    return {"session_id": turn.session_id, "reply": {
        "text": r.text, "status": r.status, "lang": r.lang, "cards": list(r.cards),
        "options": [{"id": i, "title": t} for i, t in r.options], "followups": list(r.followups),
        "links": list(r.links), "followup": r.followup,
    }}


@router.post("/api/feedback", response_model=FeedbackResponse, responses={422: {"model": ErrorResponse}})
def feedback(request: Request, body: FeedbackRequest):
    jsonl_log(reports_dir(request.app) / "feedback.jsonl").write(body.model_dump())
    return {"status": "recorded"}


def _page(name: str, media_type: str, headers: dict[str, str] | None = None) -> FileResponse:
    path = WEB_DIR / name
    if not path.is_file():
        raise HTTPException(404, f"{name} is not installed with isac")
    return FileResponse(path, media_type=media_type, headers={"X-Content-Type-Options": "nosniff", **(headers or {})})


@router.get("/", include_in_schema=False)
def index_page():
    return _page("index.html", "text/html; charset=utf-8",
                 {"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "same-origin"})


@router.get("/widget.js", include_in_schema=False)
def widget_script():
    # other sites embed it, so it is cacheable but short-lived
    return _page("widget.js", "text/javascript; charset=utf-8", {"Cache-Control": "public, max-age=300"})


# -- errors that name the right body ------------------------------------------------------------
def _describe(errors, example: str) -> str:
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


def _install_error_handlers(app: FastAPI) -> None:
    previous_validation = app.exception_handlers.get(RequestValidationError)
    previous_http = app.exception_handlers.get(StarletteHTTPException)

    async def validation(request: Request, exc: RequestValidationError):
        example = BODY_EXAMPLES.get(request.url.path)
        if example is None and previous_validation is not None:
            return await previous_validation(request, exc)
        return JSONResponse({"detail": _describe(exc.errors(), example or "valid parameters")}, status_code=422)

    async def http(request: Request, exc: StarletteHTTPException):
        example = BODY_EXAMPLES.get(request.url.path)
        if example and exc.status_code == 400 and "parsing the body" in str(exc.detail):
            return JSONResponse({"detail": f"the request body is not valid UTF-8 JSON; send {example}"},
                                status_code=400)
        if previous_http is not None:
            return await previous_http(request, exc)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)


def mount_site(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR, check_dir=False), name="static")
    _install_error_handlers(app)
    origins = [o.strip() for o in app.state.settings.cors_origins.split(",") if o.strip()]
    if origins:
        # the widget on another host (www.terrassa.cat) calls this API across origins
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type"], max_age=600)
