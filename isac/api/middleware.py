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
