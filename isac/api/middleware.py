"""ASGI middleware: security headers on every response, and a cap on request bodies."""

from __future__ import annotations

import json

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Adds the security headers to every response, JSON included, and drops any server banner."""

    def __init__(self, app):
        """Wrap the ASGI ``app``."""
        self.app = app

    async def __call__(self, scope, receive, send):
        """Pass the request on, fixing the headers of an HTTP response as it starts."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def wrapped(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, wrapped)


class BodyLimit:
    """413 for a request body over ``max_bytes``, checked before anything parses it."""

    def __init__(self, app, max_bytes: int):
        """Wrap the ASGI ``app``, allowing request bodies of up to ``max_bytes``."""
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        """Reject an oversized body by its Content-Length or as it streams in; pass the rest on."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await self._reject(send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._reject(send)

    async def _reject(self, send) -> None:
        body = json.dumps({"detail": f"the request body is over {self.max_bytes} bytes; send a shorter question"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body.encode()})


class _TooLarge(Exception):
    pass


def client_address(scope, trusted: frozenset[str]) -> str:
    """The client's address; X-Forwarded-For only when the direct peer is a trusted proxy."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if peer in trusted:
        forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for")
        if forwarded:
            # the right-most address not of a trusted proxy is the one the proxy saw
            for hop in reversed([h.strip() for h in forwarded.decode("latin-1").split(",")]):
                if hop and hop not in trusted:
                    return hop
    return peer


class Observe:
    """Per-client rate limit on /api/*, metrics per route, and an access log without query strings.

    The rate limit uses the `limits` library (moving window, in memory: per worker). The
    access log keeps method, path, status and time, never the query string or the address,
    since a question can carry personal data.
    """

    def __init__(self, app, metrics, rate_limit: str, trusted_proxies: str):
        from limits import parse
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.app, self.metrics = app, metrics
        self.limit = parse(rate_limit) if rate_limit.strip() else None
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.trusted = frozenset(p.strip() for p in trusted_proxies.split(",") if p.strip())

    async def __call__(self, scope, receive, send):
        """Check the limit, run the request, record it."""
        import logging
        import time

        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if self.limit is not None and path.startswith("/api/"):
            who = client_address(scope, self.trusted)
            if not self.limiter.hit(self.limit, who):
                reset = self.limiter.get_window_stats(self.limit, who).reset_time
                wait = max(1, int(reset - time.time()) + 1)
                body = json.dumps({"detail": f"too many requests; wait {wait} s and try again"}).encode()
                await send({"type": "http.response.start", "status": 429,
                            "headers": [(b"content-type", b"application/json"), (b"retry-after", str(wait).encode()),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                self.metrics.observe_request(path, scope.get("method", ""), 429, 0.0)
                return
        status = [500]
        started = time.perf_counter()

        async def wrapped(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            ms = (time.perf_counter() - started) * 1e3
            route = scope.get("route")
            name = getattr(route, "path", None) or ("/static" if path.startswith("/static/") else "other")
            self.metrics.observe_request(name, scope.get("method", ""), status[0], ms)
            logging.getLogger("isac.access").info("%s %s %s %.1fms", scope.get("method"), path, status[0], ms)
