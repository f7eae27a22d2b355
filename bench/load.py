"""A bounded loopback load test of the SPARQL endpoint: requests/s, latency percentiles, errors and
the server's peak memory.

    python -m bench.load --store STORE                      # cheap + named query, c=8 and 32
    python -m bench.load --store STORE --requests 20000 --concurrency 16
    python -m bench.load --url http://127.0.0.1:8000/ --pid 1234 --query 'ASK {}'

Each scenario sends exactly ``--requests`` GET requests over ``concurrency`` keep-alive
connections, from a small asyncio HTTP/1.1 client (a Python HTTP library would be the
bottleneck on a two-core machine: this one costs a few microseconds a request). With
``--unique`` every request carries a distinct comment, so that no answer can come from a cache.
Started with ``--store``, the server is this checkout's ``newsgraph serve`` on a free loopback
port; its peak resident memory (VmHWM) is read from /proc for the server process and for the
whole process tree (its query workers included).

The function API, for ``python -m bench``: :func:`measure` (one scenario against a URL),
:func:`run` (the standard scenarios); :func:`bench.context.serve` starts a server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench.context import serve
from bench.measure import tree_memory

__all__ = ["CHEAP_QUERY", "LoadResult", "measure", "named_query", "run"]

ROOT = Path(__file__).resolve().parent.parent
CHEAP_QUERY = "PREFIX schema: <http://schema.org/>\nSELECT ?headline WHERE { ?a schema:headline ?headline } LIMIT 1"
#: Entities by how many articles mention them, the most or the least mentioned first.
MENTIONS = (
    "PREFIX schema: <http://schema.org/>\n"
    "SELECT ?entity (COUNT(*) AS ?n) WHERE {{ GRAPH ?a {{ ?a schema:mentions ?entity }} }}\n"
    "GROUP BY ?entity ORDER BY {order}(?n) ?entity LIMIT 1"
)


@dataclass
class LoadResult:
    name: str
    concurrency: int
    requests: int
    seconds: float
    errors: int
    statuses: dict[int, int]
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    server_peak_rss_mib: float | None = None
    tree_peak_rss_mib: float | None = None

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def summary(self) -> dict[str, object]:
        data = {k: v for k, v in asdict(self).items() if k != "latencies_ms"}
        data.update(
            requests_per_second=round(self.requests_per_second, 1),
            p50_ms=round(self.percentile(50), 3),
            p95_ms=round(self.percentile(95), 3),
            p99_ms=round(self.percentile(99), 3),
            mean_ms=round(statistics.fmean(self.latencies_ms), 3) if self.latencies_ms else 0.0,
        )
        return data

    def row(self) -> str:
        memory = (
            f"{self.server_peak_rss_mib:.0f} / {self.tree_peak_rss_mib:.0f}"
            if self.server_peak_rss_mib is not None and self.tree_peak_rss_mib is not None
            else "–"
        )
        return (
            f"| {self.name} | {self.concurrency} | {self.requests} | "
            f"{self.requests_per_second:,.0f} | {self.percentile(50):.2f} | "
            f"{self.percentile(95):.2f} | {self.percentile(99):.2f} | {self.errors} | {memory} |"
        )


TABLE_HEAD = (
    "| scenario | concurrency | requests | requests/s | p50 ms | p95 ms | p99 ms | errors "
    "| peak RSS MiB (server / with workers) |\n|---|---|---|---|---|---|---|---|---|"
)


# -- the client ---------------------------------------------------------------------------------


class _Connection:
    """One keep-alive HTTP/1.1 connection that sends GETs and reads whole responses."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def get(self, request: bytes) -> int:
        if self.writer is None or self.writer.is_closing():
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(request)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        if close:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = None


def _request_bytes(host: str, path: str, query: str, accept: str) -> bytes:
    target = f"{path}?query={quote(query, safe='')}"
    return (
        f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\n"
        "User-Agent: newsgraph-bench\r\n\r\n"
    ).encode("ascii")


async def _load(
    url: str, query: str, concurrency: int, total: int, accept: str, unique: bool
) -> tuple[float, list[float], Counter[int], int]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = (parts.path.rstrip("/") or "") + "/sparql"
    authority = f"{host}:{port}"
    fixed = _request_bytes(authority, path, query, accept)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    issued = 0
    nonce = os.urandom(6).hex()  # --unique: distinct from every earlier run's requests too

    async def client() -> None:
        nonlocal issued, errors
        connection = _Connection(host, port)
        try:
            while issued < total:
                issued += 1
                request = (
                    _request_bytes(authority, path, f"{query}\n# {nonce} {issued}", accept)
                    if unique
                    else fixed
                )
                started = time.perf_counter()
                try:
                    status = await connection.get(request)
                except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                    errors += 1
                    await connection.close()
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] += 1
                if status >= 400:
                    errors += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, statuses, errors


def measure(
    url: str,
    query: str,
    *,
    concurrency: int = 8,
    requests: int = 2000,
    name: str = "query",
    accept: str = "application/sparql-results+json",
    unique: bool = False,
    warmup: int = 200,
) -> LoadResult:
    """Send ``requests`` GETs of ``query`` to ``url``/sparql over ``concurrency`` connections."""
    if warmup:
        asyncio.run(_load(url, query, min(concurrency, warmup), warmup, accept, unique))
    seconds, latencies, statuses, errors = asyncio.run(
        _load(url, query, concurrency, requests, accept, unique)
    )
    return LoadResult(name, concurrency, requests, seconds, errors, dict(statuses), latencies)


# -- scenarios ----------------------------------------------------------------------------------


def named_query(url: str, name: str = "entity-articles", entity: str = "rare") -> str:
    """A named query from ``graph/queries``, its ``entity`` bound to the least (``rare``) or the
    most (``frequent``) mentioned entity, or to the IRI given."""
    import httpx

    sys.path.insert(0, str(ROOT))
    from newsgraph import queries

    named = queries.get(name)
    if "entity" not in named.params:
        return named.text
    if entity in ("rare", "frequent"):
        order = "ASC" if entity == "rare" else "DESC"
        response = httpx.get(url.rstrip("/") + "/sparql",
                             params={"query": MENTIONS.format(order=order)}, timeout=600)  # fmt: skip
        response.raise_for_status()
        rows = response.json()["results"]["bindings"]
        if not rows:
            raise RuntimeError("the store mentions no entity")
        entity = rows[0]["entity"]["value"]
    return queries.bind(name, {"entity": f"<{entity}>"})


def run(
    url: str,
    *,
    pid: int | None = None,
    requests: int = 5000,
    concurrencies: Sequence[int] = (8, 32),
    queries: dict[str, str] | None = None,
    unique: bool = False,
    report: Callable[[LoadResult], None] | None = None,
    entity: str = "rare",
) -> list[LoadResult]:
    """The standard scenarios: each query at each concurrency; ``report`` sees each result."""
    chosen = queries or {
        "cheap query": CHEAP_QUERY,
        f"entity-articles, {entity} entity": named_query(url, entity=entity),
    }
    found = []
    for name, text in chosen.items():
        for concurrency in concurrencies:
            result = measure(url, text, concurrency=concurrency, requests=requests, name=name,
                             unique=unique)  # fmt: skip
            if pid is not None:
                result.server_peak_rss_mib, result.tree_peak_rss_mib = tree_memory(pid)
            found.append(result)
            if report is not None:
                report(result)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", type=Path, help="start newsgraph serve on this store")
    where.add_argument("--url", help="an already running server's root URL")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id (for memory)")
    parser.add_argument("--requests", type=int, default=5000, help="requests per scenario")
    parser.add_argument("--concurrency", default="8,32", help="comma-separated (default 8,32)")
    parser.add_argument("--query", action="append", help="query text (repeatable); default: a "
                        "cheap query and the named query entity-articles")  # fmt: skip
    parser.add_argument("--unique", action="store_true", help="make every request distinct")
    parser.add_argument("--entity", default="rare",
                        help="entity-articles binds: rare, frequent or an entity IRI")  # fmt: skip
    parser.add_argument("--workers", type=int, help="--query-workers for the started server")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    concurrencies = [int(c) for c in args.concurrency.split(",") if c]
    queries = {f"query {i + 1}": q for i, q in enumerate(args.query)} if args.query else None
    started = time.monotonic()
    print(TABLE_HEAD, flush=True)

    def report(result: LoadResult) -> None:
        print(result.row(), flush=True)

    def scenarios(url: str, pid: int | None) -> list[LoadResult]:
        return run(url, pid=pid, requests=args.requests, concurrencies=concurrencies,
                   queries=queries, unique=args.unique, report=report, entity=args.entity)  # fmt: skip

    if args.store:
        options = ["--query-workers", str(args.workers)] if args.workers else []
        with (
            tempfile.TemporaryDirectory() as logs,
            serve(args.store, options, log=Path(logs) / "serve.log") as server,
        ):
            results = scenarios(server.url, server.pid)
    else:
        results = scenarios(args.url, args.pid)
    load = os.getloadavg()[0]
    print(f"\n{sum(r.requests for r in results)} requests in {time.monotonic() - started:.1f} s; "
          f"{os.cpu_count()} CPUs, load average {load:.2f}; unique={args.unique}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps([r.summary() for r in results], indent=2) + "\n")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
