"""What the linked-data pages of entities, topics and publishers show, read through the store.

Every datum comes from a named query (``graph/queries/*.rq``) with its parameters bound; the
result is plain data that the API renders as HTML. Articles are listed newest first, a page at a
time: a :class:`Cursor` (the date and IRI of the last row shown) asks for the rows after it.
See :mod:`graph.pages.article` for the page of one article, :mod:`graph.pages.listing` for the
list pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.cooccurrence import trends
from newsgraph.cooccurrence.window import Window
from newsgraph.errors import QueryError
from newsgraph.pages.describe import compact
from newsgraph.store.base import Row, Store, Term
from newsgraph.vocab.namespaces import OWL, PREFIXES, RDF, SCHEMA, XSD

__all__ = [
    "INDEX_QUERIES",
    "KINDS",
    "ArticleList",
    "ArticleRow",
    "Counted",
    "Cursor",
    "QueryLink",
    "ResourcePage",
    "Statement",
    "Value",
    "query_links",
    "resource_page",
]

#: kind of page → the property that links an article to such a resource.
KINDS: dict[str, str] = {
    "entity": SCHEMA + "mentions",
    "topic": SCHEMA + "about",
    "publisher": SCHEMA + "publisher",
}
#: kind of page → the public named query the list page offers to open on the query page (the
#: list itself: :mod:`graph.pages.listing`).
INDEX_QUERIES: dict[str, str] = {
    "entity": "most-mentioned-entities",
    "topic": "topics",
    "publisher": "publishers",
}
PAGE_SIZE = 50  # articles-linking-to.rq fetches one more, to know whether another page follows
SAME_AS = (SCHEMA + "sameAs", OWL + "sameAs")


@dataclass(frozen=True)
class Value:
    """One value of a property, as a page shows it."""

    text: str
    iri: str | None = None
    language: str | None = None
    datatype: str | None = None

    @classmethod
    def of(cls, term: Term) -> Value:
        if isinstance(term, ox.NamedNode):
            return cls(compact(term.value, PREFIXES), iri=term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            shown = None if datatype in (XSD + "string", RDF + "langString") else datatype
            return cls(
                term.value, language=term.language, datatype=shown and compact(shown, PREFIXES)
            )
        if isinstance(term, ox.BlankNode):
            return cls(f"_:{term.value}")
        return cls(str(term))


@dataclass(frozen=True)
class Statement:
    """A property of the resource with all its values."""

    property: str
    label: str
    values: list[Value]


@dataclass(frozen=True)
class ArticleRow:
    iri: str
    headline: str
    date: str


@dataclass(frozen=True)
class Cursor:
    """Where a page of articles continues: after this date and article (in list order)."""

    date: str
    article: str

    @classmethod
    def parse(cls, date: str, article: str) -> Cursor:
        try:
            datetime.fromisoformat(date)
            ox.NamedNode(article)
        except ValueError:
            raise QueryError(f"bad page position: before={date!r} after={article!r}") from None
        return cls(date, article)

    def bindings(self) -> dict[str, Term]:
        return {
            "beforeDate": ox.Literal(self.date, datatype=ox.NamedNode(XSD + "dateTime")),
            "afterArticle": ox.NamedNode(self.article),
        }


@dataclass(frozen=True)
class ArticleList:
    rows: list[ArticleRow]
    total: int
    next: Cursor | None


@dataclass(frozen=True)
class Counted:
    """A resource with a name and a number of articles."""

    iri: str
    name: str
    count: int


@dataclass(frozen=True)
class QueryLink:
    """A named query about the resource, to open on the query page."""

    name: str
    title: str
    params: dict[str, str]


@dataclass
class ResourcePage:
    iri: str
    kind: str
    name: str
    types: list[Value] = field(default_factory=list)
    alternate_names: list[str] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)
    description: str | None = None
    url: str | None = None
    articles: ArticleList = field(default_factory=lambda: ArticleList([], 0, None))
    entities: list[Counted] = field(default_factory=list)
    months: list[tuple[str, int]] = field(default_factory=list)
    #: An entity's months in UTC with their trend score and bursts (graph.cooccurrence.trends).
    timeline: list[dict[str, Any]] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    queries: list[QueryLink] = field(default_factory=list)

    @property
    def busiest_month(self) -> int:
        return max((count for _, count in self.months), default=0)

    @property
    def bursts(self) -> list[dict[str, Any]]:
        """The months of :attr:`timeline` that are bursts."""
        return [row for row in self.timeline if row["burst"]]


def _text(row: Row, name: str, default: str = "") -> str:
    term = row.get(name)
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else default


def _int(row: Row, name: str) -> int:
    term = row.get(name)
    return int(term.value) if isinstance(term, ox.Literal) else 0


def statements(store: Store, iri: str) -> list[Statement]:
    """Every property of ``iri`` with its values, in property order."""
    grouped: dict[str, list[Value]] = {}
    rows = store.select(queries.load("resource-properties"), {"resource": ox.NamedNode(iri)})
    for row in rows:
        prop, value = row.get("property"), row.get("value")
        if isinstance(prop, ox.NamedNode) and value is not None:
            grouped.setdefault(prop.value, []).append(Value.of(value))
    return [Statement(p, compact(p, PREFIXES), values) for p, values in grouped.items()]


def query_links(param: str, iri: str) -> list[QueryLink]:
    """The public named queries that take exactly the one parameter ``param``."""
    links = []
    for name in queries.names(public_only=True):
        named = queries.get(name)
        if list(named.params) == [param]:
            links.append(QueryLink(name, named.title, {param: iri}))
    return links


def articles(store: Store, iri: str, kind: str, after: Cursor | None = None) -> ArticleList:
    """A page of the articles linking to ``iri``, newest first, and how many there are."""
    bindings: dict[str, Term] = {
        "resource": ox.NamedNode(iri),
        "property": ox.NamedNode(KINDS[kind]),
    }
    total = store.count(queries.load("articles-linking-to-count"), bindings)
    rows = [
        ArticleRow(_text(row, "article"), _text(row, "headline"), _text(row, "date"))
        for row in store.select(
            queries.load("articles-linking-to"), {**bindings, **(after.bindings() if after else {})}
        )
    ]
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return ArticleList(rows, total, Cursor(rows[-1].date, rows[-1].iri) if more else None)


def counted(rows: list[Row], variable: str) -> list[Counted]:
    return [
        Counted(
            _text(row, variable), _text(row, "name", _text(row, variable)), _int(row, "articles")
        )
        for row in rows
    ]


def mentioned_entities(store: Store, iri: str, kind: str) -> list[Counted]:
    """The entities the articles linking to ``iri`` mention most, with their names."""
    bindings: dict[str, Term] = {
        "resource": ox.NamedNode(iri),
        "property": ox.NamedNode(KINDS[kind]),
    }
    rows = store.select_all(queries.load("entities-of-articles-linking-to"), bindings)
    entities = [term for row in rows if isinstance(term := row.get("entity"), ox.NamedNode)]
    names: dict[str, str] = {}
    if entities:
        for row in store.select(queries.bind("names-of", {"resource": entities})):
            names.setdefault(_text(row, "resource"), _text(row, "name"))
    counts = ((_text(row, "entity"), _int(row, "articles")) for row in rows)
    return [Counted(entity, names.get(entity, entity), count) for entity, count in counts]


def _first(found: Mapping[str, Statement], prop: str) -> str | None:
    statement = found.get(prop)
    return statement.values[0].text if statement else None


def resource_page(
    store: Store, iri: str, kind: str, after: Cursor | None = None
) -> ResourcePage | None:
    """The page of an entity, topic or publisher; None when the store says nothing about it."""
    described = statements(store, iri)
    if not described:
        return None
    found = {statement.property: statement for statement in described}
    page = ResourcePage(iri, kind, _first(found, SCHEMA + "name") or iri)
    page.statements = described
    page.types = found[RDF + "type"].values if RDF + "type" in found else []
    page.alternate_names = [
        v.text for v in found.get(SCHEMA + "alternateName", Statement("", "", [])).values
    ]
    page.same_as = [v.iri or v.text for p in SAME_AS if p in found for v in found[p].values]
    page.description = _first(found, SCHEMA + "description")
    page.url = _first(found, SCHEMA + "url")
    page.articles = articles(store, iri, kind, after)
    page.entities = mentioned_entities(store, iri, kind)
    if kind == "entity":
        page.months = [
            (_text(row, "month"), _int(row, "articles"))
            for row in store.select(
                queries.load("entity-mentions-per-month"), {"entity": ox.NamedNode(iri)}
            )
        ]
        page.timeline = trends.timeline(store, iri, Window(), trends.TrendOptions(kind="month"))
    page.queries = query_links(kind, iri)
    return page
