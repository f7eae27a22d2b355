"""The request head and body bounded in size and time, over raw sockets against a real server.

A control holds uvicorn alone, with its public options, to the same requests: it fails them, the
reason api/http_limits.py extends uvicorn's protocol class; and the hooks it extends are pinned.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from newsgraph.api.http_limits import HEAD_BYTES, bounded_protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from tests.conftest import Server, sample_store, start_server

REQUEST_TIMEOUT = 1.0
CHEAP = "ASK%20%7B%7D"  # ASK {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    store = sample_store(tmp_path_factory.mktemp("limits") / "store", sample_template)
    running = start_server(store, env={"NEWSGRAPH_REQUEST_TIMEOUT": str(REQUEST_TIMEOUT)})
    yield running
    running.stop()


def _connect(server: Server | str, timeout: float = 30) -> socket.socket:
    parts = urlsplit(server if isinstance(server, str) else server.url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    return sock


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _still_answers(server: Server) -> None:
    response = httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 200


def test_a_head_over_the_limit_is_431(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(f"GET /sparql?query={CHEAP} HTTP/1.1\r\nHost: x\r\n".encode())
        try:
            for _ in range(HEAD_BYTES // 8000 + 2):
                sock.sendall(b"X-Pad: " + b"p" * 8000 + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed on us, as it should be; the answer was sent first
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b"connection: close" in answer.lower()
    _still_answers(server)


def _oversized_head_in_one_send(url: str) -> bytes:
    """What a client reads after sending a head far over the limit in one go: more than the
    server reads at once, so bytes are still unread when it answers."""
    with _connect(url) as sock:
        sock.sendall(f"GET /sparql?query={CHEAP} HTTP/1.1\r\nHost: x\r\n".encode())
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused meanwhile
            sock.sendall(b"X-Pad: " + b"p" * (8 * HEAD_BYTES))
        time.sleep(0.3)  # a reset, had the server closed without draining, has arrived
        return _answer(sock)


def test_a_client_still_sending_reads_the_431_whole(server: Server) -> None:
    """After the answer the server drains what the client still sends: closing a socket with
    unread bytes sends a reset, and the client reads "connection reset" in place of the 431
    (the race the test above can lose, made certain here)."""
    assert _oversized_head_in_one_send(server.url).startswith(b"HTTP/1.1 431 ")
    _still_answers(server)


def test_control_a_refusal_that_closes_at_once_resets_the_client() -> None:
    """The control: the same protocol with no linger closes on the client's unread bytes, and
    the client's read fails with a reset."""
    with _uvicorn_alone(http=bounded_protocol(REQUEST_TIMEOUT, linger_seconds=0)) as alone:
        with pytest.raises(ConnectionResetError):
            _oversized_head_in_one_send(alone)
        with _uvicorn_alone(http=bounded_protocol(REQUEST_TIMEOUT)) as lingering:
            assert _oversized_head_in_one_send(lingering).startswith(b"HTTP/1.1 431 ")


def test_a_large_head_within_the_limit_is_answered(server: Server) -> None:
    response = httpx.get(server.sparql, params={"query": "ASK {}"},
                         headers={"X-Pad": "p" * (HEAD_BYTES - 4096)}, timeout=30)  # fmt: skip
    assert response.status_code == 200


def test_a_head_that_never_ends_is_408(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(f"GET /sparql?query={CHEAP} HTTP/1.1\r\nHost: x\r\n".encode())
        started = time.monotonic()
        answer = _answer(sock)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert waited >= REQUEST_TIMEOUT * 0.9
    _still_answers(server)


def test_a_connection_that_sends_nothing_is_closed(server: Server) -> None:
    with _connect(server) as sock:
        assert _answer(sock).startswith(b"HTTP/1.1 408 ")


def test_a_head_sent_slowly_but_in_time_is_answered(server: Server) -> None:
    head = f"GET /sparql?query={CHEAP} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    with _connect(server) as sock:
        for start in range(0, len(head), len(head) // 4 + 1):
            sock.sendall(head[start : start + len(head) // 4 + 1])
            time.sleep(REQUEST_TIMEOUT / 10)
        assert _answer(sock).startswith(b"HTTP/1.1 200 ")


def test_a_body_that_never_ends_is_408(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\n"
                     b"ASK {")  # fmt: skip
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"request-timeout" in answer
    _still_answers(server)


def _one_answer(sock: socket.socket) -> bytes:
    """One whole response (with a Content-Length) on a connection kept alive."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                  if line.startswith(b"content-length:"))  # fmt: skip
    while len(body) < length:
        body += sock.recv(65536)
    return head


def _get(keep_alive: bool = True) -> bytes:
    close = b"" if keep_alive else b"Connection: close\r\n"
    return f"GET /sparql?query={CHEAP} HTTP/1.1\r\nHost: x\r\n".encode() + close + b"\r\n"


def test_a_kept_alive_connection_is_not_cut_by_the_head_clock(server: Server) -> None:
    """The clock stops when a head is complete: an answered connection idle for longer than the
    head timeout (but not uvicorn's keep-alive timeout) still takes the next request."""
    with _connect(server) as sock:
        sock.sendall(_get())
        assert _one_answer(sock).startswith(b"HTTP/1.1 200 ")
        time.sleep(REQUEST_TIMEOUT * 1.5)
        sock.sendall(_get(keep_alive=False))
        assert _answer(sock).startswith(b"HTTP/1.1 200 ")


def test_a_second_head_that_never_ends_is_408(server: Server) -> None:
    """The clock starts again with the first byte of the next request on the connection."""
    with _connect(server) as sock:
        sock.sendall(_get())
        assert _one_answer(sock).startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        answer = _answer(sock)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert REQUEST_TIMEOUT * 0.9 <= waited < 5  # its clock, not uvicorn's keep-alive timeout


def test_the_uvicorn_hooks_it_builds_on_are_there() -> None:
    """What api/http_limits.py uses of uvicorn: its httptools protocol class, accepted by
    ``Config(http=…)``, an asyncio protocol that is its parser's callback object."""
    protocol = bounded_protocol(REQUEST_TIMEOUT)
    config = uvicorn.Config(_hello, http=protocol, lifespan="off", log_config=None)
    config.load()
    assert config.http_protocol_class is protocol
    assert issubclass(HttpToolsProtocol, asyncio.Protocol)
    for hook in ("on_message_begin", "on_headers_complete"):  # httptools parser callbacks
        assert callable(getattr(HttpToolsProtocol, hook, None)), f"uvicorn has no {hook}"
    assert protocol.head_timeout == REQUEST_TIMEOUT


async def _hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", b"2")]})  # fmt: skip
    await send({"type": "http.response.body", "body": b"ok"})


@contextmanager
def _uvicorn_alone(**options: Any) -> Iterator[str]:
    """The URL of uvicorn on a loopback port with only its public ``options``, serving a tiny
    app (in a thread of this process)."""
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(_hello, lifespan="off", log_level="error", **options)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        running.should_exit = True
        thread.join(30)
        listening.close()


def test_control_uvicorn_options_alone_do_not_bound_the_head() -> None:
    """The control: uvicorn's public options nearest to these limits (the h11 protocol with
    ``h11_max_incomplete_event_size``, ``timeout_keep_alive``) answer an oversized head 400,
    and hold a connection that sends nothing, or a head that never ends, past any timeout; its
    httptools protocol takes a head of any size."""
    options = {"http": "h11", "h11_max_incomplete_event_size": HEAD_BYTES,
               "timeout_keep_alive": 1}  # fmt: skip
    with _uvicorn_alone(**options) as alone:
        with _connect(alone) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * (HEAD_BYTES + 1))
            assert _answer(sock).startswith(b"HTTP/1.1 400 ")  # not 431
        for start in (b"", b"GET / HTTP/1.1\r\nHost: x\r\n"):
            with _connect(alone, timeout=2 * REQUEST_TIMEOUT) as sock:
                sock.sendall(start)
                with pytest.raises(TimeoutError):  # still open: no 408, no close
                    sock.recv(1)
    with _uvicorn_alone(http="httptools") as alone:  # bounds no header at all
        pad = {"X-Pad": "p" * (4 * HEAD_BYTES)}
        assert httpx.get(alone, headers=pad, timeout=30).status_code == 200
