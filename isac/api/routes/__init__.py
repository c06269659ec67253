"""The API's routes, one module per resource."""

from fastapi import APIRouter

from isac.analyzer import routes as analyzer
from isac.api.routes import admin, ask, chat, entries, feedback, health, search, site, suggest

router = APIRouter()
for module in (health, search, ask, entries, suggest, chat, feedback, site, admin, analyzer):
    router.include_router(module.router)

__all__ = ["router"]
