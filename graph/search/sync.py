"""Keeping the index in step with the store: in the same unit of writes, and after a crash.

The store's writer calls :func:`follow` at the end of every unit of writes that wrote, once the
unit's snapshot is published and before its journal is deleted
(:meth:`newsgraph.store.EmbeddedStore.transaction`). The index then commits the articles that
changed, with the name of that snapshot (:meth:`SearchIndex.generation`), in one tantivy commit.

What changed is known when the unit says which graphs it replaced (an ingest's batches) and the
index reflected the snapshot the unit started from; otherwise (a SPARQL update, a bulk load, an
index that lags) the index compares its articles' digests with the store's (``article-hashes``)
and re-indexes those that differ — so the index always ends equal to a rebuild from the store.

A process killed anywhere in between leaves either an index that reflects the snapshot before
(nothing of the unit was committed: tantivy's commit is atomic) or the unit's own. Opening the
store for writing catches up (:func:`catch_up`): after a crash the store is back at its newest
snapshot, and an index that names another is compared and brought level.

Enforced by ``tests/test_search_sync.py`` (kill -9 during an ingest, then the ingest again: the
index equals a rebuild).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.search.index import ArticleText, SearchIndex
from newsgraph.store.base import Store

__all__ = ["Followed", "catch_up", "follow", "rebuild", "stored_texts"]

#: Articles bound per query when only some are read.
_CHUNK = 500


@dataclass(frozen=True)
class Followed:
    """What one catch-up did."""

    indexed: int
    removed: int
    compared: bool
    seconds: float


def follow(
    store: Store,
    store_path: Path,
    generation: str,
    *,
    since: str | None,
    touched: Collection[str] | None,
) -> Followed:
    """Bring the index to ``generation``, the snapshot just published by a unit of writes that
    started from ``since`` and replaced the graphs ``touched`` (None: not known)."""
    started = time.perf_counter()
    index = SearchIndex.of_store(store_path, create=True)
    held = index.generation()
    if touched is not None and held is not None and held == since:
        articles = sorted(touched)
        texts = list(stored_texts(store, articles))
        present = {text.iri for text in texts}
        gone = [iri for iri in articles if iri not in present]
        with index.writing(generation) as writing:
            writing.remove(gone)
            indexed = writing.put(texts)
        return Followed(indexed, len(gone), False, time.perf_counter() - started)
    return _compared(store, index, generation, started)


def catch_up(store: Store, store_path: Path, generation: str | None) -> Followed | None:
    """Compare and bring level an index that does not reflect ``generation`` (the store's
    newest snapshot); None when it does."""
    if generation is None:
        return None
    index = SearchIndex.of_store(store_path, create=True)
    if index.generation() == generation:
        return None
    return _compared(store, index, generation, time.perf_counter())


def rebuild(store: Store, store_path: Path, generation: str | None) -> Followed:
    """Index every article of the store afresh."""
    started = time.perf_counter()
    index = SearchIndex.of_store(store_path, create=True)
    with index.writing(generation) as writing:
        writing.clear()
        indexed = writing.put(stored_texts(store, None))
    return Followed(indexed, 0, True, time.perf_counter() - started)


def _compared(store: Store, index: SearchIndex, generation: str, started: float) -> Followed:
    stored = {
        article.value: digest.value
        for article, digest in store.select_values(
            queries.load("article-hashes"), ("article", "hash")
        )
        if isinstance(article, ox.NamedNode) and isinstance(digest, ox.Literal)
    }
    held = index.manifest()
    changed = [iri for iri, digest in stored.items() if held.get(iri) != digest]
    gone = [iri for iri in held if iri not in stored]
    if len(changed) * 4 > len(stored):  # most of the store: one scan is cheaper than lookups
        wanted = set(changed)
        texts: Iterator[ArticleText] = (t for t in stored_texts(store, None) if t.iri in wanted)
    else:
        texts = stored_texts(store, sorted(changed))
    with index.writing(generation) as writing:
        writing.remove(gone)
        indexed = writing.put(texts)
    return Followed(indexed, len(gone), True, time.perf_counter() - started)


_COLUMNS = ("article", "hash", "slug", "headline", "description", "body", "lang", "published")


def stored_texts(store: Store, articles: Collection[str] | None) -> Iterator[ArticleText]:
    """What the index holds of the ``articles`` the store has (None: of every article)."""
    if articles is None:
        chunks: Iterator[list[str] | None] = iter([None])
    else:
        ordered = iter(articles)
        chunks = iter(lambda: list(itertools.islice(ordered, _CHUNK)), [])
    for chunk in chunks:
        if chunk is not None:
            if not chunk:
                continue
            query = queries.bind(
                "search-article-texts", {"article": [ox.NamedNode(iri) for iri in chunk]}
            )
        else:
            query = queries.load("search-article-texts")
        for row in store.select_values(query, _COLUMNS):
            yield _text(row)


def _text(row: tuple[object, ...]) -> ArticleText:
    article, digest, slug, headline, description, body, lang, published = (
        getattr(value, "value", None) for value in row
    )
    return ArticleText(
        iri=str(article),
        digest=str(digest or ""),
        slug=str(slug or ""),
        headline=str(headline or ""),
        summary=str(description or ""),
        body=str(body or ""),
        lang=str(lang) if lang else None,
        date=_date(published),
    )


def _date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
