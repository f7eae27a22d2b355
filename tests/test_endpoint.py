"""The real server over loopback, queried with SPARQLWrapper and httpx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

from tests.conftest import BASE, SAMPLE, SEED, ingested, served, shared_file

PREFIXES = "PREFIX schema: <http://schema.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:

    store = tmp_path_factory.mktemp("endpoint") / "store"
    with served(ingested(store, SAMPLE, *([SEED] if SEED.exists() else []))) as running:
        yield running


def select(server: Any, query: str) -> list[dict[str, Any]]:
    wrapper = SPARQLWrapper(server.sparql)
    wrapper.setQuery(PREFIXES + query)
    wrapper.setReturnFormat(JSON)
    return wrapper.queryAndConvert()["results"]["bindings"]  # type: ignore[no-any-return,index]


def test_seed_is_among_articles_mentioning_kazakhstan(server: Any) -> None:
    seed = json.loads(shared_file(SEED).read_text())
    rows = select(server, 'SELECT ?a WHERE { ?a schema:mentions ?e . ?e schema:name "Kazakhstan" }')
    assert BASE + "article/" + seed["slug"] in {row["a"]["value"] for row in rows}
    assert len(rows) >= 5  # the bundled sample mentions Kazakhstan too


def test_every_mapping_row_holds_for_the_seed(server: Any) -> None:
    seed = json.loads(shared_file(SEED).read_text())
    article = f"<{BASE}article/{seed['slug']}>"
    checks = {
        "headline": f'ASK {{ {article} schema:headline ?v FILTER(?v = "{seed["title"]}") }}',
        "description": f'ASK {{ {article} schema:description ?v FILTER(STRSTARTS(?v, "The Parliamentary")) }}',
        "articleBody": f'ASK {{ {article} schema:articleBody ?v FILTER(!CONTAINS(?v, "](https") && CONTAINS(?v, "Qazinform News Agency reports")) }}',
        "markdown": f'ASK {{ {article} schema:encoding ?m . ?m schema:encodingFormat "text/markdown" ; schema:text ?t FILTER(CONTAINS(?t, "[Qazinform News Agency](https://qazinform.com/)")) }}',
        "identifier": f'ASK {{ {article} schema:identifier "{seed["slug"]}" }}',
        "url": f"ASK {{ {article} schema:url <{seed['url']}> ; schema:mainEntityOfPage <{seed['url']}> }}",
        "isBasedOn": f"ASK {{ {article} schema:isBasedOn <{seed['canonical_source']}> }}",
        "datePublished": f'ASK {{ {article} schema:datePublished "2026-06-27T13:02:00Z"^^xsd:dateTime }}',
        "dateModified": f'ASK {{ {article} schema:dateModified ?d FILTER(datatype(?d) = xsd:dateTime && ?d = "2026-06-27T13:37:33.895782Z"^^xsd:dateTime && tz(?d) = "Z") }}',
        "inLanguage": f'ASK {{ {article} schema:inLanguage "en" }}',
        "about": f'ASK {{ {article} schema:about ?t . ?t a schema:DefinedTerm ; schema:name "ai-policy" . {article} schema:keywords "ai-policy" }}',
        "mentions": f'ASK {{ {article} schema:mentions ?e . ?e schema:name "Qazinform News Agency" }}',
        "citation": f"ASK {{ {article} schema:citation <https://qazinform.com/> , <https://qazinform.com/news/kazakhstan-granted-observer-status-at-council-of-europe-convention-108-committee-163b85> }}",
        "alternates": f'ASK {{ {article} schema:encoding ?m . ?m a schema:MediaObject ; schema:contentUrl <{seed["alternates"]["jsonld"]}> ; schema:encodingFormat "application/ld+json" }}',
        "publisher": f'ASK {{ {article} schema:publisher ?p . ?p a schema:Organization ; schema:name "wpnews.pro" }}',
    }
    for row, query in checks.items():
        wrapper = SPARQLWrapper(server.sparql)
        wrapper.setQuery(PREFIXES + query)
        wrapper.setReturnFormat(JSON)
        assert wrapper.queryAndConvert()["boolean"] is True, row  # type: ignore[index]
    for name in seed["entities"]:
        rows = select(
            server,
            f'SELECT ?e WHERE {{ {article} schema:mentions ?e . ?e schema:name ?n FILTER(?n = "{name}") }}',
        )
        assert len(rows) == 1, name


def test_each_entity_is_described_once(server: Any) -> None:
    rows = select(server, 'SELECT (COUNT(*) AS ?n) WHERE { ?e schema:name "Kazakhstan" }')
    assert rows[0]["n"]["value"] == "1"


@pytest.mark.parametrize(
    ("return_format", "marker"),
    [(XML, b"<sparql"), (CSV, b"a\r\n"), (TSV, b"?a\n")],
)
def test_select_formats(server: Any, return_format: str, marker: bytes) -> None:
    wrapper = SPARQLWrapper(server.sparql)
    wrapper.setQuery(PREFIXES + "SELECT ?a WHERE { ?a a schema:NewsArticle } LIMIT 2")
    wrapper.setReturnFormat(return_format)
    body = wrapper.query().response.read()
    assert marker in body


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/rdf+xml;q=0.5, application/n-triples;q=0.8", "application/n-triples", "nt"),
    ],
)
def test_construct_formats_by_accept(
    server: Any, accept: str, media_type: str, rdflib_format: str
) -> None:
    query = (
        PREFIXES
        + 'CONSTRUCT { ?e schema:name ?n } WHERE { ?e schema:name ?n FILTER(?n = "Kazakhstan") }'
    )
    response = httpx.post(server.sparql, data={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == 1


def test_post_direct_and_unknown_parameters(server: Any) -> None:
    response = httpx.post(
        server.sparql,
        params={"format": "json", "output": "json", "whatever": "1"},
        content=b"ASK { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 200
    assert response.json() == {"head": {}, "boolean": True}


def test_malformed_query_is_400_with_the_parser_message(server: Any) -> None:
    response = httpx.get(server.sparql, params={"query": "SELECT ?x WHERE { ?x"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad-query"
    assert "1:" in body["message"]


def test_no_acceptable_format_is_406(server: Any) -> None:
    response = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
                         headers={"Accept": "image/png"})  # fmt: skip
    assert response.status_code == 406


def test_updates_are_refused_by_default(server: Any) -> None:
    response = httpx.post(server.sparql, data={"update": "CLEAR ALL"})
    assert response.status_code == 403
    count = select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(count[0]["n"]["value"]) > 0


def test_dataset_parameters(server: Any, tmp_path: Path) -> None:
    entities = BASE + "graph/entities"
    query = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?a a schema:NewsArticle }"
    only_entities = httpx.get(server.sparql, params={"query": query, "default-graph-uri": entities})
    assert only_entities.json()["results"]["bindings"][0]["n"]["value"] == "0"
    everything = httpx.get(server.sparql, params={"query": query})
    assert int(everything.json()["results"]["bindings"][0]["n"]["value"]) >= 10
