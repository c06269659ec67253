"""The FastAPI application factory: engine, chat and suggester load once, in the lifespan."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from isac import __version__
from isac.api import errors
from isac.api.metrics import Metrics
from isac.api.middleware import BodyLimit, Observe, SecurityHeaders
from isac.api.routes import router
from isac.cache import ResultCache
from isac.settings import Settings, get_settings

log = logging.getLogger("isac")


def attach_engine(app: FastAPI, engine) -> None:
    """Everything built from one engine, swapped together so a request never mixes two indexes."""
    from isac.chat import Chat
    from isac.store import StoredSessions
    from isac.suggest import Suggester

    s = app.state.settings
    sessions = StoredSessions(app.state.store, s.session_ttl_s, s.session_turns)
    app.state.suggester = Suggester.from_entries(engine.index.entries)
    app.state.chat = Chat(engine, sessions, app.state.store.add_unanswered, s.max_query_chars)
    app.state.metrics.set_index(engine.index.manifest, engine.index.version, len(engine.index.entries))
    outcome = app.state.metrics.cache.labels
    # a new engine gets an empty cache: a swapped index never serves a stale answer
    app.state.cache = ResultCache(s.cache_size, lambda hit: outcome("hit" if hit else "miss").inc())
    # one assignment: a request sees the old engine or the new one, never a mix
    app.state.engine = engine


def create_app(settings: Settings | None = None, engine=None) -> FastAPI:
    """The app; ``engine`` (tests) skips loading the index from ``settings``."""
    from isac.store import open_store

    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import asyncio

        import anyio.to_thread

        from isac.api.reload import manifest_stamp, warm, watch

        # sync routes run in anyio's thread pool; capping it keeps the waiting requests off the GIL
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        app.state.store = open_store(settings.database_url, settings.data_dir)
        app.state.store.purge(settings.retention_days)
        if engine is not None:
            attach_engine(app, engine)
        else:
            from isac.engine import load_engine

            try:
                app.state.index_stamp = manifest_stamp(settings)
                attach_engine(app, load_engine(settings, serving=True))
            except Exception as exc:  # keep serving /health with the reason
                app.state.load_error = "the index could not be loaded; run `isac build` and check the server log"
                log.error("isac could not load its index: %s", exc)
        if app.state.engine is not None:
            # /health/ready waits for this: the first citizen never pays for loading lemma tables
            await asyncio.to_thread(warm, app.state.engine)
            app.state.warm = True
        watcher = asyncio.create_task(watch(app, settings.reload_interval_s)) if engine is None else None
        yield
        if watcher is not None:
            watcher.cancel()
        if engine is None:
            from isac.engine import release_engine

            release_engine(app.state.engine)

    # /docs and /redoc with their assets from a package: they work with no CDN reachable
    app = FastAPIOffline(title="isac", version=__version__, lifespan=lifespan, static_url="/docs-assets",
                         description="Citizen Q&A for the Ajuntament de Terrassa (010 knowledge).")
    app.state.settings = settings
    app.state.engine = None
    app.state.warm = False
    app.state.metrics = Metrics()
    errors.install(app)
    app.include_router(router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Observe, metrics=app.state.metrics, rate_limit=settings.rate_limit,
                       trusted_proxies=settings.trusted_proxies)
    app.add_middleware(SecurityHeaders)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        # the widget on another host (www.terrassa.cat) calls this API across origins
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type"], max_age=600)
    return app
