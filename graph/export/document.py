"""An article graph → one schema.org ``NewsArticle`` JSON-LD document, for search engines.

The document is written directly from the triples, term by term, against the schema.org subset
context (:mod:`graph.export.context`) — no JSON-LD processor runs at export time. The root is the
article; the nodes its graph describes (its markdown and alternates, its authors) and the shared
nodes it links to (publisher, topics in ``about``, entities in ``mentions``) are nested in it,
each embedded once and referenced by ``@id`` after that.

What is exported:

* from the article graph, every schema.org triple (our own ``ng:`` bookkeeping stays
  internal); parsed back (:mod:`graph.export.rdf`) the document gives exactly these triples;
* of a shared node, its schema.org types and the properties in :data:`THING_PROPERTIES` (name,
  alternateName, description, sameAs, url, identifier: any thing has them) and
  :data:`TYPE_PROPERTIES` (those of its type, such as ``termCode`` on a ``DefinedTerm``), as the
  entities and terms graphs hold them; what else linking records there stays internal.

Values keep their exact lexical form. A value the context would coerce to something else is
written in explicit form (``{"@id": …}`` or ``{"@value": …}``), so that it means the same under
schema.org's full context; date-times are plain ISO 8601 strings (see the context module).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from newsgraph.export.context import ID, SCHEMA_CONTEXT, SCHEMA_DATE, Term, TermTable, term_table
from newsgraph.export.source import (
    Description,
    Listed,
    Properties,
    SharedNodes,
    article_graphs,
    batches,
    linked_iris,
    list_articles,
    node_key,
    text,
)
from newsgraph.store.base import Store
from newsgraph.store.base import Term as RdfTerm
from newsgraph.vocab.namespaces import RDF, SCHEMA, XSD, Minter

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
#: Datatypes schema.org's ``Date`` coercion stands for (the graph holds these).
DATE_TYPES = frozenset({XSD + "dateTime", XSD + "date"})

#: Properties of a shared node that the export carries, for any node.
THING_PROPERTIES = frozenset(
    SCHEMA + name
    for name in ("name", "alternateName", "description", "sameAs", "url", "identifier")
)
#: Properties carried only on nodes of the type named (their schema.org domain).
TYPE_PROPERTIES: dict[str, frozenset[str]] = {
    SCHEMA + "DefinedTerm": frozenset({SCHEMA + "termCode", SCHEMA + "inDefinedTermSet"}),
    SCHEMA + "Organization": frozenset({SCHEMA + "logo"}),
    SCHEMA + "NewsMediaOrganization": frozenset({SCHEMA + "logo"}),
    SCHEMA + "GovernmentOrganization": frozenset({SCHEMA + "logo"}),
}
#: Keys in the order a reader (and Google's documentation) expects them; others follow sorted.
KEY_ORDER = (
    "@context", "@type", "@id", "headline", "name", "alternateName", "description", "image",
    "datePublished", "dateModified", "author", "publisher", "url", "mainEntityOfPage",
    "inLanguage", "identifier", "isBasedOn", "about", "keywords", "mentions", "citation",
    "articleBody", "encoding", "encodingFormat", "contentUrl", "text",
)  # fmt: skip
_RANK = {key: index for index, key in enumerate(KEY_ORDER)}


def shared_properties(types: set[str]) -> frozenset[str]:
    """The properties exported on a shared node with these types."""
    extra = [TYPE_PROPERTIES[t] for t in types if t in TYPE_PROPERTIES]
    return THING_PROPERTIES.union(*extra)


class DocumentBuilder:
    """Builds one article's document; keeps track of which nodes are already embedded."""

    def __init__(
        self, own: Description, shared: Mapping[str, Properties], table: TermTable
    ) -> None:
        self.own = own
        self.shared = shared
        self.table = table
        self.embedded: set[str] = set()

    def article(self, iri: str) -> dict[str, Any]:
        self.embedded.add(iri)
        node = self.node(iri, self.own.get(iri, []), allowed=None)
        return {"@context": SCHEMA_CONTEXT, **node}

    def node(
        self, key: str, properties: Properties, allowed: frozenset[str] | None
    ) -> dict[str, Any]:
        """A node object; ``allowed`` limits the properties (None: every schema.org one)."""
        types = sorted(
            {
                name
                for predicate, value in properties
                if predicate == RDF_TYPE and isinstance(value, ox.NamedNode)
                if (name := self.table.type_name(value.value))
            }
        )
        node: dict[str, Any] = {}
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        node["@id"] = key
        grouped: dict[str, tuple[Term, list[RdfTerm]]] = {}
        for predicate, value in properties:
            if predicate == RDF_TYPE or (allowed is not None and predicate not in allowed):
                continue
            term = self.table.term(predicate)
            if term is not None:
                grouped.setdefault(term.name, (term, []))[1].append(value)
        for name in sorted(grouped, key=lambda k: (_RANK.get(k, len(_RANK)), k)):
            term, values = grouped[name]
            written = [self.value(term, v) for v in sorted(set(values), key=_sort_key)]
            node[name] = written[0] if len(written) == 1 else written
        return node

    def value(self, term: Term, value: RdfTerm) -> Any:
        if isinstance(value, ox.Literal):
            return literal(term, value)
        key = node_key(value)
        if key not in self.embedded:
            if key in self.own:
                self.embedded.add(key)
                return self.node(key, self.own[key], allowed=None)
            if key in self.shared:
                self.embedded.add(key)
                properties = self.shared[key]
                types = {text(v) for p, v in properties if p == RDF_TYPE}
                return self.node(key, properties, allowed=shared_properties(types))
        return key if term.coercion == ID else {"@id": key}


def literal(term: Term, value: ox.Literal) -> Any:
    """A literal as the context lets it be written: plain when that reads back the same."""
    datatype = value.datatype.value
    if value.language:
        return {"@value": value.value, "@language": value.language}
    if term.coercion is None or term.coercion == ID:
        if datatype == XSD_STRING:
            return value.value if term.coercion is None else {"@value": value.value}
        return {"@value": value.value, "@type": datatype}
    if datatype == term.coercion or (term.coercion == SCHEMA_DATE and datatype in DATE_TYPES):
        return value.value
    if datatype == XSD_STRING:
        return {"@value": value.value}
    return {"@value": value.value, "@type": datatype}


def _sort_key(value: RdfTerm) -> tuple[int, str]:
    return (isinstance(value, ox.Literal), text(value))


def article_document(
    iri: str, own: Description, shared: Mapping[str, Properties], table: TermTable | None = None
) -> dict[str, Any]:
    """The export document of the article ``iri`` from its graph and the shared nodes' descriptions.

    >>> S = "http://schema.org/"
    >>> own = {"http://n.example/article/a": [
    ...     (RDF_TYPE, ox.NamedNode(S + "NewsArticle")),
    ...     (S + "headline", ox.Literal("<b>Hi</b>")),
    ...     (S + "datePublished", ox.Literal("2026-01-02T03:04:05Z", datatype=ox.NamedNode(XSD + "dateTime"))),
    ...     (S + "mentions", ox.NamedNode("http://n.example/entity/x")),
    ...     ("https://w3id.org/newsgraph/ns#recordHash", ox.Literal("abc")),
    ... ]}
    >>> shared = {"http://n.example/entity/x": [
    ...     (RDF_TYPE, ox.NamedNode(S + "Thing")), (S + "name", ox.Literal("X"))]}
    >>> article_document("http://n.example/article/a", own, shared)  # doctest: +NORMALIZE_WHITESPACE
    {'@context': 'https://schema.org', '@type': 'NewsArticle', '@id': 'http://n.example/article/a',
     'headline': '<b>Hi</b>', 'datePublished': '2026-01-02T03:04:05Z',
     'mentions': {'@type': 'Thing', '@id': 'http://n.example/entity/x', 'name': 'X'}}
    """
    return DocumentBuilder(own, shared, table or term_table()).article(iri)


def batch_documents(
    store: Store, batch: Sequence[Listed], shared: SharedNodes
) -> Iterator[tuple[Listed, dict[str, Any] | None]]:
    """Each article of ``batch`` with its document (None when the store no longer has it)."""
    graphs = article_graphs(store, [item.iri for item in batch])
    linked = shared.describe(iri for graph in graphs.values() for iri in linked_iris(graph))
    table = term_table()
    for item in batch:
        own = graphs[item.iri]
        yield item, article_document(item.iri, own, linked, table) if own else None


def store_documents(
    store: Store, iris: Minter, batch_size: int = 500
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(slug, document) for every article of the store, as ``newsgraph export`` writes them."""
    listed, _ = list_articles(store, iris)
    shared = SharedNodes(store, iris)
    for batch in batches(listed, batch_size):
        for item, document in batch_documents(store, batch, shared):
            if document is not None:
                yield item.slug, document
