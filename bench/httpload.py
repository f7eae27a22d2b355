"""A minimal HTTP/1.1 client for measuring SPARQL endpoints on loopback.

Latency uses one keep-alive connection and sends requests one after another; throughput opens
``concurrency`` keep-alive connections on asyncio streams and keeps each busy for a fixed time.
It is deliberately small (no TLS, no redirects) so that the client spends little of the CPU it
shares with the server under test. Every loop is bounded in count and time, and targets are
checked to be loopback addresses.
"""

from __future__ import annotations

import asyncio
import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from newsgraph.sparql import sparqltext

__all__ = [
    "Endpoint",
    "LoadResult",
    "accept_for",
    "answered_from_summaries",
    "throughput",
    "timed_get",
]

#: What clients ask for: JSON results, and Turtle for DESCRIBE and CONSTRUCT.
RESULTS_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "text/turtle"


def accept_for(query: str) -> str:
    """The Accept header for a query: results or a graph."""
    form = sparqltext.query_form(query)
    return GRAPH_ACCEPT if form in ("DESCRIBE", "CONSTRUCT") else RESULTS_ACCEPT


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL endpoint on this machine, e.g. ``http://127.0.0.1:8000/sparql``."""

    url: str

    def __post_init__(self) -> None:
        host = urlsplit(self.url).hostname or ""
        address = socket.gethostbyname(host)
        if not ipaddress.ip_address(address).is_loopback:
            raise ValueError(f"{self.url}: benchmarks only target loopback addresses")

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 80

    def target(self, query: str) -> str:
        return f"{urlsplit(self.url).path or '/'}?{urlencode({'query': query})}"


def timed_get(endpoint: Endpoint, query: str, count: int, timeout: float) -> list[float]:
    """Seconds taken by each of ``count`` sequential requests (stops early past ``timeout``)."""
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout)
    target = endpoint.target(query)
    times: list[float] = []
    deadline = time.monotonic() + timeout
    try:
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", target, headers={"Accept": accept_for(query)})
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
            if "cache;" in (response.getheader("Server-Timing") or ""):
                raise RuntimeError("the answer came from the result cache: the query was not run")
            times.append(elapsed)
            if time.monotonic() > deadline:
                break
    finally:
        connection.close()
    return times


def answered_from_summaries(endpoint: Endpoint, query: str, timeout: float = 120) -> bool:
    """Whether newsgraph answers ``query`` from its entity summaries (its Server-Timing says
    so) rather than running it on the SPARQL engine."""
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout)
    try:
        connection.request("GET", endpoint.target(query), headers={"Accept": accept_for(query)})
        response = connection.getresponse()
        response.read()
        return "summaries;" in (response.getheader("Server-Timing") or "")
    finally:
        connection.close()


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def throughput(
    endpoint: Endpoint, query: str, concurrency: int, seconds: float, timeout: float = 30.0
) -> LoadResult:
    """Completed requests per second with ``concurrency`` connections for ``seconds``."""
    return asyncio.run(_load(endpoint, query, concurrency, seconds, timeout))


async def _load(
    endpoint: Endpoint, query: str, concurrency: int, seconds: float, timeout: float
) -> LoadResult:
    request = (
        f"GET {endpoint.target(query)} HTTP/1.1\r\nHost: {endpoint.host}:{endpoint.port}\r\n"
        f"Accept: {accept_for(query)}\r\n\r\n"
    ).encode("ascii")
    started = time.perf_counter()
    deadline = started + seconds
    counts = await asyncio.gather(
        *(_worker(endpoint, request, deadline, timeout) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    return LoadResult(sum(c[0] for c in counts), sum(c[1] for c in counts), elapsed)


async def _worker(
    endpoint: Endpoint, request: bytes, deadline: float, timeout: float
) -> tuple[int, int]:
    done = errors = 0
    reader, writer = await asyncio.open_connection(endpoint.host, endpoint.port)
    try:
        while time.perf_counter() < deadline:
            writer.write(request)
            try:
                status = await asyncio.wait_for(_response(reader), timeout)
            except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
                errors += 1
                break
            if status == 200:
                done += 1
            else:
                errors += 1
    finally:
        writer.close()
    return done, errors


async def _response(reader: asyncio.StreamReader) -> int:
    """Read one response; return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status
