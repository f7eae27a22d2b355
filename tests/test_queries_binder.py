"""The one binder (graph/queries/binder.py): where VALUES blocks go, what the engine then answers,
the named queries' parameters and optional lines, OFFSET and LIMIT, and the reading back of the
binder's own text."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from newsgraph import queries
from newsgraph.errors import NotFound, QueryError
from newsgraph.vocab.namespaces import XSD

DATA = """INSERT DATA {
  GRAPH <http://g/1> { <http://s/1> a <http://t/D> ; <http://p/d> 1 }
  GRAPH <http://g/2> { <http://s/2> a <http://t/D> ; <http://p/d> 2 }
  GRAPH <http://g/3> { <http://s/3> a <http://t/E> ; <http://p/d> 3 }
}"""


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    store.update(DATA)
    return store


def _subjects(store: ox.Store, text: str) -> set[str]:
    solutions = store.query(text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return {str(row[0]) for row in solutions}


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def test_the_block_skips_the_construct_template(store: ox.Store) -> None:
    """A CONSTRUCT without the word WHERE: the block goes into the group after the template."""
    text = 'CONSTRUCT { ?s <http://p> "w"@en } { GRAPH ?g { ?s a ?t } }'
    bound = queries.bind(text, {"g": ox.NamedNode("http://g/2")})
    assert {str(t.subject) for t in store.query(bound)} == {"<http://s/2>"}  # type: ignore[union-attr]


def test_a_describe_without_a_where_group_gets_one(store: ox.Store) -> None:
    bound = queries.bind("DESCRIBE ?s # the subject", {"s": ox.NamedNode("http://s/1")})
    assert bound == "DESCRIBE ?s # the subject\nWHERE { VALUES (?s) { (<http://s/1>) } }"
    assert len(list(store.query(bound, use_default_graph_as_union=True))) == 2  # type: ignore[arg-type]


def test_values_go_where_the_query_reads_them(store: ox.Store) -> None:
    """A variable read only inside a subquery or a MINUS is bound there (a block outside would
    bind nothing in them): the engine answers as with the values written in their place."""
    text = """SELECT ?s WHERE {
      ?s a ?type .
      { SELECT DISTINCT ?s WHERE { ?s <http://p/d> ?d FILTER(?d >= ?least) } }
      MINUS { ?s <http://p/d> ?e FILTER(?e > ?most) }
    }"""
    bindings = {"least": _integer(2), "most": _integer(2), "type": ox.NamedNode("http://t/D")}
    bound = queries.bind(text, bindings)
    assert bound.count("VALUES") == 3
    written = text.replace("?least", '"2"^^<http://www.w3.org/2001/XMLSchema#integer>')
    written = written.replace("?most", '"2"^^<http://www.w3.org/2001/XMLSchema#integer>')
    written = written.replace("?type", "<http://t/D>")
    assert _subjects(store, bound) == _subjects(store, written) == {"<http://s/2>"}


def test_single_values_and_one_variables_many_share_a_block(store: ox.Store) -> None:
    """One block, a row per value of the variable with many (Oxigraph joins two blocks by
    walking the pattern's every match: a graph's triples of 1,000 subjects, 11 s instead of
    0.03 s, at a million articles); the answers are those of two blocks (the control)."""
    text = "SELECT ?s WHERE { ?s a ?type ; <http://p/d> ?d }"
    nodes = [ox.NamedNode("http://s/1"), ox.NamedNode("http://s/3")]
    bound = queries.bind(text, {"type": ox.NamedNode("http://t/D"), "d": _integer(1), "s": nodes})
    one = '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert bound.startswith(
        f"SELECT ?s WHERE {{ VALUES (?s ?type ?d) {{ (<http://s/1> <http://t/D> {one}) "
        f"(<http://s/3> <http://t/D> {one}) }} ?s a"
    )
    assert bound.count("VALUES") == 1
    two = text.replace(
        "WHERE {", f"WHERE {{ VALUES (?type ?d) {{ (<http://t/D> {one}) }} "
        "VALUES ?s { <http://s/1> <http://s/3> }",
    )  # fmt: skip
    assert _subjects(store, bound) == _subjects(store, two) == {"<http://s/1>"}
    assert _subjects(store, queries.bind(text, {"s": []})) == set()  # no value: no solution
    assert _subjects(store, queries.bind(text, {"s": [], "d": _integer(1)})) == set()


def test_two_variables_with_many_values_have_a_block_each(store: ox.Store) -> None:
    text = "SELECT ?s WHERE { ?s a ?type ; <http://p/d> ?d }"
    nodes = [ox.NamedNode("http://s/1"), ox.NamedNode("http://s/3")]
    bound = queries.bind(text, {"type": [ox.NamedNode("http://t/D")], "d": _integer(1), "s": nodes})
    assert bound.count("VALUES") == 3
    assert "VALUES ?s { <http://s/1> <http://s/3> }" in bound
    assert _subjects(store, bound) == {"<http://s/1>"}


def test_a_variable_the_query_does_not_read_is_bound_at_its_where_group() -> None:
    bound = queries.bind("ASK { ?s ?p ?o }", {"x": ox.Literal("a")})
    assert bound == 'ASK { VALUES (?x) { ("a") } ?s ?p ?o }'


def test_values_are_terms_written_by_pyoxigraph() -> None:
    bound = queries.bind("ASK { ?s ?p ?o }", {"o": ox.Literal('a" } INSERT DATA { <x> <y> <z> }')})
    assert bound == 'ASK { VALUES (?o) { ("a\\" } INSERT DATA { <x> <y> <z> }") } ?s ?p ?o }'
    # text is a parameter: an IRI, else a plain string
    assert queries.bind("ASK { ?s ?p ?o }", {"o": "http://x/1", "p": "x"}) == (
        'ASK { VALUES (?o ?p) { (<http://x/1> "x") } ?s ?p ?o }'
    )
    with pytest.raises(QueryError, match="not an IRI"):
        queries.bind("ASK { ?s ?p ?o }", {"o": "http://x/a b"})
    with pytest.raises(TypeError, match=r"\?o: 1 is not a term"):
        queries.bind("ASK { ?s ?p ?o }", {"o": 1})  # type: ignore[dict-item]
    with pytest.raises(QueryError, match="not a variable name"):
        queries.bind("ASK { ?s ?p ?o }", {"o } ": ox.Literal("a")})


def test_offset_and_limit_are_integers_only(store: ox.Store) -> None:
    text = "SELECT ?s WHERE { ?s a ?t } ORDER BY ?s"
    bound = queries.bind(text, {"t": ox.NamedNode("http://t/D")}, offset=1, limit=1)
    assert bound.endswith("ORDER BY ?s\nOFFSET 1\nLIMIT 1\n")
    assert _subjects(store, bound) == {"<http://s/2>"}
    assert queries.bind(text, limit=0).endswith("ORDER BY ?s\nLIMIT 0\n")
    for wrong in ("1", 1.0, True, "1; DROP"):
        with pytest.raises(TypeError, match="must be an int"):
            queries.bind(text, offset=wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be negative"):
        queries.bind(text, limit=-1)
    with pytest.raises(ValueError, match="already has LIMIT"):
        queries.bind(text + " LIMIT 5", offset=1)
    # a LIMIT of a subquery is its own
    assert queries.bind("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 1 } }", limit=2).endswith(
        "LIMIT 2\n"
    )


def test_a_named_query_is_bound_with_its_parameters_checked() -> None:
    entity = ox.NamedNode("http://x/e")
    assert queries.bind("entity-names", {"entity": entity}) == queries.bind(
        queries.load("entity-names"), {"entity": entity}
    )
    with pytest.raises(QueryError, match="needs the parameter 'entity'"):
        queries.bind("entity-names")
    with pytest.raises(QueryError, match="has no parameter 'other'"):
        queries.bind("entity-names", {"entity": entity, "other": entity})
    with pytest.raises(NotFound, match="no named query"):
        queries.bind("no-such-query")
    # optional parameters may be left out
    assert "?article" in queries.bind("article-entity-names")


def test_optional_lines_apply_when_their_parameter_is_bound() -> None:
    """Lines ending in ``# when NAME`` are part of the query when NAME is bound."""
    whole = queries.bind("cooccurrence-window-articles").split("SELECT", 1)[1]
    assert "?topic" not in whole and "?since" not in whole and "datePublished" not in whole
    since = ox.Literal("2020-01-01T00:00:00Z", datatype=ox.NamedNode(XSD + "dateTime"))
    dated = queries.bind("cooccurrence-window-articles", {"since": since})
    ox.Store().query(dated)  # parses
    dated = dated.split("SELECT", 1)[1]
    assert "?date >= ?since" in dated and "?until" not in dated and "?topic" not in dated


def test_a_loaded_query_leaves_out_the_lines_of_unbound_parameters() -> None:
    """``queries.load`` is the text with nothing bound: a line that reads an optional parameter
    (``# when low``) would otherwise hold it unbound, and a ``FILTER`` over it drops every row
    (the article digests read so found none)."""
    store = ox.Store()
    article = ox.NamedNode("http://x/article/1")
    digest = ox.NamedNode("https://w3id.org/newsgraph/ns#recordHash")
    store.add(ox.Quad(article, digest, ox.Literal("abc"), article))
    loaded = queries.load("article-hashes")
    assert "?low" not in loaded and "?bucket" not in loaded
    assert loaded == queries.bind("article-hashes")
    assert len(list(store.query(loaded))) == 1  # type: ignore[arg-type]
    # control: the file's own text, with its conditional lines, finds nothing
    assert len(list(store.query(queries.get("article-hashes").text))) == 0  # type: ignore[arg-type]


def test_every_named_query_parses_with_its_parameters_bound() -> None:
    for name in queries.names():
        named = queries.get(name)
        bindings = {param: ox.NamedNode(f"http://x/{param}") for param in named.params}
        try:
            ox.Store().query(queries.bind(name, bindings))  # a SyntaxError if it does not parse
        except RuntimeError as error:  # parsed, then Virtuoso's own function (bif:, sql:)
            assert re.match(r"The custom function <(bif|sql):", str(error)), error


PUBLIC = [name for name in queries.names(public_only=True) if queries.get(name).params]
VALUES = [ox.NamedNode("http://x/é?a=1#f"), ox.Literal('a "b"\n'), ox.Literal("x", language="en"),
          _integer(5)]  # fmt: skip


@pytest.mark.parametrize("name", PUBLIC)
def test_the_binders_text_reads_back_as_its_name_and_values(name: str) -> None:
    params = list(queries.get(name).params)
    for value in VALUES:
        text = queries.bind(name, dict.fromkeys(params, value))
        expected = queries.Reading(name, dict.fromkeys(params, str(value)))
        assert queries.read(text, PUBLIC) == expected
        assert queries.read(text, PUBLIC, loose=True) == expected
        variant = "# asked again\n" + text.replace("SELECT", "select").replace("\n", " \r\n")
        assert queries.read(variant, PUBLIC) is None  # not exactly the binder's text
        assert queries.read(variant, PUBLIC, loose=True) == expected
        assert queries.read(text + " LIMIT 1", PUBLIC, loose=True) is None
        assert queries.read(text, [n for n in PUBLIC if n != name], loose=True) is None


def test_a_value_written_otherwise_is_read_only_token_by_token() -> None:
    text = queries.bind("entity-names", {"entity": ox.NamedNode("http://x/k")})
    escaped = text.replace("<http://x/k>", "<http://x/\\u006B>")
    assert queries.read(escaped, ["entity-names"]) is None
    reading = queries.read(escaped, ["entity-names"], loose=True)
    assert reading == queries.Reading("entity-names", {"entity": "<http://x/\\u006B>"})
    two = text.replace("(<http://x/k>)", "(<http://x/k>) (<http://x/j>)")
    assert queries.read(two, ["entity-names"], loose=True) is None
