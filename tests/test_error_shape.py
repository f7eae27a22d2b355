"""Every error path of ``/sparql`` answers in the one shape: ``{"error", "message", "status"}``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Server, sample_store, start_server

TOKEN = "error-shape-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
QUERY = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    store = sample_store(tmp_path_factory.mktemp("errors") / "store", sample_template)
    running = start_server(
        store, "--allow-update", "--query-timeout", "1",
        env={"NEWSGRAPH_UPDATE_TOKEN": TOKEN, "NEWSGRAPH_MAX_REQUEST_BYTES": "2048"},
    )  # fmt: skip
    yield running
    running.stop()


#: (name, status, error code, request arguments)
ERROR_PATHS: list[tuple[str, int, str, dict[str, Any]]] = [
    ("malformed query", 400, "bad-query", {"params": {"query": "SELECT ?x WHERE { ?x"}}),
    ("malformed update", 400, "bad-query",
     {"method": "POST", "data": {"update": "CLEAR XYZ"}, "headers": AUTH}),
    ("no query", 400, "bad-query", {"method": "POST", "data": {"format": "json"}}),
    ("two queries", 400, "bad-query", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}),
    ("query and update", 400, "bad-query",
     {"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}, "headers": AUTH}),
    ("update by GET", 400, "bad-query", {"params": {"update": "CLEAR ALL"}, "headers": AUTH}),
    ("bad default graph", 400, "bad-query",
     {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}),
    ("using with a query", 400, "bad-query",
     {"params": {"query": "ASK {}", "using-graph-uri": "http://g"}}),
    ("dataset conflict", 400, "bad-query",
     {"method": "POST", "params": {"using-graph-uri": "http://g"}, "headers": {**AUTH, **UPDATE},
      "content": b"WITH <http://h> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"}),
    ("body not UTF-8", 400, "bad-query",
     {"method": "POST", "content": b"ASK { ?s ?p \"\xff\" }", "headers": QUERY}),
    ("no token", 401, "unauthorized", {"method": "POST", "data": {"update": "CLEAR ALL"}}),
    ("wrong token", 403, "forbidden",
     {"method": "POST", "data": {"update": "CLEAR ALL"}, "headers": {"Authorization": "Bearer no"}}),
    ("SERVICE", 403, "refused",
     {"params": {"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"}}),
    ("LOAD", 403, "refused",
     {"method": "POST", "data": {"update": "LOAD <http://example.org/x>"}, "headers": AUTH}),
    ("PUT", 405, "method-not-allowed", {"method": "PUT", "content": b"ASK {}", "headers": QUERY}),
    ("no acceptable format", 406, "not-acceptable",
     {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}),
    ("no acceptable format for the kind", 406, "not-acceptable",
     {"params": {"query": "ASK {}"}, "headers": {"Accept": "text/turtle"}}),
    ("body too large", 413, "too-large",
     {"method": "POST", "content": b"#" + b"x" * 4096 + b"\nASK {}", "headers": QUERY}),
    ("content type", 415, "unsupported-media-type",
     {"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}),
    ("no content type", 415, "unsupported-media-type", {"method": "POST", "content": b"ASK {}"}),
    ("charset", 415, "unsupported-media-type",
     {"method": "POST", "content": "ASK {}".encode("utf-16"),
      "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"}}),
    ("timeout", 503, "timeout", {"params": {"query": EXPLOSIVE}}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "code", "arguments"),
    [(status, code, arguments) for _, status, code, arguments in ERROR_PATHS],
    ids=[name for name, *_ in ERROR_PATHS],
)
def test_error_shape(server: Server, status: int, code: str, arguments: dict[str, Any]) -> None:
    arguments = dict(arguments)
    method = arguments.pop("method", "GET")
    response = httpx.request(method, server.sparql, timeout=60, **arguments)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "message", "status"}
    assert body["status"] == status
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]


def test_every_status_of_the_brief_is_walked() -> None:
    assert {400, 401, 403, 406, 413, 415, 503} <= {status for _, status, _, _ in ERROR_PATHS}


def test_an_unknown_path_has_the_shape_too(server: Server) -> None:
    response = httpx.get(server.url + "no/such/path")
    assert response.status_code == 404
    assert set(response.json()) == {"error", "message", "status"}
