"""Some statements of some news articles, read a chunk of articles at a time.

One reader for what the search index's sync (:func:`graph.search.sync.stored_texts`) and
linking's read-back (:mod:`graph.linking.readback`) need of a few articles: the query
``article-fields`` (one statement a row, in the article's own graph), which a remote server
answers where Virtuoso refuses the same read written with OPTIONALs under a VALUES block as
too costly (``tests/test_remote_search.py``: a newer version re-ingested into a Virtuoso that
holds other stores' articles).

Of several values of one field, the least by its text is kept: one answer, whatever order the
server gives the rows in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.store.base import Store, Term
from newsgraph.vocab.namespaces import RDF, SCHEMA

__all__ = ["news_article_fields"]

_RDF_TYPE = RDF + "type"
_NEWS_ARTICLE = SCHEMA + "NewsArticle"


def news_article_fields(
    store: Store, articles: Iterable[str], fields: Sequence[str], chunk: int = 500
) -> Iterator[tuple[str, dict[str, Term]]]:
    """For each of ``articles`` that is a ``schema:NewsArticle`` in its own graph, in the
    order given: its value of each of ``fields`` (predicate IRIs) it has, the least by its
    text where it has several; ``chunk`` articles per query."""
    asked = [ox.NamedNode(field) for field in (_RDF_TYPE, *fields)]
    ordered = iter(articles)
    for part in iter(lambda: list(islice(ordered, chunk)), []):
        query = queries.bind(
            "article-fields", {"article": [ox.NamedNode(iri) for iri in part], "field": asked}
        )
        held: dict[str, dict[str, Term]] = {}
        news: set[str] = set()
        for article, field, value in store.select_values(query, ("article", "field", "value")):
            if not isinstance(article, ox.NamedNode) or not isinstance(field, ox.NamedNode):
                continue
            if value is None:  # never from this query: each row states a value
                continue
            if field.value == _RDF_TYPE:
                if isinstance(value, ox.NamedNode) and value.value == _NEWS_ARTICLE:
                    news.add(article.value)
                continue
            kept = held.setdefault(article.value, {})
            former = kept.get(field.value)
            if former is None or _text(value) < _text(former):
                kept[field.value] = value
        for iri in part:
            if iri in news:
                yield iri, held.get(iri, {})


def _text(term: Term) -> str:
    return str(getattr(term, "value", term))
