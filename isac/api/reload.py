"""Live index updates: when `isac build` swaps a new index in, every server follows.

A background task checks the manifest's build stamp every few seconds; `POST
/admin/reload` does the same at once. The new engine is loaded and warmed beside the old
one and swapped in with one assignment, so no request fails or sees a mix of both. A
broken new index is refused and the old one keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from fastapi import FastAPI

from isac.index import IndexLoadError, read_manifest

log = logging.getLogger("isac")
_lock = threading.Lock()


def warm(engine) -> None:
    """Load the lemmatiser, tokenizer and encoder by running real queries once."""
    for q in ("com m'empadrono?", "¿cuánto cuesta el vado?", "how do I register"):
        engine.answer(q)


def manifest_stamp(settings) -> str | None:
    """What identifies the index on disk now (None when unreadable)."""
    try:
        m = read_manifest(settings.index_dir)
    except IndexLoadError:
        return None
    return f"{m.get('knowledge_hash')}@{m.get('built_at')}"


def reload_index(app: FastAPI) -> str:
    """Load, verify and warm the index on disk, then swap it in; returns what happened."""
    from isac.api.app import attach_engine
    from isac.engine import load_engine, release_engine

    settings = app.state.settings
    with _lock:  # one reload at a time per process
        stamp = manifest_stamp(settings)
        if stamp is None:
            app.state.metrics.reloads.labels("failed").inc()
            return "failed: the index on disk is missing or being replaced; the current one keeps serving"
        if stamp == getattr(app.state, "index_stamp", None):
            return "unchanged"
        try:
            engine = load_engine(settings, serving=True)
            warm(engine)
        except Exception as exc:  # a broken new index must not take the service down
            app.state.metrics.reloads.labels("failed").inc()
            log.error("index reload refused: %s", exc)
            return "failed: the new index could not be loaded; the current one keeps serving"
        old = app.state.engine
        attach_engine(app, engine)
        # requests that took the old engine finish well within this; then its encoder worker stops
        release_engine(old, after_s=30.0)
        app.state.index_stamp = stamp
        app.state.metrics.reloads.labels("ok").inc()
        log.info("now serving index %s", engine.index.version)
        return "reloaded"


async def watch(app: FastAPI, every_s: float) -> None:
    """Poll the manifest and reload when it changes (runs for the app's lifetime)."""
    while True:
        await asyncio.sleep(every_s)
        if manifest_stamp(app.state.settings) not in (None, getattr(app.state, "index_stamp", None)):
            await asyncio.to_thread(reload_index, app)
