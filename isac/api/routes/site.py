"""The municipal demo page and the embeddable widget script."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

WEB_DIR = Path(__file__).resolve().parent.parent.parent / "web"
# the demo page loads only its own files; the widget's styles are a <style> it creates
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'self'")
ASSETS = {"site.css": "text/css; charset=utf-8", "site.js": "text/javascript; charset=utf-8",
          "favicon.svg": "image/svg+xml"}

router = APIRouter(include_in_schema=False)


def _file(name: str, media_type: str, headers: dict[str, str] | None = None) -> FileResponse:
    path = WEB_DIR / name
    if not path.is_file():
        raise HTTPException(404, f"{name} is not installed with isac")
    return FileResponse(path, media_type=media_type, headers=headers or {})


@router.get("/")
def index_page():
    """The demo municipal page with the search box and the chat widget."""
    return _file("index.html", "text/html; charset=utf-8", {"Content-Security-Policy": PAGE_CSP})


@router.get("/widget.js")
def widget_script():
    """The widget; other sites embed it, so it is cacheable but short-lived."""
    return _file("widget.js", "text/javascript; charset=utf-8", {"Cache-Control": "public, max-age=300"})


@router.get("/favicon.ico")
def favicon():
    """The browser's default request for an icon."""
    return _file("favicon.svg", "image/svg+xml", {"Cache-Control": "public, max-age=86400"})


@router.get("/static/{name}")
def asset(name: str):
    """The page's own CSS and script (only these files: no directory listing, no HTML copies)."""
    if name not in ASSETS:
        raise HTTPException(404, f"no asset {name!r}")
    return _file(name, ASSETS[name], {"Cache-Control": "public, max-age=300"})
