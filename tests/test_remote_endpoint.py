"""The same records in the embedded store and in a remote server give the same answers through
newsgraph's endpoint (``newsgraph serve --store http://…``), and re-ingest stays idempotent.

Everything runs as real processes: ``newsgraph ingest`` and ``newsgraph serve`` on each side,
queried with SPARQLWrapper and httpx.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from newsgraph import queries
from newsgraph.sparql import sparqltext
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from tests.backends import Endpoint, empty
from tests.conftest import BASE, ROOT, SAMPLE, SEED, Server, free_port, newsgraph, start_server

PREFIXES = "PREFIX schema: <http://schema.org/>\nPREFIX ng: <https://w3id.org/newsgraph/ns#>\n"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
AD_HOC = {
    "co-occurrence": """SELECT ?a ?b (COUNT(?article) AS ?articles) WHERE {
        ?article schema:mentions ?x , ?y . ?x schema:name ?a . ?y schema:name ?b .
        FILTER(STR(?x) < STR(?y)) } GROUP BY ?a ?b ORDER BY DESC(?articles) ?a ?b LIMIT 20""",
    "per-month": """SELECT ?year ?month (COUNT(*) AS ?articles) WHERE {
        ?article a schema:NewsArticle ; schema:datePublished ?d .
        BIND(YEAR(?d) AS ?year) BIND(MONTH(?d) AS ?month) } GROUP BY ?year ?month
        ORDER BY ?year ?month""",
    "dates-and-zones": """SELECT ?a ?d (TIMEZONE(?d) AS ?zone) (DATATYPE(?d) AS ?type) WHERE {
        ?a schema:datePublished ?d FILTER(?d >= "2026-03-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>)
        } ORDER BY ?d ?a""",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "one-graph": f"SELECT ?e ?p ?o WHERE {{ GRAPH <{BASE}graph/entities> {{ ?e ?p ?o }} }} ORDER BY ?e ?p ?o",
    "languages": "SELECT ?lang (COUNT(*) AS ?n) WHERE { ?a schema:inLanguage ?lang } GROUP BY ?lang ORDER BY ?lang",
    "ask": 'ASK { ?a schema:mentions ?e . ?e schema:name "Kazakhstan" }',
    "everything": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
}


def records() -> list[str]:
    return [str(SAMPLE)] + ([str(SEED)] if SEED.exists() else [])


def start_remote_server(url: str, env: dict[str, str], log: Path) -> Server:
    """``newsgraph serve --store URL`` (conftest's start_server takes a directory)."""
    port = free_port()
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsgraph", "serve", "--store", url, "--base", BASE,
             "--port", str(port)],
            env={**os.environ, **env}, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            if httpx.get(base + "sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return Server(base, process, log.parent, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("newsgraph serve did not answer within 60 s")


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = tmp_path_factory.mktemp("embedded") / "store"
    result = newsgraph("ingest", "--quiet", "--store", str(store), "--base", BASE, *records())
    assert result.returncode == 0, result.stderr.decode()
    server = start_server(store)
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Endpoint, Server]]:  # fmt: skip
    found: Endpoint = request.getfixturevalue(request.param)
    with found.store() as store:
        empty(store)
    env = found.env
    first = newsgraph("ingest", "--quiet", "--base", BASE, *records(), env=env)
    assert first.returncode == 0, first.stderr.decode()
    server = start_remote_server(found.query_url, env, tmp_path_factory.mktemp("remote") / "log")
    yield found, server
    server.stop()


def answer(server: Server, query: str) -> Any:
    wrapper = SPARQLWrapper(server.sparql)
    wrapper.setMethod(POST)
    wrapper.setQuery(PREFIXES + query)
    wrapper.setReturnFormat(JSON)
    result = wrapper.queryAndConvert()
    assert isinstance(result, dict)
    if "boolean" in result:
        return result["boolean"]
    rows = [
        tuple(sorted((name, tuple(sorted(term.items()))) for name, term in row.items()))
        for row in result["results"]["bindings"]
    ]
    return rows if "ORDER BY" in query.upper() else sorted(rows)


def values(server: Server) -> dict[str, ox.NamedNode | ox.Literal]:
    """A term for each parameter of the named queries, taken from the data itself."""
    found: dict[str, ox.NamedNode | ox.Literal] = {
        "name": ox.Literal("Kazakhstan"), "search": ox.Literal("kaz"),
        "property": ox.NamedNode("http://schema.org/mentions"),
        "graph": ox.NamedNode(f"{BASE}graph/entities"), "folded": ox.Literal("kazakhstan"),
        "minCount": ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER)),
    }  # fmt: skip
    picks = {
        "entity": '?x <http://schema.org/name> "Kazakhstan"',
        "article": "?x a <http://schema.org/NewsArticle> ; <http://schema.org/mentions> ?e",
        "publisher": "?a <http://schema.org/publisher> ?x",
        "topic": "?a <http://schema.org/about> ?x",
    }
    for name, pattern in picks.items():
        rows = answer(server, f"SELECT ?x WHERE {{ {pattern} }} ORDER BY ?x LIMIT 1")
        found[name] = ox.NamedNode(dict(dict(rows[0])["x"])["value"])
    found["resource"] = found["entity"]
    return found


def named_queries(server: Server) -> dict[str, str]:
    """Every named query, its parameters bound (a parameter of many values to two of them)."""
    given = values(server)
    found = {}
    for name in queries.names():
        if name.startswith("virtuoso-"):  # calls to Virtuoso's own procedures, not questions
            continue
        bound: dict[str, queries.Value] = {}
        for param, what in queries.get(name).params.items():
            if "one or many" in what:
                bound[param] = [given["article"], given["entity"]]
            elif param in given:
                bound[param] = given[param]
            else:
                break  # co-occurrence windows: their optional lines are bound by graph/analysis
        else:
            found[name] = queries.bind(name, bound)
    return found


#: Named queries that must answer something on the sample (so that equality means something).
NOT_EMPTY = {"article-versions", "entity-articles", "entity-comentions", "entity-names",
             "entities-by-name", "count-articles", "date-range", "newest-articles", "topics",
             "publishers", "article-entity-names", "linking-article-texts"}  # fmt: skip


def test_the_same_records_give_the_same_answers(
    embedded: Server, remote: tuple[Endpoint, Server]
) -> None:
    _, server = remote
    checked = {**named_queries(embedded), **AD_HOC}
    for name, query in checked.items():
        if sparqltext.query_form(query) in ("CONSTRUCT", "DESCRIBE"):
            continue
        expected = answer(embedded, query)
        assert answer(server, query) == expected, name
        if name in NOT_EMPTY or name in AD_HOC:
            assert expected not in ([], False), f"{name} answers nothing"


def test_graph_answers_and_formats_agree(embedded: Server, remote: tuple[Endpoint, Server]) -> None:
    _, server = remote
    describe = named_queries(embedded)["article-description"]
    for query, accept in ((describe, "application/n-triples"),
                          ("CONSTRUCT WHERE { ?s <http://schema.org/name> ?o }", "text/turtle")):  # fmt: skip
        got = [httpx.post(s.sparql, data={"query": query}, headers={"Accept": accept}, timeout=30)
               for s in (embedded, server)]  # fmt: skip
        assert [r.headers["content-type"].split(";")[0] for r in got] == [accept, accept]
        fmt = ox.RdfFormat.from_media_type(accept)
        assert fmt is not None
        graphs = [set(ox.parse(r.content, format=fmt)) for r in got]
        assert graphs[0] == graphs[1] and graphs[0]
    for accept in ("text/csv", "application/sparql-results+xml", "text/tab-separated-values"):
        query = PREFIXES + AD_HOC["per-month"]
        got = [httpx.get(s.sparql, params={"query": query}, headers={"Accept": accept}, timeout=30)
               for s in (embedded, server)]  # fmt: skip
        assert got[0].content == got[1].content, accept


def test_stats_agree_and_reingest_is_idempotent(
    embedded: Server, remote: tuple[Endpoint, Server]
) -> None:
    found, _ = remote
    local = newsgraph("stats", "--json", "--store", str(embedded.store), "--base", BASE)
    served = newsgraph("stats", "--json", "--base", BASE, env=found.env)
    on_disk = {"store_bytes", "search_index_bytes"}  # sizes of a store on disk: none remotely
    expected = {k: v for k, v in json.loads(local.stdout).items() if k not in on_disk}
    assert json.loads(served.stdout) == expected
    before = io.BytesIO()
    with found.store() as store:
        store.dump(before, ox.RdfFormat.N_QUADS)
    again = newsgraph("ingest", "--base", BASE, *records(), env=found.env)
    assert again.returncode == 0, again.stderr.decode()
    count = 10 + SEED.exists()  # the sample's ten records, and the seed where present
    assert f"loaded 0, replaced 0, unchanged {count}" in again.stderr.decode()
    after = io.BytesIO()
    with found.store() as store:
        store.dump(after, ox.RdfFormat.N_QUADS)
    parsed = [set(ox.parse(d.getvalue(), format=ox.RdfFormat.N_QUADS)) for d in (before, after)]
    assert parsed[0] == parsed[1] and parsed[0]


def test_the_endpoints_safety_rules_hold_remotely(remote: tuple[Endpoint, Server]) -> None:
    _, server = remote
    refused = httpx.get(
        server.sparql,
        params={"query": "SELECT * WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }"},
    )
    assert (refused.status_code, refused.json()["error"]) == (403, "refused")
    update = httpx.post(server.sparql, data={"update": "DROP ALL"})
    assert update.status_code == 403
    bad = httpx.get(server.sparql, params={"query": "SELECT ?x WHERE { ?x "})
    assert (bad.status_code, bad.json()["error"]) == (400, "bad-query")
