"""What every response gets: CORS, gzip and a Server-Timing total.

All three are plain ASGI middleware (no per-request task or body buffering beyond gzip's), so
that they cost microseconds on the endpoint's hot path.

* CORS: any origin may query (it is a public endpoint); the headers a SPARQL client reads —
  the truncation flags, Server-Timing, ETag — are exposed to scripts. Credentials are never
  implied: an update sends its bearer token explicitly.
* gzip: bodies of 1 KiB or more, when the client accepts it (only then does the request pass
  through Starlette's gzip middleware, which costs a few microseconds even when it does nothing).
* Server-Timing: ``total`` is the time from the request to the start of the response; routes
  add their own parts (the endpoint: ``wait`` for a query worker and ``query`` in it).
"""

from __future__ import annotations

import time

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EXPOSED_HEADERS = [
    "NewsGraph-Truncated",
    "NewsGraph-Row-Limit",
    "Server-Timing",
    "ETag",
    "Last-Modified",
    "Content-Length",
]


def timing_entry(name: str, seconds: float, description: str | None = None) -> str:
    """One Server-Timing metric, in milliseconds.

    >>> timing_entry("query", 0.0123)
    'query;dur=12.300'
    """
    entry = f"{name};dur={seconds * 1000:.3f}"
    return f'{entry};desc="{description}"' if description else entry


class TimingAndGzipMiddleware:
    """Adds ``total`` to Server-Timing and ``Accept-Encoding`` to Vary (a cache must not hand a
    plain answer to a client that asked for gzip, or back), and compresses when asked to."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1024, compresslevel=5)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        compress = any(
            name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"]
        )

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                total = timing_entry("total", time.perf_counter() - started).encode("latin-1")
                headers = list(message.get("headers", []))
                timed = varied = False
                for index, (name, value) in enumerate(headers):
                    lowered = name.lower()
                    if lowered == b"server-timing":
                        headers[index] = (name, value + b", " + total)
                        timed = True
                    elif lowered == b"vary":
                        if b"accept-encoding" not in value.lower():
                            headers[index] = (name, value + b", Accept-Encoding")
                        varied = True
                if not timed:
                    headers.append((b"server-timing", total))
                if not varied:
                    headers.append((b"vary", b"Accept-Encoding"))
                message = {**message, "headers": headers}
            await send(message)

        await (self.gzip if compress else self.app)(scope, receive, send_with_timing)


def install(app: FastAPI) -> None:
    """Add the middleware; the last added runs first (CORS answers preflights outermost)."""
    app.add_middleware(TimingAndGzipMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "Authorization", "Content-Type", "If-None-Match",
                       "If-Modified-Since"],
        expose_headers=EXPOSED_HEADERS,
        max_age=86400,
    )  # fmt: skip
