"""CORS, gzip and Server-Timing on the real server."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Server, sample_store, start_server

ORIGIN = {"Origin": "https://notebook.example.org"}
BIG = {"query": "SELECT * WHERE { ?s ?p ?o }"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    running = start_server(
        sample_store(tmp_path_factory.mktemp("middleware") / "store", sample_template)
    )
    yield running
    running.stop()


def test_cors_preflight(server: Server) -> None:
    response = httpx.options(server.sparql, headers={
        **ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed


def test_cors_on_answers_and_errors(server: Server) -> None:
    for params in ({"query": "ASK {}"}, {"query": "ASK {"}):
        response = httpx.get(server.sparql, params=params, headers=ORIGIN)
        assert response.headers["access-control-allow-origin"] == "*"
        exposed = response.headers["access-control-expose-headers"].lower()
        assert "newsgraph-truncated" in exposed and "server-timing" in exposed


def test_gzip_when_accepted_and_large(server: Server) -> None:
    with httpx.Client() as client:
        raw = client.get(server.sparql, params=BIG, headers={"Accept-Encoding": "identity"})
        zipped = client.stream(
            "GET", server.sparql, params=BIG, headers={"Accept-Encoding": "gzip"}
        )
        with zipped as response:
            body = response.read()
            assert response.headers["content-encoding"] == "gzip"
            assert "accept-encoding" in response.headers["vary"].lower()
            assert int(response.headers["content-length"]) < len(raw.content)
    assert "content-encoding" not in raw.headers
    assert body == raw.content  # httpx decoded it; the same answer either way
    small = httpx.get(
        server.sparql, params={"query": "ASK {}"}, headers={"Accept-Encoding": "gzip"}
    )
    assert "content-encoding" not in small.headers
    assert gzip.decompress(gzip.compress(body)) == body


def _timings(header: str) -> dict[str, float | None]:
    found: dict[str, float | None] = {}
    for metric in header.split(","):
        name, *parameters = (part.strip() for part in metric.split(";"))
        found[name] = None
        for parameter in parameters:
            if parameter.startswith("dur="):
                found[name] = float(parameter[4:])
    return found


def test_server_timing(server: Server) -> None:
    query = {"query": "ASK { ?s ?p ?o } # server timing"}
    timings = _timings(httpx.get(server.sparql, params=query).headers["server-timing"])
    assert set(timings) == {"wait", "query", "total"}
    assert all(value is not None and value >= 0 for value in timings.values())
    assert timings["query"] <= timings["total"]  # type: ignore[operator]
    again = _timings(httpx.get(server.sparql, params=query).headers["server-timing"])
    assert set(again) == {"cache", "total"}  # the same question, the store unchanged
    error = httpx.get(server.sparql, params={"query": "ASK {"})
    assert "total" in _timings(error.headers["server-timing"])


def test_vary_names_what_the_answer_depends_on(server: Server) -> None:
    for encoding in ("gzip", "identity"):
        response = httpx.get(server.sparql, params={"query": "ASK {}"},
                             headers={"Accept-Encoding": encoding})  # fmt: skip
        vary = {part.strip().lower() for part in response.headers["vary"].split(",")}
        assert {"accept", "accept-encoding"} <= vary
