"""The request head and body bounded in size and time, over raw sockets against a real server."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from api.http_limits import HEAD_BYTES
from tests.conftest import Server, sample_store, start_server

REQUEST_TIMEOUT = 1.0
CHEAP = "ASK%20%7B%7D"  # ASK {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    store = sample_store(tmp_path_factory.mktemp("limits") / "store", sample_template)
    running = start_server(store, env={"NEWSGRAPH_REQUEST_TIMEOUT": str(REQUEST_TIMEOUT)})
    yield running
    running.stop()


def _connect(server: Server) -> socket.socket:
    parts = urlsplit(server.url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
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
