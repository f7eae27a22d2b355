"""The VoID description of the dataset, with its counts, served at ``/.well-known/void``.

Counts come from named queries (``graph/queries/count-*.rq``, ``void-*.rq``): articles,
entities, triples (over all graphs, and in the default graph), one class partition per
class, and per named graph — each non-article graph (entities, terms, researchers' own graphs
loaded with ``newsgraph load``) on its own, and the article graphs (one per article) together.
The dataset node is also the ``sd:Dataset`` that the service description points to.

Counting scans the store, so the description is computed once per version of the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.store.base import Row, Store
from newsgraph.vocab.namespaces import DCTERMS, NG, RDF, RDFS, SCHEMA, SD, VOID, XSD, Minter

FOAF = "http://xmlns.com/foaf/0.1/"
#: Prefixes for the formats that abbreviate IRIs.
PREFIXES = {"void": VOID, "sd": SD, "dcterms": DCTERMS, "rdfs": RDFS, "foaf": FOAF,
            "xsd": XSD, "schema": SCHEMA, "ng": NG}  # fmt: skip


@dataclass
class Counts:
    articles: int = 0
    entities: int = 0
    triples: int = 0
    named_graph_triples: int = 0
    #: named graph → triples, for the graphs that are not article graphs.
    graphs: dict[str, int] = field(default_factory=dict)
    #: class → distinct resources of that class.
    classes: dict[str, int] = field(default_factory=dict)

    @property
    def article_graph_triples(self) -> int:
        return self.named_graph_triples - sum(self.graphs.values())

    @property
    def default_graph_triples(self) -> int:
        return self.triples - self.named_graph_triples


async def _select(
    store: Store, name: str, bindings: dict[str, ox.NamedNode | ox.Literal]
) -> list[Row]:
    return await store.select_async(queries.load(name), bindings)


def _number(rows: list[Row], variable: str = "count") -> int:
    value = rows[0].get(variable) if rows else None
    return int(value.value) if isinstance(value, ox.Literal) else 0


async def count(store: Store, iris: Minter) -> Counts:
    """Every count the description carries, each from its named query."""
    counts = Counts()
    counts.articles = _number(await _select(store, "count-articles", {}))
    counts.entities = _number(
        await _select(store, "count-entities", {"graph": ox.NamedNode(iris.entities_graph)})
    )
    counts.triples = _number(await _select(store, "count-triples", {}))
    counts.named_graph_triples = _number(await _select(store, "count-graph-triples", {}))
    others = await _select(store, "void-other-graphs", {"prefix": ox.Literal(iris.article(""))})
    for row in others:
        graph = row.get("graph")
        if isinstance(graph, ox.NamedNode):
            rows = await _select(store, "count-graph-triples", {"graph": graph})
            counts.graphs[graph.value] = _number(rows)
    for row in await _select(store, "void-classes", {}):
        kind, number = row.get("class"), row.get("count")
        if isinstance(kind, ox.NamedNode) and isinstance(number, ox.Literal):
            counts.classes[kind.value] = int(number.value)
    return counts


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def describe(
    counts: Counts, *, document: str, endpoint: str, iris: Minter, modified: str | None
) -> list[ox.Triple]:
    """The VoID description (at ``document``) of the dataset behind ``endpoint``."""
    a = ox.NamedNode(RDF + "type")
    dataset = ox.NamedNode(document + "#dataset")
    articles = ox.NamedNode(document + "#articles")

    def void(term: str) -> ox.NamedNode:
        return ox.NamedNode(VOID + term)

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    doc = ox.NamedNode(document)
    triples = [
        ox.Triple(doc, a, void("DatasetDescription")),
        ox.Triple(
            doc, ox.NamedNode(DCTERMS + "title"), ox.Literal("VoID description of newsgraph")
        ),
        ox.Triple(doc, ox.NamedNode(FOAF + "primaryTopic"), dataset),
        ox.Triple(dataset, a, void("Dataset")),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS + "title"), ox.Literal("newsgraph")),
        ox.Triple(dataset, void("sparqlEndpoint"), ox.NamedNode(endpoint)),
        ox.Triple(dataset, void("uriSpace"), ox.Literal(iris.base)),
        ox.Triple(dataset, void("vocabulary"), ox.NamedNode(SCHEMA)),
        ox.Triple(dataset, void("vocabulary"), ox.NamedNode(NG)),
        ox.Triple(dataset, void("triples"), _integer(counts.triples)),
        ox.Triple(dataset, void("entities"), _integer(counts.articles + counts.entities)),
        ox.Triple(dataset, void("subset"), articles),
        ox.Triple(articles, a, void("Dataset")),
        ox.Triple(articles, ox.NamedNode(RDFS + "label"), ox.Literal("article graphs")),
        ox.Triple(
            articles,
            ox.NamedNode(RDFS + "comment"),
            ox.Literal("One named graph per article, named by the article's IRI."),
        ),
        ox.Triple(articles, void("triples"), _integer(counts.article_graph_triples)),
        ox.Triple(articles, void("entities"), _integer(counts.articles)),
        ox.Triple(articles, void("uriSpace"), ox.Literal(iris.article(""))),
    ]
    if modified:
        triples.append(
            ox.Triple(
                dataset,
                ox.NamedNode(DCTERMS + "modified"),
                ox.Literal(modified, datatype=ox.NamedNode(XSD + "dateTime")),
            )
        )
    default_graph = ox.BlankNode("defaultGraph")
    triples += [
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, a, sd("Graph")),
        ox.Triple(default_graph, void("triples"), _integer(counts.triples)),
    ]
    for index, (graph, size) in enumerate(sorted(counts.graphs.items())):
        named = ox.BlankNode(f"namedGraph{index}")
        content = ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, a, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(graph)),
            ox.Triple(named, sd("graph"), content),
            ox.Triple(content, a, sd("Graph")),
            ox.Triple(content, a, void("Dataset")),
            ox.Triple(content, void("triples"), _integer(size)),
        ]
        if graph == iris.entities_graph:
            triples.append(ox.Triple(content, void("entities"), _integer(counts.entities)))
    for index, (kind, size) in enumerate(sorted(counts.classes.items())):
        partition = ox.BlankNode(f"class{index}")
        triples += [
            ox.Triple(dataset, void("classPartition"), partition),
            ox.Triple(partition, void("class"), ox.NamedNode(kind)),
            ox.Triple(partition, void("entities"), _integer(size)),
        ]
    return triples
