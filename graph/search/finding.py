"""A search, with the graph's filters: what ``newsgraph search`` and ``/api/search`` answer.

The index finds the articles (BM25, best first), within ``--since``/``--until`` and ``--lang``;
an ``--entity`` or ``--topic`` keeps those the graph says mention the entity or are about the
topic (``search-filter-articles``): exactly the intersection of the two. Then the page asked
for (``limit``, 0 for all, from ``offset``) with each article's headline, date and snippet.

Enforced by ``tests/test_search.py`` (the intersection, against an independent oracle).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import tantivy
from newsgraph import queries
from newsgraph.errors import QueryError, StoreError
from newsgraph.search.index import Hit, Hits, SearchIndex
from newsgraph.search.syntax import parse
from newsgraph.store.base import Store

_LANG_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")

__all__ = ["Search", "as_json", "day_bound", "find", "index_of", "plain"]


@dataclass(frozen=True)
class Search:
    """One search: the words (:mod:`.syntax`) and the filters; ``entity`` and ``topic`` are
    IRIs (names are resolved before: :mod:`newsgraph.resolve`)."""

    text: str
    since: datetime | None = None
    until: datetime | None = None
    entity: str | None = None
    topic: str | None = None
    lang: str | None = None
    limit: int = 10
    offset: int = 0

    def __post_init__(self) -> None:
        if self.limit < 0:
            raise QueryError(f"limit {self.limit}: give 0 (all) or more")
        if self.offset < 0:
            raise QueryError(f"offset {self.offset}: give 0 or more")
        if self.lang is not None and not _LANG_TAG.fullmatch(self.lang):
            raise QueryError(f"lang {self.lang!r}: give a language tag (en, de, pt-BR, …)")


def index_of(store: Store) -> SearchIndex:
    """The full-text index of a store: in ``STORE/search/`` for a store on disk, in its own
    directory for a remote store (``store.search_index()``: :mod:`newsgraph.search.remote`)."""
    opener = getattr(store, "search_index", None)
    if callable(opener):
        index: SearchIndex = opener()
        return index
    path = getattr(store, "path", None)
    if not isinstance(path, Path):
        raise StoreError(f"{store!r} keeps no full-text index")
    return SearchIndex.of_store(path)


def find(store: Store, index: SearchIndex, search: Search) -> Hits:
    """The articles ``search`` finds, best first: the page asked for, and how many in all
    (from an index level with the store: :meth:`SearchIndex.ensure_current`)."""
    index.ensure_current()
    query = index.compile(
        parse(search.text), lang=search.lang, since=search.since, until=search.until
    )
    if search.entity is None and search.topic is None:
        return index.search(query, limit=search.limit, offset=search.offset)
    kept = _filtered(store, search.entity, search.topic)
    found = [iri for iri, _ in index.scores(query) if iri in kept]
    end = search.offset + search.limit if search.limit else len(found)
    page = found[search.offset : end]
    return Hits(len(found), _described(index, query, page))


def _filtered(store: Store, entity: str | None, topic: str | None) -> set[str]:
    bindings = {}
    if entity is not None:
        bindings["entity"] = ox.NamedNode(entity)
    if topic is not None:
        bindings["topic"] = ox.NamedNode(topic)
    text = queries.bind("search-filter-articles", bindings)
    return {
        article.value
        for (article,) in store.select_values(text, ("article",))
        if isinstance(article, ox.NamedNode)
    }


def _described(index: SearchIndex, query: tantivy.Query, page: list[str]) -> list[Hit]:
    """The hits of ``page`` (IRIs in rank order) with their stored fields and snippets."""
    if not page:
        return []
    only = tantivy.Query.term_set_query(index.schema, "iri", page)
    within = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, query), (tantivy.Occur.Must, tantivy.Query.const_score_query(only, 0.0))]
    )  # fmt: skip
    described = {hit.iri: hit for hit in index.search(within, limit=len(page)).hits}
    return [described[iri] for iri in page if iri in described]


def as_json(search: Search, found: Hits) -> dict[str, object]:
    """The JSON of ``/api/search`` and ``newsgraph search --format json``: the matches in rank
    order (article IRI, slug, headline, date, score, snippet as HTML), the total and the page.

    >>> found = Hits(1, [Hit("http://n/article/a", 1.5, "a", "Oil", None, "en", "<b>oil</b>")])
    >>> as_json(Search("oil"), found)["matches"][0]["snippet"]
    '<b>oil</b>'
    """
    return {
        "query": search.text,
        "total": found.total,
        "offset": search.offset,
        "limit": search.limit,
        "matches": [
            {
                "article": hit.iri,
                "slug": hit.slug,
                "headline": hit.headline,
                "date": hit.date.isoformat() if hit.date else None,
                "lang": hit.lang,
                "score": round(hit.score, 6),
                "snippet": hit.snippet,
            }
            for hit in found.hits
        ],
    }


def plain(snippet: str) -> str:
    """A snippet's HTML as text, the matched words in ``[…]``; lines joined.

    >>> plain("a <b>crude</b> &lt;IMO&gt;\\n\\nline")
    'a [crude] <IMO> line'
    """
    text = re.sub(r"</?b>", lambda m: "]" if m.group().startswith("</") else "[", snippet)
    return " ".join(html.unescape(text).split())


def day_bound(text: str | None, *, end: bool) -> datetime | None:
    """``--since``/``--until`` as a moment: a date alone is the start (or, for ``until``, the
    end) of that day in UTC.

    >>> day_bound("1987-03-09", end=True).isoformat()
    '1987-03-09T23:59:59.999999+00:00'
    """
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"{text!r} is not a date (YYYY-MM-DD or an ISO 8601 date-time)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if end and len(text) == 10:
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999_999)
    return moment
