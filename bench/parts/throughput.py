"""Endpoint throughput on loopback: completed requests per second at concurrency 8 and 32.

The query is a cheap one (the articles of a rare entity). The floor is the same query run
in-process on pyoxigraph, one after another, for the same time: what one core does with no
HTTP, no parsing of requests and no serialisation of results.

The load comes from :mod:`bench.httpload`. ``bench/load.py`` (an async load tester written
alongside) can replace it: :func:`load_tester` is the one place that chooses.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pyoxigraph as ox

from bench import floor, httpload
from bench.context import Context
from bench.measure import Sample
from bench.parts.queries import QUERIES, probes
from bench.report import Figure

__all__ = ["CONCURRENCY", "load_tester", "run"]

CONCURRENCY = (8, 32)

LoadTester = Callable[[httpload.Endpoint, str, int, float], httpload.LoadResult]


def load_tester() -> LoadTester:
    """The function that puts an endpoint under load (our minimal client)."""
    return httpload.throughput


def run(ctx: Context) -> list[Figure]:
    text = QUERIES[1].text(probes(ctx))
    seconds = ctx.options.load_seconds
    load = load_tester()
    endpoint = httpload.Endpoint(ctx.newsgraph_server().sparql)
    httpload.timed_get(endpoint, text, 3, 60)  # warm-up
    base = _in_process_rate(ctx, text, seconds)
    figures = []
    for concurrency in CONCURRENCY:
        rates, errors = Sample(), 0
        for _ in range(ctx.options.runs):
            result = load(endpoint, text, concurrency, seconds)
            rates.add(result.per_second)
            errors += result.errors
        peer, note = _peer(ctx, text, concurrency, seconds)
        notes = [f"{QUERIES[1].label}, {seconds:g} s per run", note]
        if errors:
            notes.append(f"{errors} failed requests")
        figures.append(
            Figure("throughput", f"requests/s at concurrency {concurrency}", rates.median,
                   "requests/s", True, rates.spread, base, peer, [n for n in notes if n])
        )  # fmt: skip
    return figures


def _in_process_rate(ctx: Context, text: str, seconds: float) -> float:
    store = ox.Store.read_only(str(ctx.snapshot()))
    floor.run_query(store, text)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        floor.run_query(store, text)
        done += 1
    rate = done / (time.perf_counter() - started)
    del store
    return rate


def _peer(ctx: Context, text: str, concurrency: int, seconds: float) -> tuple[float | None, str]:
    server = ctx.peer_server()
    if server is None:
        return None, ctx.facts.get("peer_failed", "peer not run")
    endpoint = httpload.Endpoint(server.sparql)
    result = httpload.throughput(endpoint, text, concurrency, seconds, ctx.options.peer_limit)
    if result.requests == 0:
        return None, "peer: no request completed"
    return result.per_second, "peer: one run"
