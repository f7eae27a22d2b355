"""``ng:matches`` read from the query's tokens: bound where it is a predicate, left alone in
strings, IRIs, comments and under another prefix; the rewritten query runs on the engine and
joins exactly the matches with the rest of the pattern."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from newsgraph.errors import QueryError
from newsgraph.search.join import bind_matches

NG = "PREFIX ng: <https://w3id.org/newsgraph/ns#> PREFIX s: <http://schema.org/> "
MATCHES = [("http://n/a/1", 2.0), ("http://n/a/2", 1.0)]


def _lookup(words: str) -> list[tuple[str, float]]:
    assert words == "crude oil"
    return MATCHES


@pytest.fixture
def store() -> ox.Store:
    data = ox.Store()
    for number in (1, 2, 3):
        data.add(ox.Quad(ox.NamedNode(f"http://n/a/{number}"), ox.NamedNode("http://schema.org/headline"),
                         ox.Literal(f"headline {number}")))  # fmt: skip
    data.add(ox.Quad(ox.NamedNode("http://n/a/2"), ox.NamedNode("http://schema.org/mentions"),
                     ox.NamedNode("http://n/e/x")))  # fmt: skip
    return data


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (NG + 'SELECT ?a ?s { ?a ng:matches "crude oil" ; ng:score ?s }', {("http://n/a/1", 2.0), ("http://n/a/2", 1.0)}),
        (NG + 'SELECT ?a ?s { ?a s:headline ?h ; ng:score ?s ; ng:matches "crude oil" . ?a s:mentions ?e }', {("http://n/a/2", 1.0)}),
        ('SELECT ?a ?s { ?a <https://w3id.org/newsgraph/ns#matches> "crude oil" . '
         '?a <https://w3id.org/newsgraph/ns#score> ?s . ?a <http://schema.org/headline> ?h }', {("http://n/a/1", 2.0), ("http://n/a/2", 1.0)}),
        (NG + 'SELECT ?a ?s { ?a ng:matches """crude oil""" ; ng:score ?s FILTER(?s > 1.5) }', {("http://n/a/1", 2.0)}),
        # a variable bound to one string by VALUES, as queries.bind writes a parameter
        (NG + 'SELECT ?a ?s { VALUES (?w ?e) { ("crude oil" <http://n/e/x>) } ?a ng:matches ?w ; ng:score ?s ; s:mentions ?e }', {("http://n/a/2", 1.0)}),
        (NG + 'SELECT ?a ?s { VALUES ?w { "crude oil" } ?a ng:matches ?w ; ng:score ?s }', {("http://n/a/1", 2.0), ("http://n/a/2", 1.0)}),
    ],
)  # fmt: skip
def test_bound_and_joined(store: ox.Store, query: str, expected: set[tuple[str, float]]) -> None:
    rewritten = bind_matches(query, _lookup)
    assert "matches" not in rewritten and "ng:score" not in rewritten
    solutions = store.query(rewritten, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    assert {(row["a"].value, float(row["s"].value)) for row in solutions} == expected


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?a ?p "ng:matches \\"crude oil\\"" }',
        'SELECT * { ?a <http://x/ng:matches> ?o } # ?a ng:matches "crude oil"',
        'PREFIX ng: <http://other.example/> SELECT * { ?a ng:matches "crude oil" }',
        "SELECT * { ?matches ?score ?o }",
    ],
)
def test_left_alone(query: str) -> None:
    assert bind_matches(query, _lookup) == query


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (NG + "SELECT * { ?a ng:score ?s }", "needs ng:matches on the same subject"),
        (NG + 'SELECT * { <http://n/a/1> ng:matches "crude oil" }', "variable subject"),
        (NG + "SELECT * { ?a ng:matches ?words }", "takes a string"),
        (NG + 'SELECT * { VALUES ?w { "crude oil" "gas" } ?a ng:matches ?w }', "one plain string"),
        (NG + "SELECT * { VALUES ?w { <http://n/a/1> } ?a ng:matches ?w }", "takes a string"),
        (NG + 'SELECT * { ?a ng:matches "crude oil", "gas" }', "one object"),
        (NG + 'SELECT * { ?a ng:matches "crude oil"@en }', "language tag"),
    ],
)
def test_mistakes(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        bind_matches(query, _lookup)


def test_the_named_joined_search_binds_its_words() -> None:
    from newsgraph import queries

    text = queries.bind("search-entity-articles", {"words": "crude oil", "entity": "http://n/e/x"})
    rewritten = bind_matches(text, _lookup)
    assert "ng:matches" not in rewritten and "<http://n/a/1>" in rewritten
