"""``newsgraph load``: every RDF format into a named graph, idempotent, managed graphs refused."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from newsgraph.ingest.loader import LoadError, load_file, rdf_format
from newsgraph.store import EmbeddedStore
from newsgraph.vocab.namespaces import CONTEXT_IRI, Minter
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from tests.conftest import BASE, newsgraph

GRAPH = "http://example.org/researcher/g"
IRIS = Minter(BASE)
TURTLE = """@prefix ex: <http://example.org/> .
ex:paper1 ex:cites ex:paper2 ; ex:title "Über news"@de ; ex:year 2024 .
_:reader ex:read ex:paper1 , ex:paper2 .
<relative> ex:in ex:paper1 .
"""


def _reference() -> Graph:
    return Graph().parse(data=TURTLE, format="turtle", publicID=GRAPH)


def _graph(store: EmbeddedStore, name: str = GRAPH) -> Graph:
    triples = [q.triple for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(name))]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data, format="nt")


@pytest.mark.parametrize(
    ("suffix", "rdflib_format"),
    [(".ttl", "turtle"), (".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld"),
     (".ttl.gz", "turtle"), (".owl", "xml")],
)  # fmt: skip
def test_each_triple_format(tmp_path: Path, suffix: str, rdflib_format: str) -> None:
    text = _reference().serialize(format=rdflib_format).encode("utf-8")
    path = tmp_path / f"data{suffix}"
    path.write_bytes(gzip.compress(text) if suffix.endswith(".gz") else text)
    with EmbeddedStore(tmp_path / "store", write=True) as store:
        summary = load_file(store, str(path), graph=GRAPH, iris=IRIS,
                            rdf_format=rdf_format(str(path)))  # fmt: skip
        assert summary.triples == 6 and summary.graphs == (GRAPH,)
        assert isomorphic(_graph(store), _reference())


def test_progress_is_reported_in_bytes_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl.gz"
    path.write_bytes(gzip.compress(TURTLE.encode() * 50))
    seen: list[int] = []
    with EmbeddedStore(tmp_path / "store", write=True) as store:
        load_file(store, str(path), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(path)),
                  read=seen.append)  # fmt: skip
    assert sum(seen) == path.stat().st_size


def test_relative_iris_resolve_against_the_graph(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(TURTLE)
    with EmbeddedStore(tmp_path / "store", write=True) as store:
        load_file(store, str(path), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(path)))
        assert (URIRef("http://example.org/researcher/relative"), None, None) in _graph(store)


@pytest.mark.parametrize("suffix", [".trig", ".nq"])
def test_quad_formats_keep_their_graphs(tmp_path: Path, suffix: str) -> None:
    text = """<http://example.org/a> <http://example.org/p> "default" .
<http://example.org/b> <http://example.org/p> "named" <http://example.org/researcher/h> .
"""
    if suffix == ".trig":
        text = """<http://example.org/a> <http://example.org/p> "default" .
<http://example.org/researcher/h> { <http://example.org/b> <http://example.org/p> "named" }
"""
    path = tmp_path / f"data{suffix}"
    path.write_text(text)
    with EmbeddedStore(tmp_path / "store", write=True) as store:
        summary = load_file(
            store, str(path), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(path))
        )
        assert summary.graphs == (
            "http://example.org/researcher/g",
            "http://example.org/researcher/h",
        )
        assert (
            len(_graph(store)) == 1 and len(_graph(store, "http://example.org/researcher/h")) == 1
        )
        with pytest.raises(LoadError, match="give --graph"):
            load_file(store, str(path), graph=None, iris=IRIS, rdf_format=rdf_format(str(path)))


def test_loading_again_replaces_and_append_adds(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(TURTLE)
    other = tmp_path / "other.nt"
    other.write_text("<http://example.org/x> <http://example.org/y> <http://example.org/z> .\n")
    with EmbeddedStore(tmp_path / "store", write=True) as store:
        for _ in range(2):
            load_file(store, str(path), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(path)))
        assert isomorphic(_graph(store), _reference())  # blank nodes not doubled
        load_file(store, str(other), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(other)),
                  append=True)  # fmt: skip
        assert len(_graph(store)) == 7
        load_file(store, str(other), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(other)))
        assert len(_graph(store)) == 1


def test_jsonld_with_our_context_and_a_remote_one(tmp_path: Path) -> None:
    ours = tmp_path / "ours.jsonld"
    ours.write_text(json.dumps({"@context": CONTEXT_IRI, "@id": "http://example.org/n",
                                "@type": "NewsArticle", "headline": "Hello"}))  # fmt: skip
    remote = tmp_path / "remote.jsonld"
    remote.write_text(json.dumps({"@context": "https://example.org/context.jsonld",
                                  "@id": "http://example.org/n", "name": "x"}))  # fmt: skip
    with EmbeddedStore(tmp_path / "store", write=True) as store:
        load_file(store, str(ours), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(ours)))
        headline = URIRef("http://schema.org/headline")
        assert (URIRef("http://example.org/n"), headline, None) in _graph(store)
        with pytest.raises(LoadError, match="nothing is fetched"):
            load_file(
                store, str(remote), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(remote))
            )


@pytest.mark.parametrize(
    "graph",
    [BASE + "article/some-news", BASE + "graph/entities", BASE + "graph/terms", "not an iri"],
)
def test_managed_or_bad_graphs_are_refused(tmp_path: Path, graph: str) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(TURTLE)
    with EmbeddedStore(tmp_path / "store", write=True) as store, pytest.raises(LoadError):
        load_file(store, str(path), graph=graph, iris=IRIS, rdf_format=rdf_format(str(path)))


def test_a_quad_file_naming_a_managed_graph_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.nq"
    path.write_text(f'<http://e/s> <http://e/p> "x" <{BASE}graph/entities> .\n')
    with EmbeddedStore(tmp_path / "store", write=True) as store:
        with pytest.raises(LoadError, match="maintained by newsgraph"):
            load_file(store, str(path), graph=None, iris=IRIS, rdf_format=rdf_format(str(path)))
        assert len(store.raw) == 0


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [("a.ttl", None, "Turtle"), ("a.NT", None, "N-Triples"), ("a.nq.gz", None, "N-Quads"),
     ("a.trig", None, "TriG"), ("a.json", None, "JSON-LD"), ("a.xml", None, "RDF/XML"),
     ("a.txt", "turtle", "Turtle"), ("a", "application/n-triples", "N-Triples"),
     ("a", "jsonld", "JSON-LD")],
)  # fmt: skip
def test_format_names(name: str, given: str | None, expected: str) -> None:
    assert rdf_format(name, given).name == expected


@pytest.mark.parametrize(("name", "given"), [("a.txt", None), ("a.ttl", "csv")])
def test_unknown_formats(name: str, given: str | None) -> None:
    with pytest.raises(LoadError):
        rdf_format(name, given)


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    with (
        EmbeddedStore(tmp_path / "store", write=True) as store,
        pytest.raises(LoadError, match="line 2"),
    ):
        load_file(store, str(path), graph=GRAPH, iris=IRIS, rdf_format=rdf_format(str(path)))


def test_the_command(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(TURTLE)
    store = str(tmp_path / "store")
    result = newsgraph("load", str(path), "--graph", GRAPH, "--store", store, "--base", BASE)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode().strip().startswith(f"loaded 6 triples, replaced {GRAPH}")
    missing = newsgraph("load", str(path), "--store", store, "--base", BASE)
    assert missing.returncode == 2
    assert missing.stderr.decode().count("\n") == 1 and "--graph" in missing.stderr.decode()
    query = newsgraph("query", f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}",
                      "--format", "csv", "--store", store)  # fmt: skip
    assert query.stdout.decode().split() == ["n", "6"]
