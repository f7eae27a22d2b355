"""Every named query parses, says what it answers and names its parameters."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from newsgraph import queries
from newsgraph.vocab.namespaces import NG, RDF, SCHEMA
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable


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

#: Two shapes Oxigraph answers by reading every graph before the bound values narrow it, so
#: that a query about one article costs more as the store grows. An OPTIONAL inside the GRAPH
#: block of a parameter (``GRAPH ?article { A OPTIONAL { B } }``): on a store of 100,000
#: articles, the versions of 100 articles took 1.6 s so and 9 ms as ``OPTIONAL { GRAPH ?article
#: { B } }``; their texts 3.9 s and 8 ms. And such a block joined with more patterns in a
#: branch of a UNION (the bound values join the union's answer instead of entering it): an
#: article's description took 0.11–0.25 s so and 2 ms with its linked names as an OPTIONAL
#: beside the block.
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

UNION_DESCRIPTION = """PREFIX schema: <http://schema.org/>
CONSTRUCT { ?s ?p ?o . ?linked schema:name ?name . ?linked a ?type . } WHERE {
  { GRAPH ?article { ?s ?p ?o } }
  UNION
  {
    GRAPH ?article { ?article ?link ?linked }
    FILTER(isIRI(?linked))
    ?linked schema:name ?name .
    OPTIONAL { ?linked a ?type }
  }
}"""


def _slow_shapes(text: str, params: set[str]) -> list[str]:
    """The parameters whose GRAPH block holds an OPTIONAL, or is joined with more patterns in
    a branch of a UNION, read from rdflib's algebra of the query (not from its text). A block
    alone in a branch is answered in time (``resource-exists``: 0.6 ms for an IRI the store
    does not know)."""
    found: list[str] = []

    def walk(node: object, inside: tuple[str, ...], union: bool, joined: bool) -> None:
        if isinstance(node, CompValue):
            term = node.get("term")
            if node.name == "Graph" and isinstance(term, Variable) and str(term) in params:
                inside = (*inside, str(term))
                if joined:  # joined with more patterns, in a branch of a UNION
                    found.append(str(term))
            if node.name == "LeftJoin" and inside:
                found.extend(inside)
            joined = joined or (union and node.name in ("Join", "LeftJoin"))
            union = union or node.name == "Union"
            for value in node.values():
                walk(value, inside, union, joined)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value, inside, union, joined)

    walk(prepareQuery(text).algebra, (), False, False)
    return sorted(set(found))


@pytest.mark.parametrize("name", queries.names())
def test_no_optional_inside_or_union_around_the_graph_of_a_parameter(name: str) -> None:
    named = queries.get(name)
    assert _slow_shapes(named.text, set(named.params)) == []


def test_control_the_nested_and_the_union_shapes_are_found() -> None:
    assert _slow_shapes(NESTED_VERSIONS, {"article"}) == ["article"]
    assert _slow_shapes(UNION_DESCRIPTION, {"article"}) == ["article"]


def test_the_versions_query_answers_as_its_nested_form() -> None:
    """The oracle: the nested form on a store of articles with and without either date."""
    store = ox.Store()
    articles = [ox.NamedNode(f"http://n.example/article/a{i}") for i in range(6)]
    for i, article in enumerate(articles[:5]):  # a5: no graph at all
        facts = [(ox.NamedNode(NG + "recordHash"), ox.Literal(f"h{i}"))]
        if i % 2 == 0:
            facts.append((ox.NamedNode(SCHEMA + "datePublished"), ox.Literal(f"2026-01-0{i + 1}")))
        if i % 3 == 0:
            facts.append((ox.NamedNode(SCHEMA + "dateModified"), ox.Literal(f"2026-02-0{i + 1}")))
        store.extend(ox.Quad(article, p, o, article) for p, o in facts)
    store.add(
        ox.Quad(articles[1], ox.NamedNode(SCHEMA + "dateModified"), ox.Literal("x"), articles[2])
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


def test_the_article_description_answers_as_its_union_form() -> None:
    """The oracle: the UNION form, on an article graph linking to named and typed, named only
    and unnamed IRIs, with a literal, and another subject whose object has a name."""
    store = ox.Store()
    name, kind = ox.NamedNode(SCHEMA + "name"), ox.NamedNode(RDF + "type")
    article, other = ox.NamedNode("http://n.example/article/a"), ox.NamedNode("http://n.example/b")
    typed, named, unnamed, aside = (ox.NamedNode(f"http://n.example/entity/{n}") for n in "tnua")
    entities = ox.NamedNode("http://n.example/graph/entities")
    mentions = ox.NamedNode(SCHEMA + "mentions")
    store.extend(
        ox.Quad(s, p, o, article)
        for s, p, o in [
            (article, mentions, typed), (article, mentions, named), (article, mentions, unnamed),
            (article, ox.NamedNode(SCHEMA + "headline"), ox.Literal("Oil")),
            (other, ox.NamedNode(SCHEMA + "about"), aside),  # not the article's own link
        ]
    )  # fmt: skip
    store.extend(
        ox.Quad(s, p, o, entities)
        for s, p, o in [
            (typed, name, ox.Literal("T")), (typed, kind, ox.NamedNode(SCHEMA + "Person")),
            (named, name, ox.Literal("N")), (named, name, ox.Literal("N2")),
            (aside, name, ox.Literal("A")),
        ]
    )  # fmt: skip

    def triples(text: str) -> set[str]:
        query = queries.bind(text, {"article": article})
        return {str(t) for t in store.query(query, use_default_graph_as_union=True)}  # type: ignore[union-attr]

    assert triples("article-graph") == triples(UNION_DESCRIPTION)
    assert len(triples("article-graph")) == 5 + 4
