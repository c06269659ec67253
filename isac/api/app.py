"""The FastAPI application factory: engine, chat and suggester load once, in the lifespan."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from isac import __version__
from isac.api import errors
from isac.api.middleware import BodyLimit, SecurityHeaders
from isac.api.routes import router
from isac.settings import Settings, get_settings

log = logging.getLogger("isac")


def attach_engine(app: FastAPI, engine) -> None:
    """Everything built from one engine, swapped together so a request never mixes two indexes."""
    from isac.chat import Chat, MemorySessionStore
    from isac.suggest import Suggester

    s = app.state.settings
    store = getattr(app.state, "sessions", None) or MemorySessionStore(s.session_ttl_s, s.max_sessions,
                                                                       s.session_turns)
    app.state.sessions = store
    app.state.suggester = Suggester.from_entries(engine.index.entries)
    app.state.chat = Chat(engine, store, app.state.unanswered_log.write, s.max_query_chars)
    app.state.engine = engine


def create_app(settings: Settings | None = None, engine=None) -> FastAPI:
    """The app; ``engine`` (tests) skips loading the index from ``settings``."""
    from isac.jsonlog import JsonlLog

    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if engine is not None:
            attach_engine(app, engine)
        else:
            from isac.engine import load_engine

            try:
                attach_engine(app, load_engine(settings))
            except Exception as exc:  # keep serving /health with the reason
                app.state.load_error = f"the index could not be loaded ({type(exc).__name__}); run `isac build`"
                log.error("isac could not load its index: %s", exc)
        yield

    app = FastAPI(title="isac", version=__version__, lifespan=lifespan,
                  description="Citizen Q&A for the Ajuntament de Terrassa (010 knowledge).")
    app.state.settings = settings
    app.state.engine = None
    reports = Path(settings.reports_dir)
    app.state.unanswered_log = JsonlLog(reports / "unanswered.jsonl")
    app.state.feedback_log = JsonlLog(reports / "feedback.jsonl")
    errors.install(app)
    app.include_router(router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        # the widget on another host (www.terrassa.cat) calls this API across origins
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type"], max_age=600)
    return app
