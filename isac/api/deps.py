"""FastAPI dependencies: everything a route needs, built once in the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from isac.chat import Chat
from isac.engine import Engine
from isac.settings import Settings
from isac.suggest import Suggester


def get_settings(request: Request) -> Settings:
    """The app's validated settings."""
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    """The loaded engine, or 503 saying what the operator should do."""
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        raise HTTPException(503, "isac is not ready: the index is not loaded; the operator should run "
                                 "`isac build` and check the server log")
    return engine


def get_chat(request: Request) -> Chat:
    """The chat built with the engine in the lifespan."""
    get_engine(request)
    return request.app.state.chat


def get_suggester(request: Request) -> Suggester:
    """The suggester built with the engine in the lifespan."""
    get_engine(request)
    return request.app.state.suggester


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
ChatDep = Annotated[Chat, Depends(get_chat)]
SuggesterDep = Annotated[Suggester, Depends(get_suggester)]


def record(request: Request, channel: str, query: str, lang: str | None, top: str | None, confidence: float | None,
           status: str | None, timings_ms: dict[str, float], started: float) -> None:
    """One line of the query log (redacted by the store) and the stage metrics."""
    import time

    state = request.app.state
    ms = (time.perf_counter() - started) * 1e3
    state.metrics.observe_result(timings_ms, status)
    engine = getattr(state, "engine", None)
    state.store.log_query(channel, query, lang, top, confidence, status, ms, engine.index.version if engine else "")
