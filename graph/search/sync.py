"""Keeping the index in step with the store: in the same unit of writes, and after a crash.

The store's writer calls :func:`follow` at the end of every unit of writes that wrote, once the
unit's snapshot is published and before its journal is deleted
(:meth:`newsgraph.store.EmbeddedStore.transaction`). The index then commits the articles that
changed, with the name of that snapshot (:meth:`SearchIndex.generation`), in one tantivy commit.

An ingest hands the unit the texts of the articles it writes, made from its own records
(:meth:`newsgraph.store.base.Store.wrote_texts`): a :class:`Feed` indexes them as they come, in
tantivy's threads beside the ingest, uncommitted, and the index need not read them back from
the store. At the end of the unit each is checked against the digest the store holds (one
query for the digests, no texts): a text whose article was since removed or changed by another
write of the unit is dropped or read from the store.

What changed is known when the unit says which graphs it replaced (an ingest's batches) and the
index reflected the snapshot the unit started from, or an earlier one from which the store's
notes say what changed (:meth:`~newsgraph.store.base.Store.changed_between`: a compaction
changed nothing, so the first writer after one compares no digest). Then only those articles
are checked: the store's digest of each against the fed text's or, for an article the unit
wrote without feeding its text (its links rewritten by linking), against the digest the index
holds — an unchanged text is not read again. Otherwise (a SPARQL update, a bulk load, an index
that lags) the index compares its articles' digests with the store's (``article-hashes``) and
re-indexes those that differ — so the index always ends equal to a rebuild from the store.

A process killed anywhere in between leaves either an index that reflects the snapshot before
(nothing of the unit was committed: tantivy's commit is atomic) or the unit's own. Opening the
store for writing catches up (:func:`catch_up`): after a crash the store is back at its newest
snapshot, and an index that names another is compared and brought level.

The same functions keep a remote store's index (:mod:`.remote`): they speak to the store only
through the :class:`~newsgraph.store.base.Store` interface, and ``store_path`` is then the local
directory that holds the index. A remote server caps its answers (Virtuoso: 10,000 rows by
default, 1,048,576 whatever it is set to), so there every article's digest is read through
``Store.every_value`` (in shares of the articles' hash buckets where one answer would be cut,
never a sorted page), and texts by chunks of articles.

Enforced by ``tests/test_search_sync.py`` (kill -9 during an ingest, then the ingest again: the
index equals a rebuild; an index fed by ingest equals a rebuild, text for text, and read no
text back, nor those of older articles whose links alone changed; after a compaction no digest
compared) and ``tests/test_remote_search.py`` (the same on remote stores).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.search.index import IndexWriting, SearchIndex
from newsgraph.search.texts import ArticleText
from newsgraph.store.article_fields import news_article_fields
from newsgraph.store.base import Store

__all__ = ["Feed", "Followed", "catch_up", "follow", "rebuild", "stored_texts"]

#: Articles bound per query when only some are read.
_CHUNK = 500


@dataclass(frozen=True)
class Followed:
    """What one catch-up did: articles indexed and removed, whether every digest was compared,
    the seconds, and how many texts were read back from the store (the others came from the
    unit's :class:`Feed`)."""

    indexed: int
    removed: int
    compared: bool
    seconds: float
    read: int = 0


class Feed:
    """The texts one unit of writes wrote, indexed as they come and committed, checked, at its
    end (:func:`follow`), or dropped (:meth:`abort`)."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        #: Each article fed → the digest of its text (the last fed, when fed twice).
        self.digests: dict[str, str] = {}
        self.seconds = 0.0
        self._writing: IndexWriting | None = None

    def add(self, texts: Iterable[ArticleText]) -> None:
        started = time.perf_counter()
        if self._writing is None:
            index = SearchIndex.of_store(self.store_path, create=True)
            self._writing = index.open_writing()
        texts = list(texts)
        self._writing.put(texts)
        self.digests.update((text.iri, text.digest) for text in texts)
        self.seconds += time.perf_counter() - started

    def take(self) -> IndexWriting | None:
        """The writes fed so far (the caller commits them); the feed is empty after."""
        writing, self._writing = self._writing, None
        return writing

    def abort(self) -> None:
        """Drop what was fed: the unit was undone."""
        writing = self.take()
        self.digests = {}
        if writing is not None:
            writing.rollback()


def follow(
    store: Store,
    store_path: Path,
    generation: str,
    *,
    since: str | None,
    touched: Collection[str] | None,
    feed: Feed | None = None,
    fed_all: bool = False,
) -> Followed:
    """Bring the index to ``generation``, the snapshot just published by a unit of writes that
    started from ``since`` and replaced the graphs ``touched`` (None: not known), with the texts
    ``feed`` took from the unit. ``fed_all``: the store's articles are the fed ones (a first
    load, :func:`graph.search.remote._fed_all`), so an index that held nothing needs no digest
    read back (a million articles: a scan of the store per page of the answer)."""
    started = time.perf_counter() - (feed.seconds if feed else 0.0)
    index = SearchIndex.of_store(store_path, create=True)
    writing = feed.take() if feed else None
    fed = feed.digests if feed else {}
    try:
        held = index.generation()
        if fed_all and held is None and writing is not None:
            return _level(store, index, writing, generation, dict(fed), {}, fed,
                          compared=False, started=started)  # fmt: skip
        lag = store.changed_between(held, since)
        if touched is not None and lag is not None:
            touched = set(touched) | lag.articles
            stored = _digests(store, sorted(touched)) if touched else {}
            # what the index holds of them: an article whose links alone changed (linking
            # rewrites them in older articles) keeps its text, and is not read again
            held_of = index.digests(sorted(iri for iri in touched if iri not in fed))
            return _level(store, index, writing, generation, stored, held_of, fed,
                          compared=False, started=started)  # fmt: skip
        stored = _digests(store, None)
        return _level(store, index, writing, generation, stored, index.manifest(), fed,
                      compared=True, started=started)  # fmt: skip
    except BaseException:
        if writing is not None:
            writing.rollback()
        raise


def catch_up(store: Store, store_path: Path, generation: str | None) -> Followed | None:
    """Compare and bring level an index that does not reflect ``generation`` (the store's
    newest snapshot); None when it does."""
    if generation is None:
        return None
    index = SearchIndex.of_store(store_path, create=True)
    if index.generation() == generation:
        return None
    # as if an empty unit had published ``generation``: what the units since the index's
    # generation changed is compared, all of it where that is not known
    return follow(store, store_path, generation, since=generation, touched=())


def rebuild(store: Store, store_path: Path, generation: str | None) -> Followed:
    """Index every article of the store afresh."""
    started = time.perf_counter()
    index = SearchIndex.of_store(store_path, create=True)
    with index.writing(generation) as writing:
        writing.clear()
        indexed = writing.put(stored_texts(store, None))
    return Followed(indexed, 0, True, time.perf_counter() - started, indexed)


def _level(
    store: Store,
    index: SearchIndex,
    writing: IndexWriting | None,
    generation: str,
    stored: dict[str, str],
    held: dict[str, str],
    fed: dict[str, str],
    *,
    compared: bool,
    started: float,
) -> Followed:
    """Commit ``writing`` (the fed texts, or nothing) with what else makes the index hold
    each article of ``stored`` (IRI → the digest the store holds) and nothing of ``held`` (the
    index's articles, as far as they may differ) that the store no longer has. ``compared``:
    both are every article's (else only those the unit may have changed)."""
    changed = [
        iri
        for iri, digest in stored.items()
        if (fed[iri] != digest if iri in fed else held.get(iri) != digest)
    ]
    gone = [iri for iri in itertools.chain(held, fed) if iri not in stored]
    if writing is None and not changed and not gone and (index.generation() or "") == generation:
        return Followed(0, 0, compared, time.perf_counter() - started)  # nothing to commit
    if (
        compared and len(changed) * 4 > len(stored) and not store.remote
    ):  # most of the store (``stored`` is all of it): one scan is cheaper than lookups
        wanted = set(changed)
        texts: Iterator[ArticleText] = (t for t in stored_texts(store, None) if t.iri in wanted)
    else:
        texts = stored_texts(store, sorted(changed))
    if writing is None:
        writing = index.open_writing()
    try:
        writing.remove(gone)
        read = writing.put(texts)
        writing.commit(generation)
    except BaseException:
        writing.rollback()
        raise
    indexed = read + sum(1 for iri, digest in fed.items() if stored.get(iri) == digest)
    return Followed(indexed, len(set(gone)), compared, time.perf_counter() - started, read)


def _digests(store: Store, articles: list[str] | None) -> dict[str, str]:
    """The record digest the store holds of each of ``articles`` (None: of every article).

    Of many articles the embedded store reads every digest in one scan; a remote store looks
    the articles up a chunk at a time all the same, since reading its every digest scans the
    store once per share of the answer (:func:`_every_digest`)."""
    if articles is None:
        return dict(_every_digest(store))
    if len(articles) > _SCAN and not store.remote:
        wanted = set(articles)
        return {article: digest for article, digest in _every_digest(store) if article in wanted}
    found = {}
    for chunk in _chunks(articles):
        query = queries.bind("article-hashes", {"article": [ox.NamedNode(iri) for iri in chunk]})
        for article, digest in store.select_values(query, ("article", "hash")):
            if isinstance(article, ox.NamedNode) and isinstance(digest, ox.Literal):
                found[article.value] = digest.value
    return found


def _every_digest(store: Store) -> Iterator[tuple[str, str]]:
    """Every article's IRI and digest, however many (``Store.every_value``: a remote server's
    answers are capped, and a sorted page past its sort limit refused)."""
    every = store.every_value("article-hashes", {}, ("article", "hash"), "article-hash-count")
    for article, digest in every:
        if isinstance(article, ox.NamedNode) and isinstance(digest, ox.Literal):
            yield article.value, digest.value


def _chunks(articles: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(articles), _CHUNK):
        yield articles[start : start + _CHUNK]


#: Articles from which their digests are read by one scan of every digest, not by lookups.
_SCAN = 20_000


_COLUMNS = ("article", "hash", "slug", "headline", "description", "body", "lang", "published")


def stored_texts(store: Store, articles: Collection[str] | None) -> Iterator[ArticleText]:
    """What the index holds of the ``articles`` the store has (None: of every article): every
    article by one scan, one row each (``search-article-texts``); some by
    :func:`~graph.store.article_fields.news_article_fields` — as on a remote store every
    article, whose server caps its answers."""
    if articles is None and store.remote:  # one answer would pass the server's row limit
        articles = [article for article, _ in _every_digest(store)]
    if articles is None:
        for row in store.select_values(queries.load("search-article-texts"), _COLUMNS):
            yield _text(row)
        return
    for iri, values in news_article_fields(store, articles, _FIELDS, _CHUNK):
        if _FIELDS[0] in values:  # a news article with a digest
            yield _text((ox.NamedNode(iri), *(values.get(field) for field in _FIELDS)))


#: The statement behind each column of ``search-article-texts`` but the article.
_FIELDS = (
    "https://w3id.org/newsgraph/ns#recordHash",
    "http://schema.org/identifier",
    "http://schema.org/headline",
    "http://schema.org/description",
    "http://schema.org/articleBody",
    "http://schema.org/inLanguage",
    "http://schema.org/datePublished",
)


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
