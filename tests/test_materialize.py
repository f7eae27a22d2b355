"""The network as RDF (graph/cooccurrence/materialize.py): documented terms, stable, replaceable."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from newsgraph.cooccurrence.materialize import materialize
from newsgraph.cooccurrence.network import NetworkOptions, build_network
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.store import EmbeddedStore
from newsgraph.vocab.namespaces import NG, Minter
from rdflib.compare import isomorphic

from tests.conftest import BASE, ROOT
from tests.cooccur_corpus import build_store

GRAPH = BASE + "graph/cooccurrence"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    path = build_store(tmp_path)
    with EmbeddedStore(path, write=True, base=BASE) as opened:
        yield opened


def graph_of(store: EmbeddedStore) -> rdflib.Graph:
    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_TRIPLES, graph=GRAPH)
    return rdflib.Graph().parse(data=buffer.getvalue(), format="nt")


def test_every_term_used_is_documented_in_the_ontology(store: EmbeddedStore) -> None:
    window = Window(since=parse_bound("2025-02"), topic=BASE + "topic/politics")
    network = build_network(store, NetworkOptions(window=window, entity=BASE + "entity/kazakhstan"))
    materialize(store, network, GRAPH, Minter(BASE))
    ontology = rdflib.Graph().parse(ROOT / "vocab" / "ontology.ttl")
    used = {str(p) for p in graph_of(store).predicates()} | {
        str(o) for o in graph_of(store).objects(None, rdflib.RDF.type)
    }
    ours = {term for term in used if term.startswith(NG)}
    assert ours and all((rdflib.URIRef(term), None, None) in ontology for term in ours)


def test_writing_again_gives_the_same_graph_and_a_new_window_replaces_it(
    store: EmbeddedStore,
) -> None:
    iris = Minter(BASE)
    network = build_network(store, NetworkOptions(min_count=2))
    materialize(store, network, GRAPH, iris)
    first = graph_of(store)
    materialize(store, network, GRAPH, iris)
    assert isomorphic(first, graph_of(store))
    edges = store.count(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?e a <{NG}Cooccurrence> }} }}"
    )
    assert edges == len(network.edges)
    smaller = build_network(store, NetworkOptions(min_count=5))
    materialize(store, smaller, GRAPH, iris)
    assert len(graph_of(store)) < len(first)


def test_numbers_are_typed(store: EmbeddedStore) -> None:
    network = build_network(store, NetworkOptions(top=1))
    materialize(store, network, GRAPH, Minter(BASE))
    rows = store.select_all(
        f"SELECT ?count ?npmi WHERE {{ GRAPH <{GRAPH}> {{ ?e <{NG}articleCount> ?count ; "
        f"<{NG}npmi> ?npmi }} }}"
    )
    edge = network.edges[0]
    assert rows[0]["count"] == ox.Literal(
        str(edge.count), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    )
    assert float(rows[0]["npmi"].value) == edge.npmi  # type: ignore[union-attr]
