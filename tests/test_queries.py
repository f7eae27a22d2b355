"""Every named query parses, says what it answers and names its parameters."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from newsgraph import queries


@pytest.mark.parametrize("name", queries.names())
def test_named_query_parses_and_is_documented(name: str) -> None:
    named = queries.get(name)
    assert named.title, f"{name}.rq must start with a comment saying what it answers"
    store = ox.Store()
    if name.startswith("virtuoso-"):  # calls Virtuoso's own functions, which Oxigraph parses
        with pytest.raises(RuntimeError, match="custom function"):
            store.query(named.text)
    else:
        store.query(named.text)  # raises SyntaxError when the query does not parse
    # A parameter is read as a variable, or switches lines on (`# when NAME`, `# when A|B`).
    switches = {
        n for group in re.findall(r"#\s*when\s+([\w|]+)", named.text) for n in group.split("|")
    }
    for param in named.params:
        assert f"?{param}" in named.text or param in switches, param


# -- the shape Oxigraph answers in time -----------------------------------------------------------

#: What a bound variable naming graphs must not hold inside its GRAPH block. Oxigraph evaluates
#: ``GRAPH ?article { A OPTIONAL { B } }`` over every graph before it joins the bound values in:
#: on a store of 100,000 articles, the versions of 100 articles took 1.6 s so (every batch of
#: an ingest holding a stored article paid it) and 9 ms with each OPTIONAL outside, as
#: ``OPTIONAL { GRAPH ?article { B } }``; the texts of 100 articles 3.9 s and 8 ms.
NESTED_VERSIONS = """PREFIX ng: <https://w3id.org/newsgraph/ns#>
PREFIX schema: <http://schema.org/>
SELECT ?article ?hash ?modified WHERE {
  GRAPH ?article {
    ?article ng:recordHash ?hash .
    OPTIONAL { ?article schema:dateModified ?updated }
    OPTIONAL { ?article schema:datePublished ?published }
  }
  BIND(COALESCE(?updated, ?published) AS ?modified)
}"""


def _optional_inside_bound_graph(text: str, params: set[str]) -> list[str]:
    """The parameters whose GRAPH block holds an OPTIONAL, read from rdflib's algebra of the
    query (not from its text)."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    found: list[str] = []

    def walk(node: object, inside: tuple[str, ...]) -> None:
        if isinstance(node, CompValue):
            term = node.get("term")
            if node.name == "Graph" and isinstance(term, Variable) and str(term) in params:
                inside = (*inside, str(term))
            if node.name == "LeftJoin" and inside:
                found.extend(inside)
            for value in node.values():
                walk(value, inside)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value, inside)

    walk(prepareQuery(text).algebra, ())
    return sorted(set(found))


@pytest.mark.parametrize("name", queries.names())
def test_no_optional_inside_the_graph_of_a_parameter(name: str) -> None:
    named = queries.get(name)
    assert _optional_inside_bound_graph(named.text, set(named.params)) == []


def test_control_the_nested_versions_query_is_found() -> None:
    assert _optional_inside_bound_graph(NESTED_VERSIONS, {"article"}) == ["article"]


def test_the_versions_query_answers_as_its_nested_form() -> None:
    """The oracle: the nested form on a store of articles with and without either date."""
    store = ox.Store()
    ng, schema = "https://w3id.org/newsgraph/ns#", "http://schema.org/"
    articles = [ox.NamedNode(f"http://n.example/article/a{i}") for i in range(6)]
    for i, article in enumerate(articles[:5]):  # a5: no graph at all
        facts = [(ox.NamedNode(ng + "recordHash"), ox.Literal(f"h{i}"))]
        if i % 2 == 0:
            facts.append((ox.NamedNode(schema + "datePublished"), ox.Literal(f"2026-01-0{i + 1}")))
        if i % 3 == 0:
            facts.append((ox.NamedNode(schema + "dateModified"), ox.Literal(f"2026-02-0{i + 1}")))
        store.extend(ox.Quad(article, p, o, article) for p, o in facts)
    store.add(
        ox.Quad(articles[1], ox.NamedNode(schema + "dateModified"), ox.Literal("x"), articles[2])
    )  # another graph's statement about a1: not its version
    bound = queries.bind("article-versions", {"article": articles})

    def rows(text: str) -> list[tuple[str, ...]]:
        return sorted(
            tuple(str(s[v]) if s[v] is not None else "" for v in ("article", "hash", "modified"))
            for s in store.query(text)
        )  # type: ignore[union-attr]

    nested = queries.bind(NESTED_VERSIONS, {"article": articles})
    assert rows(bound) == rows(nested)
    assert len(rows(bound)) == 5
