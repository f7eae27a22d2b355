"""Dumps of a remote store past the server's limits (``graph/store/remote/reading.py``).

Virtuoso caps every answer at 10,000 rows (``ResultSetMaxRows``) and refuses a sort past
10,000 rows (``SR353``), so `newsgraph dump` reads it graph by graph, and a graph larger than
one answer by subject range. The oracle is the set of quads the test wrote; the control shows
that the server does refuse the paged sort the dump used to send.
"""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from newsgraph.errors import StoreError
from newsgraph.store import RemoteStore
from newsgraph.store.remote import reading

from tests.backends import Endpoint, empty
from tests.conftest import newsgraph

P = ox.NamedNode("http://p.example/p")
Q = ox.NamedNode("http://p.example/q")
BIG = "http://g.example/big"


def corpus() -> list[ox.Quad]:
    """40 graphs of 250 statements (10,000) and one graph of 12,000 (6,000 subjects, two
    statements each): 22,000 quads, each page boundary crossed."""
    quads = [
        ox.Quad(
            ox.NamedNode(f"http://s.example/{g}/{n}"),
            P,
            ox.Literal(f"v{g}.{n}"),
            ox.NamedNode(f"http://g.example/{g:02}"),
        )
        for g in range(40)
        for n in range(250)
    ]
    for n in range(6_000):
        subject = ox.NamedNode(f"http://s.example/big/{n:05}")
        quads += [
            ox.Quad(subject, P, ox.Literal(f"b{n}"), ox.NamedNode(BIG)),
            ox.Quad(subject, Q, ox.Literal(n), ox.NamedNode(BIG)),
        ]
    return quads


def written(store: RemoteStore, quads: list[ox.Quad]) -> None:
    graphs = sorted({q.graph_name.value for q in quads})  # type: ignore[union-attr]
    store.replace_graphs(graphs, quads)
    store.flush()


def parsed(data: bytes, rdf_format: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> set[ox.Quad]:
    return set(ox.parse(data, format=rdf_format))


@pytest.fixture
def filled(virtuoso: Endpoint) -> Endpoint:
    with virtuoso.store() as store:
        empty(store)
        written(store, corpus())
    return virtuoso


def test_the_dump_of_virtuoso_passes_its_limits(filled: Endpoint, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dump.nq"
    done = newsgraph("dump", "--out", str(out), env=filled.env)
    assert done.returncode == 0, done.stderr.decode()
    assert parsed(out.read_bytes()) == set(corpus())
    with filled.store() as store:  # the control: the paged sort the dump used to send
        paged = (
            "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o LIMIT 10000 OFFSET 10000"
        )
        with pytest.raises(StoreError, match="SR353"):
            store.select_all(paged)
        with pytest.raises(StoreError, match="ResultSetMaxRows"):  # and the cap of one answer
            store.select_all("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")


def test_one_graph_larger_than_an_answer(filled: Endpoint) -> None:
    big = {q for q in corpus() if q.graph_name == ox.NamedNode(BIG)}
    with filled.store() as store:
        pages = list(reading.quad_pages(store.server, [ox.NamedNode(BIG)]))
        assert len(pages) >= 2 and set().union(*map(set, pages)) == big
        assert sum(map(len, pages)) == len(big)  # no statement read twice
        one = io.BytesIO()
        store.dump(one, ox.RdfFormat.TURTLE, graph=BIG)  # its Graph Store GET stops at 10,000
        assert {ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(BIG))
                for t in parsed(one.getvalue(), ox.RdfFormat.TURTLE)} == big  # fmt: skip


def test_graph_names_past_the_cap_are_paged(virtuoso: Endpoint) -> None:
    graphs = [f"http://g.example/n{n:05}" for n in range(10_050)]
    with virtuoso.store() as store:
        empty(store)
        store.load(
            "".join(f"<http://s.example/x> <{P.value}> \"{n}\" <{g}> .\n"
                    for n, g in enumerate(graphs)).encode(),
            ox.RdfFormat.N_QUADS,
        )  # fmt: skip
        assert [g.value for g in reading.graph_names(store.server)] == graphs
        empty(store)


def test_a_generic_server_is_read_the_same_way(oxigraph: Endpoint) -> None:
    """Without the Graph Store Protocol, the dump reads graph by graph on any server."""
    generic = oxigraph.store(
        dialect="generic", graph_store_url="none", update_url=oxigraph.update_url
    )
    with generic as store:
        empty(store)
        quads = corpus()[:3_000] + [q for q in corpus() if q.graph_name == ox.NamedNode(BIG)]
        written(store, quads)
        out = io.BytesIO()
        store.dump(out, ox.RdfFormat.N_QUADS)
        assert parsed(out.getvalue()) == set(quads)
        empty(store)
