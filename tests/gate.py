"""A real HTTP gateway in front of a real SPARQL server, as deployments put nginx in front of one.

It asks for credentials (HTTP Basic or a bearer token), limits request bodies, and can be told
to misbehave on the next requests — answer 503 (with a ``Retry-After``), drop the connection before or after passing
the request on, answer slowly, or echo the request's headers in an error page — so that the
tests see newsgraph's authentication, retries and redaction against real network failures.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
               "content-encoding"}  # fmt: skip


@dataclass
class Seen:
    method: str
    path: str
    authorization: str | None
    length: int


@dataclass
class Gate:
    upstream: str  # origin of the real server, e.g. http://127.0.0.1:7878
    basic: tuple[str, str] | None = None
    token: str | None = None
    max_body: int | None = None
    faults: list[str] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def next_fault(self) -> str | None:
        return self.faults.pop(0) if self.faults else None

    def authorised(self, header: str | None) -> bool:
        if self.token is not None:
            return header == f"Bearer {self.token}"
        if self.basic is not None:
            expected = base64.b64encode(":".join(self.basic).encode()).decode()
            return header == f"Basic {expected}"
        return True


def _handler(gate: Gate, client: httpx.Client) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _reply(
            self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            authorization = self.headers.get("Authorization")
            gate.seen.append(Seen(self.command, self.path, authorization, length))
            fault = gate.next_fault()
            if fault == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault is not None and fault.startswith("503"):  # "503" or "503:SECONDS"
                self._reply(503, b"busy", {"Retry-After": fault.partition(":")[2] or "0"})
                return
            if fault == "echo":
                echoed = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
                self._reply(500, f"internal error for {self.path}\n{echoed}".encode())
                return
            if fault == "slow":
                time.sleep(3)
            if not gate.authorised(authorization):
                scheme = "Bearer" if gate.token is not None else 'Basic realm="gate"'
                self._reply(401, b"who are you?", {"WWW-Authenticate": scheme})
                return
            if gate.max_body is not None and length > gate.max_body:
                self._reply(413, b"too large")
                return
            forwarded = {k: v for k, v in self.headers.items()
                         if k.lower() not in HOP_HEADERS and k.lower() != "authorization"}  # fmt: skip
            answer = client.request(
                self.command, gate.upstream + self.path, content=body, headers=forwarded
            )
            if fault == "drop-after":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            headers = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
            self._reply(answer.status_code, b"" if self.command == "HEAD" else answer.content,
                        headers)  # fmt: skip

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    return Handler


@contextmanager
def gate(upstream_url: str, **options: object) -> Iterator[Gate]:
    """A gate on a free loopback port in front of the server at ``upstream_url``; ``gate.url``
    is the same URL through the gate."""
    parts = urlsplit(upstream_url)
    found = Gate(upstream=f"{parts.scheme}://{parts.netloc}", **options)  # type: ignore[arg-type]
    with httpx.Client(timeout=30) as client:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found, client))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        found.url = f"http://127.0.0.1:{server.server_address[1]}{parts.path}"
        try:
            yield found
        finally:
            server.shutdown()
            server.server_close()


__all__ = ["Gate", "Seen", "gate"]
