"""The search results page ``/search?q=``: what it shows of a search (no HTTP).

A page is one search (:func:`newsgraph.search.finding.find`), :data:`PER_PAGE` matches from
``(page - 1) × PER_PAGE``, best first: each article's headline, date, language, highlighted
snippet, and the entities it mentions (``search-article-entities``, one query for the page,
named by :func:`newsgraph.cooccurrence.labels`). With an entity the search keeps the articles
that mention it — the intersection, as ``newsgraph search --entity`` — and the page links the
same question as the named SPARQL query ``search-entity-articles`` (``ng:matches`` joined with
the entity).

>>> SearchRequest.parse(" crude  oil ", page="3").offset
40
>>> SearchRequest.parse("oil", page="0")
Traceback (most recent call last):
...
newsgraph.errors.QueryError: page='0': give a page number from 1

Tested in tests/test_search_page.py (over HTTP against ``/api/search``, and in a browser).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import QueryError
from newsgraph.search import finding
from newsgraph.search.index import Hit, SearchIndex
from newsgraph.store.base import Store

__all__ = ["PER_PAGE", "Match", "Mention", "SearchPage", "SearchRequest", "search_page"]

PER_PAGE = 20
#: The longest search taken from the page's box.
MAX_WORDS = 500


@dataclass(frozen=True)
class SearchRequest:
    """The search asked: the words (``""``: none yet), an entity IRI to keep (or None) and the
    page (from 1)."""

    words: str = ""
    entity: str | None = None
    page: int = 1

    @classmethod
    def parse(
        cls, words: str | None, entity: str | None = None, page: str | None = None
    ) -> SearchRequest:
        text = " ".join((words or "").split())
        if len(text) > MAX_WORDS:
            raise QueryError(f"the search is {len(text)} characters long: give at most {MAX_WORDS}")
        try:
            number = int(page) if page else 1
        except ValueError:
            raise QueryError(f"page={page!r}: give a page number from 1") from None
        if number < 1:
            raise QueryError(f"page={page!r}: give a page number from 1")
        return cls(text, entity or None, number)

    @property
    def offset(self) -> int:
        return (self.page - 1) * PER_PAGE


@dataclass(frozen=True)
class Mention:
    iri: str
    name: str


@dataclass(frozen=True)
class Match:
    """One article found: its rank, what the index holds of it and the entities it mentions."""

    rank: int
    hit: Hit
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class SearchPage:
    request: SearchRequest
    total: int = 0
    matches: list[Match] = field(default_factory=list)
    #: The entity's name, when the search keeps an entity's articles.
    entity_name: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))

    @property
    def previous(self) -> int | None:
        return self.request.page - 1 if self.request.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.request.page + 1 if self.request.page < self.pages else None


def search_page(store: Store, index: SearchIndex, request: SearchRequest) -> SearchPage:
    """The page of matches ``request`` asks for (none when it gives no words)."""
    from newsgraph.cooccurrence import labels

    entity_name = labels(store, [request.entity])[request.entity][0] if request.entity else None
    if not request.words:
        return SearchPage(request, entity_name=entity_name)
    search = finding.Search(
        request.words, entity=request.entity, limit=PER_PAGE, offset=request.offset
    )
    found = finding.find(store, index, search)
    mentioned = _mentions(store, [hit.iri for hit in found.hits])
    matches = [
        Match(rank, hit, mentioned.get(hit.iri, ()))
        for rank, hit in enumerate(found.hits, start=request.offset + 1)
    ]
    return SearchPage(request, found.total, matches, entity_name)


def _mentions(store: Store, articles: list[str]) -> dict[str, tuple[Mention, ...]]:
    """Each article's mentioned entities with their names, sorted by name."""
    from newsgraph.cooccurrence import labels

    if not articles:
        return {}
    text = queries.bind(
        "search-article-entities", {"article": [ox.NamedNode(iri) for iri in articles]}
    )
    entities: dict[str, list[str]] = defaultdict(list)
    for article, entity in store.select_values(text, ("article", "entity")):
        if isinstance(article, ox.NamedNode) and isinstance(entity, ox.NamedNode):
            entities[article.value].append(entity.value)
    names = labels(store, {entity for found in entities.values() for entity in found})
    return {
        article: tuple(
            sorted((Mention(iri, names[iri][0]) for iri in found), key=lambda m: m.name.lower())
        )
        for article, found in entities.items()
    }
