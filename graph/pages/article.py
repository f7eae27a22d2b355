"""What the page of one article shows, read from the same triples its IRI dereferences to.

The page and the article's RDF (``graph/queries/article-graph.rq``) come from one query, so the
HTML never says more or less than the data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from newsgraph.pages import QueryLink, query_links
from newsgraph.pages.describe import describe
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import NG, RDF, SCHEMA, Minter

__all__ = ["ArticlePage", "Link", "article_page"]


@dataclass(frozen=True)
class Link:
    """A resource the article links to, with its name and the short names of its types."""

    iri: str
    label: str
    types: tuple[str, ...] = ()


@dataclass
class ArticlePage:
    iri: str
    headline: str
    identifier: str | None = None
    description: str | None = None
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    url: str | None = None
    based_on: str | None = None
    publisher: Link | None = None
    topics: list[Link] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    entities: list[Link] = field(default_factory=list)
    found_in_text: set[str] = field(default_factory=set)
    citations: list[str] = field(default_factory=list)
    alternates: list[tuple[str, str]] = field(default_factory=list)
    authors: list[Link] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    body: str | None = None
    has_markdown: bool = False
    queries: list[QueryLink] = field(default_factory=list)


class _Triples:
    """The description's triples, by subject and predicate."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.by: dict[tuple[str, str], list[ox.NamedNode | ox.BlankNode | ox.Literal]] = (
            defaultdict(list)
        )
        for triple in triples:
            subject = triple.subject
            if isinstance(subject, ox.NamedNode | ox.BlankNode):
                self.by[subject.value, triple.predicate.value].append(triple.object)  # type: ignore[arg-type]

    def all(self, subject: str, prop: str) -> list[str]:
        return sorted({term.value for term in self.by.get((subject, SCHEMA + prop), [])})

    def nodes(self, subject: str, prop: str) -> list[str]:
        terms = self.by.get((subject, SCHEMA + prop), [])
        return list(dict.fromkeys(t.value for t in terms if isinstance(t, ox.NamedNode)))

    def first(self, subject: str, prop: str) -> str | None:
        values = self.all(subject, prop)
        return values[0] if values else None

    def link(self, iri: str) -> Link:
        types = sorted(
            {
                t.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                for t in self.by.get((iri, RDF + "type"), [])
            }
        )
        return Link(iri, self.first(iri, "name") or iri, tuple(types))


def article_page(store: Store, iri: str, iris: Minter) -> ArticlePage | None:
    """The page of the article ``iri``; None when the store holds no such article."""
    data = _Triples(describe(store, iri, iris))
    headline = data.first(iri, "headline")
    if headline is None and not data.by:
        return None
    page = ArticlePage(iri, headline or iri)
    page.identifier = data.first(iri, "identifier")
    page.description = data.first(iri, "description")
    page.published = data.first(iri, "datePublished")
    page.modified = data.first(iri, "dateModified")
    page.language = data.first(iri, "inLanguage")
    page.url = data.first(iri, "url")
    page.based_on = data.first(iri, "isBasedOn")
    page.body = _without_heading(data.first(iri, "articleBody"), page.headline)
    publishers = data.nodes(iri, "publisher")
    page.publisher = data.link(publishers[0]) if publishers else None
    page.topics = sorted((data.link(t) for t in data.nodes(iri, "about")), key=_by_label)
    page.keywords = data.all(iri, "keywords")
    page.entities = sorted((data.link(e) for e in data.nodes(iri, "mentions")), key=_by_label)
    page.found_in_text = {t.value for t in data.by.get((iri, NG + "foundInText"), [])}
    page.citations = data.all(iri, "citation")
    page.images = data.all(iri, "image")
    page.authors = [
        Link(data.first(author, "url") or "", data.first(author, "name") or author)
        for author in data.nodes(iri, "author")
    ]
    for encoding in data.nodes(iri, "encoding"):
        content_url = data.first(encoding, "contentUrl")
        media_type = data.first(encoding, "encodingFormat") or ""
        if content_url:
            page.alternates.append((media_type, content_url))
        elif data.first(encoding, "text") is not None:
            page.has_markdown = True
    page.alternates.sort()
    page.queries = query_links("article", iri)
    return page


def _without_heading(body: str | None, headline: str) -> str | None:
    """The text without its first paragraph when that only repeats the headline."""
    if body is None:
        return None
    first, _, rest = body.partition("\n\n")
    return rest if first.strip() == headline.strip() and rest else body


def _by_label(link: Link) -> tuple[str, str]:
    return (link.label.casefold(), link.iri)
