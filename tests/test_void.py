"""``/.well-known/void``: the VoID description, its counts checked against the store itself."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from newsgraph.store import EmbeddedStore
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from tests.conftest import BASE, Server, newsgraph, sample_store, start_server

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
MINE = "http://example.org/researcher/citations"
TURTLE = """@prefix ex: <http://example.org/> .
ex:paper1 ex:cites <http://localhost:8000/entity/kazakhstan> ; ex:title "A study" .
ex:paper2 ex:cites ex:paper1 ; a ex:Paper .
"""
FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt",
           "application/rdf+xml": "xml", "application/ld+json": "json-ld"}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("void")
    store = sample_store(root / "store", sample_template)
    (root / "mine.ttl").write_text(TURTLE)
    loaded = newsgraph("load", str(root / "mine.ttl"), "--graph", MINE, "--store", str(store),
                       "--base", BASE)  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr.decode()
    running = start_server(store)
    yield running
    running.stop()


def void(server: Server, accept: str = "text/turtle") -> Graph:
    response = httpx.get(server.url + ".well-known/void", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    media_type = response.headers["content-type"].split(";")[0]
    return Graph().parse(data=response.content, format=FORMATS[media_type])


def truth(store: Path) -> dict[str, object]:
    """The counts, computed from the quads themselves (no SPARQL)."""
    schema, rdf_type = (
        "http://schema.org/",
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    )
    name, entities = ox.NamedNode(schema + "name"), ox.NamedNode(BASE + "graph/entities")
    with EmbeddedStore(store) as reader:
        quads = list(reader.raw.quads_for_pattern(None, None, None, None))
    per_graph = Counter(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
    typed = [(q.subject, q.object.value, q.graph_name) for q in quads if q.predicate == rdf_type]
    classes: dict[str, set[object]] = {}
    for subject, kind, _ in typed:
        classes.setdefault(kind, set()).add(subject)
    return {
        "triples": len(quads),
        "articles": len({s for s, k, g in typed if k == schema + "NewsArticle" and s == g}),
        "entities": len(
            {q.subject for q in quads if q.predicate == name and q.graph_name == entities}
        ),
        "graphs": {g: n for g, n in per_graph.items() if not g.startswith(BASE + "article/")},
        "article_triples": sum(n for g, n in per_graph.items() if g.startswith(BASE + "article/")),
        "classes": {k: len(v) for k, v in classes.items()},
    }


def _value(graph: Graph, subject: object, predicate: URIRef) -> int:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    assert isinstance(values[0], Literal)
    return int(values[0])


def test_counts_match_the_store(server: Server) -> None:
    expected = truth(server.store)
    graph = void(server)
    dataset = URIRef(server.url + ".well-known/void#dataset")
    assert _value(graph, dataset, VOID.triples) == expected["triples"]
    articles = URIRef(server.url + ".well-known/void#articles")
    assert (dataset, VOID.subset, articles) in graph
    assert _value(graph, articles, VOID.entities) == expected["articles"]
    assert _value(graph, articles, VOID.triples) == expected["article_triples"]
    assert _value(graph, dataset, VOID.entities) == expected["articles"] + expected["entities"]
    per_graph = {}
    for named in graph.objects(dataset, SD.namedGraph):
        name = str(graph.value(named, SD.name))
        per_graph[name] = _value(graph, graph.value(named, SD.graph), VOID.triples)
    assert per_graph == expected["graphs"]
    assert MINE in per_graph and per_graph[MINE] == 4
    entities_graph = next(graph.subjects(SD.name, URIRef(BASE + "graph/entities")))
    assert (
        _value(graph, graph.value(entities_graph, SD.graph), VOID.entities) == expected["entities"]
    )
    partitions = {
        str(graph.value(p, VOID["class"])): _value(graph, p, VOID.entities)
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions == expected["classes"]
    assert (dataset, VOID.sparqlEndpoint, URIRef(server.sparql)) in graph


def test_the_service_description_points_to_it(server: Server) -> None:
    described = Graph().parse(data=httpx.get(server.sparql).content, format="turtle")
    dataset = URIRef(server.url + ".well-known/void#dataset")
    assert (None, SD.defaultDataset, dataset) in described
    assert (dataset, None, URIRef(server.url + ".well-known/void")) in described


def test_every_format_gives_the_same_graph(server: Server) -> None:
    graphs = [void(server, accept) for accept in FORMATS]
    assert all(isomorphic(graphs[0], other) for other in graphs[1:])


def test_an_unacceptable_format_is_406(server: Server) -> None:
    response = httpx.get(server.url + ".well-known/void", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"] == "not-acceptable"


def test_a_load_through_the_server_changes_the_counts_and_the_etag(
    server: Server, tmp_path: Path
) -> None:
    first = httpx.get(server.url + ".well-known/void")
    tag = first.headers["etag"]
    unchanged = httpx.get(server.url + ".well-known/void", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304
    more = tmp_path / "more.nt"
    more.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    loaded = newsgraph("load", str(more), "--graph", "http://example.org/researcher/more",
                       "--store", str(server.store), "--base", BASE)  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr.decode()
    changed = httpx.get(server.url + ".well-known/void", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag
    graph = Graph().parse(data=changed.content, format="turtle")
    assert (None, SD.name, URIRef("http://example.org/researcher/more")) in graph
