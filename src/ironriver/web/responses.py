"""Encoded responses: every JSON body the server sends is encoded once, compressed once and tagged once.

An :class:`Encoded` body carries its bytes, their gzip compression (for bodies worth compressing) and a
strong ETag (a hash of the bytes). :func:`respond` turns one into a response for a given request: 304 when
the client's ``If-None-Match`` already names the tag, the gzip bytes when the client accepts them, else the
plain bytes. Endpoints cache :class:`Encoded` values, so a repeated request costs a dictionary look-up,
not a query, a JSON encoding and a compression. Security headers (the Content-Security-Policy and friends)
are added to every response by :class:`SecurityHeaders`, a plain ASGI middleware (cheaper per request
than Starlette's ``BaseHTTPMiddleware``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Encoded", "encode", "encode_bytes", "respond", "clean", "SecurityHeaders", "CSP", "NO_CACHE",
           "LONG_CACHE"]

GZIP_MIN_BYTES = 1_024
"""Bodies smaller than this are sent uncompressed (compression would not pay for its header)."""
NO_CACHE = "no-cache"
"""API bodies: the client may keep them but must revalidate (an ETag round trip) before reuse."""
LONG_CACHE = "public, max-age=86400"
"""Static files that change only with the package version."""

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""The page loads scripts, data and styles only from this server. Inline styles are allowed because Plotly
sets element styles from script; no inline script is allowed."""

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def clean(value: Any) -> Any:
    """JSON-safe values: NaN and infinities become null, numpy scalars plain Python numbers."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return str(value)
    return value


@dataclass(frozen=True)
class Encoded:
    """A response body ready to send: bytes, their gzip compression (or None), ETag and media type."""

    body: bytes
    gzipped: bytes | None
    etag: str
    media_type: str


def encode_bytes(body: bytes, media_type: str) -> Encoded:
    """Tag and (if large enough) compress ``body``."""
    tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    gzipped = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
    return Encoded(body, gzipped, tag, media_type)


def encode(payload: Any) -> Encoded:
    """A JSON payload (cleaned of NaN and numpy scalars) as an :class:`Encoded` body."""
    text = json.dumps(clean(payload), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return encode_bytes(text.encode("utf-8"), "application/json")


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(candidate.strip().removeprefix("W/") == etag for candidate in header.split(","))


def _accepts_gzip(header: str | None) -> bool:
    if not header:
        return False
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.replace(" ", "").removeprefix("q=")
            try:
                return not params or float(quality) > 0
            except ValueError:
                return False
    return False


def respond(request: Request, encoded: Encoded, cache_control: str = NO_CACHE, status_code: int = 200) -> Response:
    """The response for ``request``: 304 if its ETag matches, gzip if accepted and worth it, else plain."""
    headers = {"ETag": encoded.etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if status_code == 200 and _etag_matches(request.headers.get("if-none-match"), encoded.etag):
        return Response(status_code=304, headers=headers)
    if encoded.gzipped is not None and _accepts_gzip(request.headers.get("accept-encoding")):
        headers["Content-Encoding"] = "gzip"
        return Response(encoded.gzipped, status_code=status_code, media_type=encoded.media_type, headers=headers)
    return Response(encoded.body, status_code=status_code, media_type=encoded.media_type, headers=headers)


class SecurityHeaders:
    """ASGI middleware adding the Content-Security-Policy and related headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
