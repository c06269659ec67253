"""Entries: one knowledge entry with its Catalan and Spanish texts."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from isac.api.deps import EngineDep
from isac.api.models import EntryResponse, ErrorResponse
from isac.api.presenters import entry_response

router = APIRouter(tags=["entries"])


@router.get("/api/entries/{entry_id}", response_model=EntryResponse, responses={404: {"model": ErrorResponse}})
def entry(engine: EngineDep, entry_id: str):
    """The entry, or 404 naming how to find one."""
    e = engine.index.entry(entry_id)
    if e is None:
        raise HTTPException(404, f"no entry with id {entry_id!r}; search with /api/search?q=...")
    return entry_response(e)
