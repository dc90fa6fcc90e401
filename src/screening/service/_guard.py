"""`Guard`: the ASGI middleware around every request (limits, headers, metrics, no traces)."""

from __future__ import annotations

import logging
import time
import traceback

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._metrics import Metrics
from ._refusal import Refusal

__all__ = ["PAGE_HEADERS", "ROUTES", "SECURITY_HEADERS", "Guard"]

log = logging.getLogger("screening.service")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"strict-transport-security", b"max-age=31536000"),
)
"""Sent with every response of the API."""

PAGE_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (
        name,
        b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        b"base-uri 'none'; frame-ancestors 'none'",
    )
    if name == b"content-security-policy"
    else (name, value)
    for name, value in SECURITY_HEADERS
)
"""Sent with the reviewer's page (``/review``): the same, but its own style sheet may load
(no script at all, inline or not; forms post only to this origin)."""


class _TooLarge(Exception):
    pass


ROUTES = frozenset(
    {
        "/v1/screen",
        "/v1/screen/batch",
        "/v1/search",
        "/v1/rules",
        "/v1/admin/reload",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/v1/cases",
        "/review",
    }
)


def route_of(path: str) -> str:
    """The metrics label of a path: a known route, a case's routes by their pattern, else
    ``other`` (so that a client cannot make new series by inventing paths)."""
    if path in ROUTES:
        return path
    if path.startswith("/v1/cases/"):
        return "/v1/cases/{id}/decision" if path.endswith("/decision") else "/v1/cases/{id}"
    if path.startswith("/review/"):
        return "/review/*"
    return "other"


class Guard:
    """Pure ASGI middleware around every request: refuses a body over the limit (413, by its
    Content-Length before reading, or while reading one sent in chunks), adds the security
    headers, times the request for the metrics, and turns anything that escapes into a bare
    500 (the trace goes to the log, never into a response)."""

    def __init__(
        self, app: ASGIApp, *, max_body: int, max_batch_body: int, metrics: Metrics
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_batch_body = max_batch_body
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        path = scope["path"]
        limit = self.max_batch_body if path == "/v1/screen/batch" else self.max_body
        status = [0]
        headers = (
            PAGE_HEADERS if path == "/review" or path.startswith("/review/") else (SECURITY_HEADERS)
        )

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                route = route_of(path)
                self.metrics.observe(scope["method"], route, status[0], time.perf_counter() - start)

        length = _content_length(scope)
        if length is None or length > limit:
            refusal = (
                Refusal(400, "bad request", "Content-Length is not a whole number")
                if length is None
                else _too_large(limit)
            )
            await refusal.response()(scope, receive, send_secured)
            return
        received = [0]

        async def receive_counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                received[0] += len(message.get("body", b""))
                if received[0] > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, receive_counted, send_secured)
        except _TooLarge:
            if status[0]:
                raise
            await _too_large(limit).response()(scope, receive, send_secured)
        except Exception:
            log.error("internal error on %s %s\n%s", scope["method"], path, traceback.format_exc())
            if status[0]:
                raise
            await Refusal(500, "internal error", "internal error (logged)").response()(
                scope, receive, send_secured
            )


def _too_large(limit: int) -> Refusal:
    return Refusal(413, "too large", f"the request body is over the limit of {limit} bytes")


def _content_length(scope: Scope) -> int | None:
    """The declared body length (0 when none is declared), or None when it is not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return 0
