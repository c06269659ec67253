"""The content team's routes: the /admin dashboard and its data as JSON, CSV and YAML.

Access is the operator's ``ISAC_ADMIN_TOKEN``: as ``Authorization: Bearer …`` (scripts),
or typed once in the dashboard's login form, which sets an HttpOnly, SameSite=Strict
cookie holding an expiry signed with the token (never the token itself; changing the
token signs everyone out). Without the token set every route here is a 404, like the
other admin routes; with it, a request without valid credentials gets a 401 (the
dashboard answers its 401 with the login form).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

router = APIRouter(tags=["analyzer"])

COOKIE = "isac_admin"
COOKIE_PATHS = ("/admin", "/api/admin")  # the cookie goes nowhere else on the site
SESSION_S = 8 * 3600
GAPS_TTL_S = 300  # a dashboard reload within this reuses the last gaps report
MAX_DAYS = 365
_gaps_lock = threading.Lock()  # one gaps computation at a time per process (it is CPU-bound)


# -- access ----------------------------------------------------------------------------------
def _signature(token: str, expires: int) -> str:
    return hmac.new(token.encode(), f"isac-admin-cookie:{expires}".encode(), hashlib.sha256).hexdigest()


def cookie_value(token: str, now: float | None = None) -> str:
    """``<expiry>.<HMAC of the expiry under the token>``: proves the token was typed, without holding it."""
    expires = int((time.time() if now is None else now) + SESSION_S)
    return f"{expires}.{_signature(token, expires)}"


def cookie_valid(token: str, value: str | None, now: float | None = None) -> bool:
    """Whether a cookie was signed with this token and has not expired."""
    if not value or "." not in value:
        return False
    expires, _, signature = value.partition(".")
    if not expires.isdigit() or int(expires) < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(signature.encode(), _signature(token, int(expires)).encode())


def require_admin(request: Request, authorization: str | None) -> None:
    """The operator routes' check (bearer token; 404 when off, 401 when wrong), imported when first needed so
    that ``isac.api.routes`` can include this router without an import cycle."""
    from isac.api.routes.admin import require_admin as check

    check(request, authorization)


def require_content_admin(request: Request, authorization: str | None) -> None:
    """``require_admin`` (bearer header; 404 when off, 401 when wrong), also accepting the login cookie."""
    token = request.app.state.settings.admin_token
    if token and not authorization and cookie_valid(token, request.cookies.get(COOKIE)):
        return
    require_admin(request, authorization)


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _html(body: str, status: int = 200, headers: dict | None = None) -> Response:
    from isac.analyzer.dashboard import CSP

    return _private(HTMLResponse(body, status_code=status, headers={"Content-Security-Policy": CSP, **(headers or {})}))


def _lenient_days(value: str | None) -> int:
    """The period for a form's links: a valid ``days`` or 30."""
    return int(value) if value and value.isdigit() and 1 <= int(value) <= MAX_DAYS else 30


def _days(value: str | None) -> int:
    """The period in whole days, 1-365 (default 30); a clear 422 otherwise."""
    if value is None or value == "":
        return 30
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise HTTPException(422, f"days must be a whole number from 1 to {MAX_DAYS}")
    return int(value)


# -- data ----------------------------------------------------------------------------------
def stats_for(request: Request, days: int) -> dict:
    """The period's statistics, with entry titles when an index is loaded."""
    from isac.analyzer.stats import period_stats

    engine = request.app.state.engine
    return period_stats(request.app.state.store, days, index=engine.index if engine else None)


def gaps_for(request: Request, days: int) -> dict:
    """The gaps report, reused for GAPS_TTL_S per (index version, days); 503 without an index."""
    from isac.analyzer.gaps import EmbeddingCache, GapOptions, find_gaps

    state = request.app.state
    engine = state.engine
    if engine is None:
        raise HTTPException(503, "the index is not loaded; the operator should run `isac build` and check the log")
    key = (engine.index.version, days)
    with _gaps_lock:
        reports = getattr(state, "analyzer_reports", None)
        if reports is None:
            reports = state.analyzer_reports = {}
        hit = reports.get(key)
        if hit is not None and time.monotonic() - hit[0] < GAPS_TTL_S:
            return hit[1]
        cache = getattr(state, "analyzer_embeddings", None)
        if cache is None:
            cache = state.analyzer_embeddings = EmbeddingCache(state.settings.data_dir / "gaps-embeddings.npz",
                                                               max_age_days=state.settings.retention_days)
        doc = find_gaps(state.store, engine, GapOptions(days=days), cache=cache)
        reports.clear()  # keep one report: the latest
        reports[key] = (time.monotonic(), doc)
        return doc


# -- routes --------------------------------------------------------------------------------
@router.get("/admin", include_in_schema=False)
def dashboard(request: Request, days: str | None = None, authorization: str | None = Header(None)):
    """The dashboard; a 401 with the login form when no valid token or cookie comes with the request."""
    try:
        require_content_admin(request, authorization)
    except HTTPException as exc:
        if exc.status_code != 401:
            raise
        from isac.analyzer.dashboard import render_login

        return _html(render_login(_lenient_days(days)), 401, {"WWW-Authenticate": "Bearer"})
    from isac.analyzer.dashboard import render_dashboard

    n = _days(days)
    gaps, error = None, None
    try:
        gaps = gaps_for(request, n)
    except HTTPException:
        error = "L'índex no està carregat: els temes sense resposta es calcularan quan ho estigui."
    except ImportError:
        error = "Falta scikit-learn al servidor: els temes sense resposta no es poden calcular."
    return _html(render_dashboard(stats_for(request, n), gaps, n, error))


@router.post("/admin/login", include_in_schema=False)
async def login(request: Request, days: str | None = None):
    """Check the token from the form; on success set the cookie and go to the dashboard."""
    from isac.analyzer.dashboard import render_login

    token = request.app.state.settings.admin_token
    if not token:
        require_admin(request, None)  # the 404 of an admin area that is off
    n = _lenient_days(days)
    try:
        form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=5)
    except ValueError:  # more fields than the form has: not our form
        form = {}
    given = (form.get("token") or [""])[0].strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return _html(render_login(n, failed=True), 401)
    response = RedirectResponse(f"/admin?days={n}", status_code=303)
    value = cookie_value(token)
    for path in COOKIE_PATHS:
        response.set_cookie(COOKIE, value, max_age=SESSION_S, path=path, httponly=True, samesite="strict",
                            secure=_https(request))
    return _private(response)


@router.post("/admin/logout", include_in_schema=False)
def logout(request: Request):
    """Forget the cookie and show the login form again."""
    response = RedirectResponse("/admin", status_code=303)
    for path in COOKIE_PATHS:
        response.delete_cookie(COOKIE, path=path, httponly=True, samesite="strict", secure=_https(request))
    return _private(response)


@router.get("/api/admin/stats")
def stats(request: Request, days: str | None = None, authorization: str | None = Header(None)):
    """Volume by day and channel, outcomes, top questions and entries, feedback, confidence, languages."""
    require_content_admin(request, authorization)
    return _private(JSONResponse(stats_for(request, _days(days))))


@router.get("/api/admin/gaps")
def gaps(request: Request, days: str | None = None, authorization: str | None = Header(None)):
    """Themes of unanswered, doubtful and "not useful" questions, each with the entry to extend or "new entry"."""
    require_content_admin(request, authorization)
    return _private(JSONResponse(gaps_for(request, _days(days))))


@router.get("/api/admin/gaps.csv")
def gaps_csv(request: Request, days: str | None = None, authorization: str | None = Header(None)):
    """The same themes, one row each, for a spreadsheet (UTF-8 with BOM, so Excel shows accents)."""
    from isac.analyzer.gaps import gaps_to_csv

    require_content_admin(request, authorization)
    n = _days(days)
    body = "\ufeff" + gaps_to_csv(gaps_for(request, n))
    return _private(Response(body, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="isac-temes-{n}d.csv"'}))


@router.get("/api/admin/gaps.yaml")
def gaps_yaml(request: Request, days: str | None = None, authorization: str | None = Header(None)):
    """YAML snippets per theme, each naming the file to edit; for people to review and paste."""
    from isac.analyzer.gaps import gaps_to_yaml

    require_content_admin(request, authorization)
    n = _days(days)
    return _private(Response(gaps_to_yaml(gaps_for(request, n)), media_type="text/yaml; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="isac-temes-{n}d.yaml"'}))
