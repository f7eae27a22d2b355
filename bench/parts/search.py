"""Search: ``/api/search`` over HTTP against the same question as a SPARQL ``CONTAINS`` scan,
the index's share of an ingest, and its size beside the store's.

- **two-word search, p50**: ``GET /api/search?q=W1 W2&limit=10`` on the benchmark's server
  (the top ten with their snippets, and the count of every match). Its floor is the same
  question as a SPARQL scan on the same server, side by side: every article whose headline,
  summary or body contains both words (:data:`CONTAINS_SCAN`, counted, as the search counts
  its matches); "× floor" is how many times faster the search answers.
- **the index's share of an ingest**: ``newsgraph ingest`` as it is, paired run by run with
  the same ingest with the index left out (:mod:`bench.unindexed`); the share is the median
  of the run-by-run ratios of the extra seconds to the unindexed ingest's, in CPU seconds of
  the ingest's process tree (mapping workers and tantivy's threads included: what the index
  costs, whatever else runs on the machine) and in wall-clock seconds.
- **index size**: ``STORE/search/`` beside the store's other files, as ``newsgraph stats``
  reports them (:func:`newsgraph.stats.disk_sizes`).
"""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import time
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.stats import disk_sizes

from bench.context import Context
from bench.httpload import Endpoint, timed_get
from bench.measure import percentile
from bench.report import Figure

__all__ = ["CONTAINS_SCAN", "WORDS", "run"]

#: The two words asked (common enough in the synthetic corpus to match many articles).
WORDS = ("sanctions", "budget")
#: The search's question as a scan: articles whose texts contain both words, counted.
CONTAINS_SCAN = """
PREFIX schema: <http://schema.org/>
SELECT (COUNT(DISTINCT ?article) AS ?n) WHERE {
  ?article a schema:NewsArticle .
  OPTIONAL { ?article schema:headline ?headline }
  OPTIONAL { ?article schema:description ?summary }
  OPTIONAL { ?article schema:articleBody ?body }
  BIND(LCASE(CONCAT(COALESCE(?headline, ""), " ", COALESCE(?summary, ""), " ",
                    COALESCE(?body, ""))) AS ?text)
  FILTER(CONTAINS(?text, ?first) && CONTAINS(?text, ?second))
}
"""
#: Requests of the scan (each reads every article's text).
SCAN_REQUESTS = 3


def run(ctx: Context) -> list[Figure]:
    server = ctx.newsgraph_server()
    words = " ".join(WORDS)
    search = _timed_search(server.url, words, 2)  # warm-up: the index opened and cached
    search = _timed_search(server.url, words, ctx.options.requests)
    total = _search_total(server.url, words)
    endpoint = Endpoint(server.sparql)
    scan = queries.bind(
        CONTAINS_SCAN, {"first": ox.Literal(WORDS[0]), "second": ox.Literal(WORDS[1])}
    )
    timed_get(endpoint, scan, 1, 600)  # warm-up
    scans = timed_get(endpoint, scan, min(SCAN_REQUESTS, ctx.options.requests), 600)
    scanned = _scan_count(endpoint, scan)
    sides = _ingest_share(ctx)
    cpu, wall = _shares(sides, "cpu"), _shares(sides, "wall")
    sizes = disk_sizes(ctx.store())
    articles = ctx.articles()
    notes = [
        f"q={words!r}, limit 10: {total:,} matches (stemmed words); the CONTAINS scan counts "
        f"{scanned:,} (substrings)",
        f"floor: the same question as a SPARQL CONTAINS scan on /sparql, {len(scans)} requests",
    ]
    return [
        Figure("search", "two-word search over HTTP, p50", percentile(search, 50), "s", False,
               (min(search), max(search)), percentile(scans, 50), None, notes),
        Figure("search", "two-word search over HTTP, p95", percentile(search, 95), "s", False,
               (min(search), max(search)), percentile(scans, 95)),
        Figure("search", "index's share of ingest CPU time (%)", statistics.median(cpu) * 100,
               "%", False, (min(cpu) * 100, max(cpu) * 100), None, None,
               [f"{articles:,} articles; CPU seconds of the ingest's process tree (workers "
                f"included), {statistics.median(sides['cpu']):.1f} s with the index, "
                f"{statistics.median(sides['cpu0']):.1f} s without (median of {len(cpu)} paired "
                "runs; without: bench/unindexed.py)"]),
        Figure("search", "index's share of ingest time (%)", statistics.median(wall) * 100,
               "%", False, (min(wall) * 100, max(wall) * 100), None, None,
               [f"wall clock: {statistics.median(sides['wall']):.1f} s with the index, "
                f"{statistics.median(sides['wall0']):.1f} s without; on a shared machine it "
                "follows the load more than the index"]),
        Figure("search", "index size", sizes["search_index_bytes"], "bytes", False, None, None,
               None, [f"the store beside it: {sizes['store_bytes'] / 2**20:,.0f} MiB "
                      f"({sizes['search_index_bytes'] / sizes['store_bytes']:.0%})"]),
    ]  # fmt: skip


def _timed_search(url: str, words: str, count: int) -> list[float]:
    """Seconds of each of ``count`` sequential ``/api/search`` requests on one connection."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    target = parts.path + "api/search?" + urlencode({"q": words, "limit": 10})
    times = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", target, headers={"Accept": "application/json"})
            response = connection.getresponse()
            body = response.read()
            times.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"/api/search: HTTP {response.status}: {body[:200]!r}")
    finally:
        connection.close()
    return times


def _search_total(url: str, words: str) -> int:
    import httpx

    answer = httpx.get(url + "api/search", params={"q": words, "limit": 10}, timeout=120)
    answer.raise_for_status()
    total: int = answer.json()["total"]
    if not total:
        raise RuntimeError(f"the search {words!r} matched nothing: choose other words")
    return total


def _scan_count(endpoint: Endpoint, scan: str) -> int:
    import httpx

    answer = httpx.get(endpoint.url, params={"query": scan}, timeout=600,
                       headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    answer.raise_for_status()
    return int(json.loads(answer.text)["results"]["bindings"][0]["n"]["value"])


def _ingest_share(ctx: Context) -> dict[str, list[float]]:
    """Paired ingests with the index and without it: each side's wall and CPU seconds."""
    sides: dict[str, list[float]] = {key: [] for key in ("wall", "wall0", "cpu", "cpu0")}
    for index in range(ctx.options.runs):
        path = ctx.workdir / f"search-ingest-{index}"
        without = ctx.ingest(path, module="bench.unindexed")
        with_index = ctx.ingest(path)
        shutil.rmtree(path, ignore_errors=True)
        sides["wall0"].append(without["seconds"])
        sides["wall"].append(with_index["seconds"])
        sides["cpu0"].append(without["cpu_seconds"])
        sides["cpu"].append(with_index["cpu_seconds"])
    return sides


def _shares(sides: dict[str, list[float]], kind: str) -> list[float]:
    """Each pair's extra ``kind`` seconds (wall or cpu) as a share of the unindexed ingest's."""
    return [a / b - 1 for a, b in zip(sides[kind], sides[kind + "0"], strict=True)]
