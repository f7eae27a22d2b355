"""The lexical reading of SPARQL: keywords that cannot hide, language tags that are data, SERVICE
targets and USING clauses (tests/test_sparqltext_parser.py checks the same reading against
rdflib's parser and the engine on generated texts; VALUES blocks: tests/test_queries_binder.py)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from newsgraph.errors import QueryError
from newsgraph.sparql import sparqltext


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { service <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE {?s ?p ?o}SERVICE<http://x/>{}",
        # an IRI with a \\u escape must not open a comment that hides the rest of the line
        r"SELECT * WHERE { <http://x\u0041#> ?p ?o . SERVICE <http://x/> { ?s ?p ?o } }",
        # a comment ends at a carriage return, as the grammar says
        "SELECT * WHERE { # note\rSERVICE <http://x/> { ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "a\\"b" . SERVICE <http://x/> {} }',
        "SELECT * WHERE { ?s ?p '''x''' SERVICE SILENT ?e {} }",
    ],
)
def test_service_cannot_hide(text: str) -> None:
    assert "SERVICE" in sparqltext.keywords(text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "SERVICE" }',
        "SELECT * WHERE { ?s <http://schema.org/Service> ?o } # SERVICE",
        "PREFIX s: <http://schema.org/> SELECT * WHERE { ?s a s:SERVICE }",
        "SELECT ?SERVICE WHERE { ?SERVICE ?p ?o }",
    ],
)
def test_service_as_data_is_not_a_keyword(text: str) -> None:
    assert "SERVICE" not in sparqltext.keywords(text)
    ox.Store().query(text)  # and the engine agrees it runs no SERVICE


def test_service_targets_resolve_prefixes_base_and_escapes() -> None:
    text = r"""
    BASE <http://base.example/dir/>
    PREFIX e: <http://e.example/>
    PREFIX : <rel/>
    SELECT * WHERE {
      SERVICE <http://127.0.0.\u0031:8080/sparql> { ?s ?p ?o }
      SERVICE SILENT e:q\.x { ?s ?p ?o }
      SERVICE :here { ?s ?p ?o }
      SERVICE <other> { ?s ?p ?o }
      SERVICE ?endpoint { ?s ?p ?o }
    }"""
    assert sparqltext.service_targets(text) == [
        "http://127.0.0.1:8080/sparql",
        "http://e.example/q.x",
        "http://base.example/dir/rel/here",
        "http://base.example/dir/other",
        None,
    ]


def test_service_targets_use_the_request_base() -> None:
    text = "SELECT * WHERE { SERVICE <x> { } }"
    assert sparqltext.service_targets(text, "http://127.0.0.1:9/sparql") == ["http://127.0.0.1:9/x"]


def test_undeclared_prefix_is_an_error() -> None:
    with pytest.raises(QueryError, match="not declared"):
        sparqltext.service_targets("SELECT * WHERE { SERVICE p:x {} }")


DATA = """INSERT DATA {
  GRAPH <http://g/1> { <http://s/1> a <http://t/D> }
  GRAPH <http://g/2> { <http://s/2> a <http://t/D> }
}"""


def _graph(store: ox.Store, name: str) -> set[str]:
    return {str(q.subject) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name))}


def test_add_using_gives_the_where_its_dataset() -> None:
    store = ox.Store()
    store.update(DATA)
    update = "INSERT { GRAPH <http://out> { ?s a <http://t/Copied> } } WHERE { ?s a <http://t/D> }"
    store.update(sparqltext.add_using(update, ["http://g/1"], []))
    assert _graph(store, "http://out") == {"<http://s/1>"}


def test_add_using_named_applies_to_graph_patterns_and_every_operation() -> None:
    store = ox.Store()
    store.update(DATA)
    update = (
        "INSERT { GRAPH <http://a> { ?s a ?t } } WHERE { GRAPH ?g { ?s a ?t } } ;\n"
        "INSERT { GRAPH <http://b> { ?s a ?t } } WHERE { { SELECT * WHERE { ?s a ?t } } }"
    )
    store.update(sparqltext.add_using(update, [], ["http://g/2"]))
    assert _graph(store, "http://a") == {"<http://s/2>"}
    assert _graph(store, "http://b") == set()  # the default graph is empty: USING NAMED only


def test_add_using_rewrites_delete_where() -> None:
    store = ox.Store()
    store.update(DATA)
    rewritten = sparqltext.add_using("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", [], ["http://g/1"])
    assert rewritten.startswith("DELETE { GRAPH ?g { ?s ?p ?o } } USING NAMED <http://g/1> WHERE")
    store.update(rewritten)
    assert _graph(store, "http://g/1") == set()
    assert _graph(store, "http://g/2") == {"<http://s/2>"}


@pytest.mark.parametrize(
    "update",
    [
        "WITH <http://g/1> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } USING <http://g/1> WHERE { ?s ?p ?o }",
        "INSERT { ?s ?p ?o } USING NAMED <http://g/1> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_the_dataset_conflict_rule(update: str) -> None:
    with pytest.raises(QueryError, match="USING or WITH"):
        sparqltext.add_using(update, ["http://g/2"], [])
    assert sparqltext.add_using(update, [], []) == update


def test_operations_without_where_are_left_alone() -> None:
    update = 'CLEAR ALL ; INSERT DATA { <http://s> <http://p> "WHERE" }'
    assert sparqltext.add_using(update, ["http://g"], []) == update


def test_a_bad_using_iri_is_a_query_error() -> None:
    with pytest.raises(QueryError):
        sparqltext.add_using("DELETE WHERE { ?s ?p ?o }", ["not an iri"], [])


# -- language tags, and keywords where the engine reads them --------------------------------------


@pytest.mark.parametrize("tag", ["@en-from", "@en-service", "@en-load", "@de-with", "@x-using",
                                 "@EN-FROM", "@ar--rtl", "@en-where"])  # fmt: skip
def test_a_language_tag_is_one_token(tag: str) -> None:
    text = f'SELECT * WHERE {{ BIND("x"{tag} AS ?x) }}'
    literal = next(iter(ox.Store().query(text)))["x"]  # the engine reads a language tag
    assert isinstance(literal, ox.Literal) and literal.language is not None
    assert [t.text for t in sparqltext.tokens(text) if t.kind == "langtag"] == [tag]
    assert sparqltext.keywords(text) == {"SELECT", "WHERE", "BIND", "AS"}


def test_a_glued_with_names_the_update_dataset() -> None:
    store = ox.Store()
    store.update(DATA)
    update = (
        "PREFIX g: <http://g/> WITHg:1 INSERT { ?s a <http://t/W> } WHERE { ?s a <http://t/D> }"
    )
    store.update(update)  # the engine reads WITH g:1 ...
    typed = store.quads_for_pattern(None, None, ox.NamedNode("http://t/W"), None)
    assert {(str(q.subject), str(q.graph_name)) for q in typed} == {
        ("<http://s/1>", "<http://g/1>")
    }
    assert sparqltext.has_update_dataset_clause(update)  # ... and so do we
    with pytest.raises(QueryError, match="USING or WITH"):
        sparqltext.add_using(update, ["http://g/2"], [])


@pytest.mark.parametrize(
    "update",
    [
        'INSERT DATA { <http://s> <http://p> "x"@de-with }',
        'PREFIX using: <http://u/> INSERT DATA { using:s using:p "x"@x-using }',
        "PREFIX withx: <http://u/> INSERT { ?s a withx:T } WHERE { ?s a <http://t/D> }",
    ],
)
def test_with_and_using_as_data_name_no_dataset(update: str) -> None:
    assert not sparqltext.has_update_dataset_clause(update)
    store = ox.Store()
    store.update(DATA)
    store.update(sparqltext.add_using(update, ["http://g/1"], []))  # the engine takes it


def test_a_glued_where_is_refused_with_using_parameters() -> None:
    store = ox.Store()
    store.update(DATA)
    store.update("DELETEWHERE{GRAPH <http://g/1> { ?s ?p ?o }}")  # the engine reads DELETE WHERE
    assert _graph(store, "http://g/1") == set()
    with pytest.raises(QueryError, match="WHERE must stand"):
        sparqltext.add_using("DELETEWHERE{ ?s ?p ?o }", ["http://g/2"], [])
