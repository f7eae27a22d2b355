"""Answers reused until the store changes: never stale, never for volatile queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from newsgraph.api.result_cache import Answer, ResultCache, storable

from tests.conftest import BASE, Server, newsgraph, record, sample_store, start_server, write_jsonl

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <http://schema.org/NewsArticle> }"


def test_least_recently_used_answers_leave_first() -> None:
    cache = ResultCache(16 * 100)  # answers up to 100 bytes are kept
    for name in "abcdefghijklmnopq":
        cache.put("g", name, Answer(b"x" * 100, "text/csv", False))
    assert cache.size <= cache.capacity
    assert cache.get("g", "a") is None and cache.get("g", "q") is not None
    cache.put("g", "huge", Answer(b"x" * 101, "text/csv", False))
    assert cache.get("g", "huge") is None
    cache.put("g", "q", Answer(b"y", "text/csv", False))
    assert cache.size == 15 * 100 + 1


def test_a_new_generation_empties_it() -> None:
    cache = ResultCache(10_000)
    cache.put("g1", "k", Answer(b"old", "text/csv", False))
    assert cache.get("g2", "k") is None
    assert cache.size == 0 and cache.get("g1", "k") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { ?s ?p ?o }", True),
        ("SELECT (RAND() AS ?r) {}", False),
        ("SELECT (now() AS ?t) {}", False),
        ("SELECT (UUID() AS ?u) {}", False),
        ("SELECT (STRUUID() AS ?u) {}", False),
        ("CONSTRUCT { ?s <http://p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }", False),
        ("SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }", False),
        ('SELECT * { ?s ?p "RAND NOW" } # UUID', True),
        ("SELECT ?brand { ?brand <http://schema.org/brand> ?now }", True),
    ],
)
def test_storable(query: str, expected: bool) -> None:
    assert storable(query) is expected


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    running = start_server(
        sample_store(tmp_path_factory.mktemp("result-cache") / "store", sample_template)
    )
    yield running
    running.stop()


def _hit(response: httpx.Response) -> bool:
    return response.headers["server-timing"].startswith("cache")


def test_a_repeated_question_is_answered_from_the_cache_until_a_write(
    server: Server, tmp_path: Path
) -> None:
    first = httpx.post(server.sparql, data={"query": COUNT})
    second = httpx.post(server.sparql, data={"query": COUNT})
    assert not _hit(first) and _hit(second)
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]
    as_csv = httpx.post(server.sparql, data={"query": COUNT}, headers={"Accept": "text/csv"})
    assert not _hit(as_csv)  # another format is another answer
    more = write_jsonl(tmp_path / "more.jsonl", [record("cache-news")])
    ingested = newsgraph(
        "ingest", "--quiet", "--store", str(server.store), "--base", BASE, str(more)
    )
    assert ingested.returncode == 0, ingested.stderr.decode()
    third = httpx.post(server.sparql, data={"query": COUNT})
    assert not _hit(third)
    before = int(first.json()["results"]["bindings"][0]["n"]["value"])
    assert int(third.json()["results"]["bindings"][0]["n"]["value"]) == before + 1


def test_truncation_is_kept_with_the_answer(server: Server) -> None:
    query = {"query": "SELECT * WHERE { ?s ?p ?o }"}
    first, second = (httpx.get(server.sparql, params=query) for _ in range(2))
    assert _hit(second)
    assert first.headers.get("newsgraph-truncated") == second.headers.get("newsgraph-truncated")


def test_volatile_queries_run_every_time(server: Server) -> None:
    query = {"query": "SELECT (STRUUID() AS ?u) {}"}
    first, second = (httpx.get(server.sparql, params=query) for _ in range(2))
    assert not _hit(first) and not _hit(second)
    assert first.json() != second.json()
