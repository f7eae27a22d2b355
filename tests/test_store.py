"""The store interface on every backend (embedded, Oxigraph server, Virtuoso), then what only the
embedded store does: crash recovery, snapshots for readers, the write lock, the fixed base."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from newsgraph.errors import (
    ConfigError,
    NewsgraphError,
    NotAcceptable,
    QueryError,
    QueryRefused,
    StoreLocked,
)
from newsgraph.sparql import QueryRequest, results
from newsgraph.store import EmbeddedStore
from newsgraph.store.base import Store

G1, G2, G3 = "http://g.example/1", "http://g.example/2", "http://g.example/3"
P = "http://p.example/p"
XSD = "http://www.w3.org/2001/XMLSchema#"


def quad(s: str, o: str | ox.Literal, g: str, p: str = P) -> ox.Quad:
    obj = o if isinstance(o, ox.Literal) else ox.Literal(o)
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), obj, ox.NamedNode(g))


def graph_values(store: Store, graph: str) -> set[str]:
    rows = store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(graph)})
    return {row["o"].value for row in rows}


def dumped(store: Store) -> set[ox.Quad]:
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    return set(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))


# -- every backend ----------------------------------------------------------------------------


def test_replace_graphs_replaces_whole_graphs_and_adds_others(store: Store) -> None:
    store.replace_graphs([G1], [quad("http://a", "old", G1), quad("http://a", "old2", G1)])
    store.replace_graphs([G1], [quad("http://a", "new", G1), quad("http://b", "extra", G2)])
    store.replace_graphs([], [quad("http://b", "more", G2)])
    store.replace_graphs([G3], [])
    assert graph_values(store, G1) == {"new"}
    assert graph_values(store, G2) == {"extra", "more"}
    assert graph_values(store, G3) == set()


def test_the_default_graph_is_the_union_of_all_graphs(store: Store) -> None:
    store.replace_graphs(
        [G1, G2],
        [quad("http://a", "x", G1, p="http://p.example/name"),
         ox.Quad(ox.NamedNode("http://art"), ox.NamedNode("http://p.example/mentions"),
                 ox.NamedNode("http://a"), ox.NamedNode(G2))],
    )  # fmt: skip
    joined = store.select_all(
        "SELECT ?name WHERE { ?art <http://p.example/mentions> ?e . ?e <http://p.example/name> ?name }"
    )
    assert [row["name"].value for row in joined] == ["x"]
    assert store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 2
    graphs = store.select_all("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert [row["g"].value for row in graphs] == [G1, G2]


def test_literals_come_back_in_canonical_form(store: Store) -> None:
    written = {
        "a": ox.Literal("2026-01-02T03:04:05Z", datatype=ox.NamedNode(XSD + "dateTime")),
        "b": ox.Literal("2026-06-27T13:37:33.895782Z", datatype=ox.NamedNode(XSD + "dateTime")),
        "c": ox.Literal("1987-02-26T15:01:01.79+02:00", datatype=ox.NamedNode(XSD + "dateTime")),
        "d": ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")),
        "e": ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        "f": ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
        "g": ox.Literal("1000", datatype=ox.NamedNode(XSD + "double")),
        "h": ox.Literal("Astana", language="kk"),
        "i": ox.Literal('a "quoted"\nline é'),
        "j": ox.Literal("2026-01-02", datatype=ox.NamedNode(XSD + "date")),
    }
    store.replace_graphs([G1], [quad(f"http://s/{k}", v, G1) for k, v in written.items()])
    rows = store.select_all("SELECT ?s ?o WHERE { ?s ?p ?o }")
    assert {row["s"].value[-1]: row["o"] for row in rows} == written


def test_counts_dates_and_ordering_agree(store: Store) -> None:
    dates = ["2026-03-01T10:00:00Z", "2026-01-15T08:30:00+02:00", "2026-03-01T10:00:00Z",
             "2025-12-31T23:59:59.5Z"]  # fmt: skip
    quads = []
    for number, date in enumerate(dates):
        article = f"http://art.example/{number}"
        when = ox.Literal(date, datatype=ox.NamedNode(XSD + "dateTime"))
        quads.append(quad(article, when, article, p="http://schema.org/datePublished"))
    store.replace_graphs([f"http://art.example/{n}" for n in range(len(dates))], quads)
    rows = store.select_all(
        "SELECT ?a ?d (YEAR(?d) AS ?y) (MONTH(?d) AS ?m) WHERE { ?a <http://schema.org/datePublished> ?d }"
        " ORDER BY DESC(?d) ?a"
    )
    assert [row["a"].value[-1] for row in rows] == ["0", "2", "1", "3"]
    assert [row["d"].value for row in rows] == [dates[0], dates[2], dates[1], dates[3]]
    assert [(row["y"], row["m"]) for row in rows][-1] == (
        ox.Literal("2025", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")),
    )
    per_month = store.select_all(
        "SELECT ?m (COUNT(*) AS ?n) WHERE { ?a <http://schema.org/datePublished> ?d"
        " BIND(MONTH(?d) AS ?m) } GROUP BY ?m ORDER BY ?m"
    )
    assert [(int(r["m"].value), r["n"]) for r in per_month] == [
        (1, ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))),
        (3, ox.Literal("2", datatype=ox.NamedNode(XSD + "integer"))),
        (12, ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))),
    ]


def test_bindings_are_values_not_text(store: Store) -> None:
    store.replace_graphs([G1], [quad("http://a", 'x" } ; DROP ALL ; #', G1)])
    rows = store.select_all(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"o": ox.Literal('x" } ; DROP ALL ; #')}
    )
    assert rows[0]["n"].value == "1"
    assert store.ask("ASK { ?s ?p ?o }", {"s": ox.NamedNode("http://a")})
    assert not store.ask("ASK { ?s ?p ?o }", {"s": ox.NamedNode("http://b")})


def test_construct_and_describe(store: Store) -> None:
    store.replace_graphs([G1], [quad("http://a", "1", G1), quad("http://b", "2", G1)])
    built = set(store.construct("CONSTRUCT { ?s <http://p.example/q> ?o } WHERE { ?s ?p ?o }"))
    assert {(t.subject.value, t.object.value) for t in built} == {
        ("http://a", "1"),
        ("http://b", "2"),
    }
    described = set(store.construct("DESCRIBE <http://a>"))
    assert described == {ox.Triple(ox.NamedNode("http://a"), ox.NamedNode(P), ox.Literal("1"))}


def test_updates_run_and_load_is_refused(store: Store) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <http://a> <{P}> 'u' }} }}")
    store.update(f"DELETE WHERE {{ GRAPH <{G1}> {{ ?s <{P}> 'u' }} }}")
    assert graph_values(store, G1) == set()
    with pytest.raises(QueryRefused):
        store.update("LOAD <http://example.org/data.ttl>")


def test_a_failing_update_changes_nothing(store: Store) -> None:
    store.replace_graphs([G1], [quad("http://a", "kept", G1)])
    # The last operation fails when it runs: the whole update must be undone. (The embedded
    # store lets pyoxigraph's RuntimeError through for it; remote stores report a StoreError.)
    with pytest.raises((NewsgraphError, RuntimeError)):
        store.update(
            f"DROP SILENT GRAPH <{G1}> ; INSERT DATA {{ GRAPH <{G1}> {{ <http://a> <{P}> 'lost' }} }} ;"
            " DROP GRAPH <http://g.example/absent>"
        )
    server = getattr(store, "server", None)
    if server is not None and not server.dialect.atomic_updates:
        # Virtuoso commits operation by operation: newsgraph replaces each graph there with
        # one Graph Store PUT instead (test_remote.py), and says so in docs/REMOTE.md.
        assert graph_values(store, G1) == {"lost"}
    else:
        assert graph_values(store, G1) == {"kept"}


def test_execute_negotiates_formats_and_caps_rows(store: Store) -> None:
    store.replace_graphs([G1], [quad(f"http://s/{n}", str(n), G1) for n in range(5)])
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    for media_type in (results.JSON, results.XML, results.CSV, results.TSV):
        answer = store.execute(
            QueryRequest(query, media_types={"solutions": media_type}, row_limit=3)
        )
        assert (answer.media_type, answer.truncated, answer.rows) == (media_type, True, 3)
    whole = store.execute(QueryRequest(query, row_limit=0))
    bindings = json.loads(whole.body)["results"]["bindings"]
    assert [b["o"]["value"] for b in bindings] == ["0", "1", "2", "3", "4"]
    assert not whole.truncated
    boolean = store.execute(QueryRequest("ASK { ?s ?p '3' }"))
    assert json.loads(boolean.body)["boolean"] is True
    graph = store.execute(
        QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", media_types={"graph": "application/n-triples"})
    )
    assert len(list(ox.parse(graph.body, format=ox.RdfFormat.N_TRIPLES))) == 5
    with pytest.raises(NotAcceptable):
        store.execute(QueryRequest("ASK {}", media_types={"boolean": None}))
    with pytest.raises(QueryRefused):
        store.execute(QueryRequest("SELECT * WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }"))
    with pytest.raises(QueryError):
        store.execute(QueryRequest("SELECT ?s WHERE { ?s ?p "))


def test_execute_honours_the_protocol_dataset(store: Store) -> None:
    store.replace_graphs([G1, G2], [quad("http://a", "one", G1), quad("http://b", "two", G2)])
    answer = store.execute(
        QueryRequest("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=(G2,), row_limit=0)
    )
    assert [b["o"]["value"] for b in json.loads(answer.body)["results"]["bindings"]] == ["two"]


def test_load_and_dump_round_trip(store: Store) -> None:
    data = (
        f'<http://a> <{P}> "1" <{G1}> .\n'
        f'<http://a> <{P}> "2"@en <{G2}> .\n'
        f"<http://b> <{P}> <http://a> <{G2}> .\n"
    ).encode()
    assert store.load(data, ox.RdfFormat.N_QUADS) == 3
    turtle = b'<http://c> <http://p.example/p> "3" .'
    assert store.load(turtle, ox.RdfFormat.TURTLE, graph=G3) == 1
    expected = data + f'<http://c> <{P}> "3" <{G3}> .\n'.encode()
    assert dumped(store) == set(ox.parse(expected, format=ox.RdfFormat.N_QUADS))
    one = io.BytesIO()
    store.dump(one, ox.RdfFormat.TURTLE, graph=G2)
    assert len(list(ox.parse(one.getvalue(), format=ox.RdfFormat.TURTLE))) == 2


# -- the embedded store only --------------------------------------------------------------------


def test_a_journal_left_by_a_crash_restores_the_last_whole_state(tmp_path: Path) -> None:
    """A journal of the earlier layout (it named the graphs of the cut write) brings back the
    newest snapshot: the graphs as they were, not emptied (see tests/test_recovery.py)."""
    with EmbeddedStore(tmp_path, write=True) as store:
        store.replace_graphs([G1, G2], [quad("http://a", "1", G1), quad("http://a", "2", G2)])
        store.raw.remove_graph(ox.NamedNode(G2))  # a write cut short, under the journal
    (tmp_path / "journal.json").write_text(json.dumps({"graphs": [G2]}))
    with EmbeddedStore(tmp_path, write=True) as store:
        assert store.recovered
        assert graph_values(store, G1) == {"1"}
        assert graph_values(store, G2) == {"2"}
    assert not (tmp_path / "journal.json").exists()


def test_readers_see_each_commit_through_snapshots(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as writer:
        writer.replace_graphs([G1], [quad("http://a", "v1", G1)])
        reader = EmbeddedStore(tmp_path)
        query = "SELECT ?o WHERE { ?s ?p ?o }"
        assert [r["o"].value for r in reader.select(query)] == ["v1"]
        writer.replace_graphs([G1], [quad("http://a", "v2", G1)])
        assert [r["o"].value for r in reader.select(query)] == ["v1"]  # its snapshot is stable
        reader.refresh()
        assert [r["o"].value for r in reader.select(query)] == ["v2"]
        reader.close()
        snapshots = [p for p in (tmp_path / "snapshots").iterdir() if p.is_dir()]
        writer.replace_graphs([G1], [quad("http://a", "v3", G1)])
        remaining = [p for p in (tmp_path / "snapshots").iterdir() if p.is_dir()]
    assert len(remaining) == 1 and remaining[0] not in snapshots


def test_a_second_writer_is_told_the_store_is_locked(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True), pytest.raises(StoreLocked, match="another process"):
        EmbeddedStore(tmp_path, write=True)


def test_the_base_iri_is_fixed_when_the_store_is_made(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path, write=True, base="http://a.example/").close()
    with pytest.raises(ConfigError, match="NEWSGRAPH_BASE"):
        EmbeddedStore(tmp_path, write=True, base="http://b.example/")


def test_existing_graphs_are_found_among_thousands(store: Store) -> None:
    """An ingest batch asks which of its article graphs the store holds: thousands at a time
    (Virtuoso refuses one query naming some 5,000 of them)."""
    held = [f"http://g.example/held-{number}" for number in range(0, 6_000, 997)]
    store.replace_graphs(held, [quad("http://s.example/s", "http://o.example/o", g) for g in held])
    store.flush()
    asked = [f"http://g.example/{'held' if n % 997 == 0 else 'new'}-{n}" for n in range(6_000)]
    assert len(asked) > 5 * 1_000  # past what Virtuoso takes in one query
    assert store.existing_graphs(asked) == set(held)
    assert store.existing_graphs([]) == set()
