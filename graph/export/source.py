"""What an export reads from the store: the list of articles, their graphs, and shared nodes.

Everything comes from the graph, never from input files. Article graphs are fetched in batches
(one query per batch); the descriptions of the shared nodes they link to — entities, topics,
publishers, described once in the entities and terms graphs — are fetched once and cached.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import ExportError
from newsgraph.store.base import Store, Term
from newsgraph.vocab.namespaces import Minter

Subject = ox.NamedNode | ox.BlankNode
#: (predicate IRI, object) pairs describing one node.
Properties = list[tuple[str, Term]]
#: Node key (an IRI, or ``_:label`` for a blank node) → its properties.
Description = dict[str, Properties]
EARLIEST = datetime.min.replace(tzinfo=UTC)


def text(term: Term) -> str:
    """An IRI, a blank node's label or a literal's lexical form (RDF-star is not exported)."""
    if isinstance(term, ox.Triple):
        raise ExportError(f"an RDF-star triple term cannot be exported: {term}")
    return term.value


def node_key(term: Term) -> str:
    """The key a node is described under: its IRI, or ``_:label``."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return text(term)


def parse_date(term: Term | None) -> datetime | None:
    """The date-time of an xsd:dateTime (or xsd:date) literal, None when it is none."""
    if not isinstance(term, ox.Literal):
        return None
    try:
        value = datetime.fromisoformat(term.value)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Listed:
    """One article in the store, with the date that decides ``--since``."""

    iri: str
    slug: str
    #: dateModified, else datePublished.
    modified: datetime


def list_articles(store: Store, iris: Minter) -> tuple[list[Listed], list[str]]:
    """Every article minted under the base, sorted by slug; and the IRIs of the others."""
    latest: dict[str, datetime] = {}
    for row in store.select(queries.load("export-articles")):
        iri = text(row["article"])
        when = parse_date(row.get("modified")) or parse_date(row.get("published")) or EARLIEST
        latest[iri] = max(when, latest.get(iri, EARLIEST))
    listed: list[Listed] = []
    foreign: list[str] = []
    for iri, when in latest.items():
        slug = iris.slug_of(iri)
        if slug is None:
            foreign.append(iri)
        else:
            listed.append(Listed(iri, slug, when))
    listed.sort(key=lambda item: item.slug)
    return listed, sorted(foreign)


def batches(items: Sequence[Listed], size: int) -> Iterator[Sequence[Listed]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def article_graphs(store: Store, articles: Sequence[str]) -> dict[str, Description]:
    """Each article graph's triples grouped by subject, for a batch of article IRIs."""
    found: dict[str, Description] = {iri: defaultdict(list) for iri in articles}
    if not articles:
        return found
    query = queries.bind("export-graph-triples", {"graph": [ox.NamedNode(iri) for iri in articles]})
    for row in store.select(query):
        graph, subject, predicate = row["graph"], row["s"], row["p"]
        assert isinstance(graph, ox.NamedNode) and isinstance(predicate, ox.NamedNode)
        key = subject.value if isinstance(subject, ox.NamedNode) else node_key(subject)
        found[graph.value][key].append((predicate.value, row["o"]))
    return found


class SharedNodes:
    """Descriptions of the shared nodes (entities, topics, publishers), fetched once each.

    Only IRIs minted under the base can be shared nodes; others (URLs of pages, images,
    citations) are never looked up, so the cache stays as small as the set of shared nodes.
    """

    def __init__(self, store: Store, iris: Minter) -> None:
        self.store = store
        self.iris = iris
        self.graphs = [iris.entities_graph, iris.terms_graph]
        self._cache: dict[str, Properties] = {}

    def is_candidate(self, iri: str) -> bool:
        return iri.startswith(self.iris.base) and self.iris.slug_of(iri.split("#")[0]) is None

    def describe(self, nodes: Iterable[str]) -> dict[str, Properties]:
        """The properties of each node that a shared graph describes (others are absent)."""
        wanted = {iri for iri in nodes if self.is_candidate(iri)}
        missing = sorted(wanted - self._cache.keys())
        for start in range(0, len(missing), 1000):
            chunk = missing[start : start + 1000]
            for iri in chunk:
                self._cache[iri] = []
            terms = [ox.NamedNode(iri) for iri in chunk]
            for graph in self.graphs:
                bindings: dict[str, queries.Value] = {"graph": ox.NamedNode(graph), "node": terms}
                for row in self.store.select(queries.bind("export-node-descriptions", bindings)):
                    self._cache[text(row["node"])].append((text(row["p"]), row["o"]))
        return {iri: self._cache[iri] for iri in wanted if self._cache[iri]}


def linked_iris(description: Description) -> set[str]:
    """The IRIs an article graph points at but does not describe itself."""
    objects = {
        str(value.value)
        for properties in description.values()
        for _, value in properties
        if isinstance(value, ox.NamedNode)
    }
    return objects - description.keys()
