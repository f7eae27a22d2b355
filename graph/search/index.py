"""The full-text index: tantivy, in ``STORE/search/``, one document per article.

Each article is one document: its IRI, record digest, slug, headline, date and language, and
its headline, summary and body as one text in the field of its language
(:mod:`newsgraph.search.analysis`), stored too, for snippets. Ranking is tantivy's BM25. The date
is held as microseconds since 1970 (UTC), so that every date a record may give is indexed and
filtered exactly: tantivy's own date type holds 1677–2262 only, and an archive reaches further.

An index whose layout is not this module's (made by an earlier newsgraph, or by another tantivy
format), or that tantivy cannot read, is made afresh by the store's writer, which then indexes
every article again (the catch-up of :mod:`newsgraph.search.sync`); a reader is told so.

The index also holds one ``meta`` document naming the store snapshot it reflects
(:meth:`SearchIndex.generation`): written in the same tantivy commit as the articles, so that
the two never disagree. :mod:`newsgraph.search.sync` compares it with the store's newest
snapshot and catches up when they differ.

A commit is atomic (tantivy writes its segments, then swaps ``meta.json``): a process killed
while writing leaves the index as its last commit left it. One process writes at a time (the
store's writer); readers reload the newest commit before each search.

Enforced by ``tests/test_search_index.py``.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tantivy
from newsgraph.errors import StoreError
from newsgraph.search import analysis
from newsgraph.search.syntax import Item, Phrase, Prefix, Query
from newsgraph.search.texts import ArticleText

__all__ = ["DIRECTORY", "ArticleText", "Hit", "Hits", "SearchIndex", "rank_key"]

log = logging.getLogger(__name__)

DIRECTORY = "search"
#: The heap tantivy's writer may use (split between its threads).
_WRITER_HEAP = 128_000_000
#: Articles looked up by IRI in one query (:meth:`SearchIndex.digests`).
_LOOKUP_CHUNK = 1_000
_SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Hit:
    """One article found: its IRI and BM25 score, and what the index stored of it."""

    iri: str
    score: float
    slug: str
    headline: str
    date: datetime | None
    lang: str | None
    snippet: str


@dataclass(frozen=True)
class Hits:
    total: int
    hits: list[Hit]


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("kind", "iri", "digest", "slug", "lang", "field", "generation"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("headline", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("date", stored=True, indexed=True, fast=True)  # :func:`_micros`
    for field in analysis.FIELDS:
        builder.add_text_field(field, stored=True, tokenizer_name=field, index_option="position")
    return builder.build()


class SearchIndex:
    """The index at ``path`` (made when ``create``; else it must exist)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        self.schema = _schema()
        if create:
            path.mkdir(parents=True, exist_ok=True)
        elif not tantivy.Index.exists(str(path)):
            raise StoreError(f"no search index at {path}: `newsgraph search --rebuild` makes one")
        try:
            self._index = self._open()
        except StoreError:
            if self._of_this_layout():
                raise
            if not create:
                raise StoreError(
                    f"the search index at {path} was made by another version of newsgraph (or is "
                    "damaged): the next write to the store makes it afresh, or `newsgraph search "
                    "--rebuild`"
                ) from None
            log.warning(
                "the search index at %s was made by another version of newsgraph (or is "
                "damaged): it is made afresh, and every article indexed again",
                path,
            )
            shutil.rmtree(path)
            path.mkdir(parents=True)
            self._index = self._open()
        for field in analysis.FIELDS:
            self._index.register_tokenizer(field, analysis.analyzer(field))

    def _open(self) -> tantivy.Index:
        try:
            return tantivy.Index(self.schema, path=str(self.path), reuse=True)
        except (OSError, ValueError) as error:
            raise StoreError(f"cannot open the search index at {self.path}: {error}") from None

    def _of_this_layout(self) -> bool:
        """Whether the index at the path (if any) is laid out as this module lays it out (asked
        only when it will not open: the common opening reads it once)."""
        where = str(self.path)
        if not tantivy.Index.exists(where):
            return True
        try:
            return (
                tantivy.Index.is_compatible(where)
                and tantivy.Index.open(where).schema == self.schema
            )
        except ValueError:
            return False

    @classmethod
    def of_store(cls, store_path: Path, *, create: bool = False) -> SearchIndex:
        return cls(store_path / DIRECTORY, create=create)

    @staticmethod
    def exists(store_path: Path) -> bool:
        return tantivy.Index.exists(str(store_path / DIRECTORY))

    def ensure_current(self) -> None:
        """Bring the index level with its store where it may lag it: a remote store's index
        checks the server (:class:`newsgraph.search.remote.RemoteSearchIndex`); the embedded
        store's is kept level by its writer, so here nothing is done. Called before each
        search (:func:`newsgraph.search.finding.find`)."""

    def searcher(self) -> tantivy.Searcher:
        self._index.reload()
        return self._index.searcher()

    # -- what it reflects ----------------------------------------------------------------------

    def _filled_searcher(self) -> tantivy.Searcher:
        """A searcher, of an index that has committed (each commit names the snapshot it
        reflects): one made afresh and still being filled (the writer's catch-up after a
        remake) answers with an error, not with nothing found (``tests/test_search_index.py``)."""
        searcher = self.searcher()
        if self._generation_in(searcher) is None:
            raise StoreError(
                f"the search index at {self.path} is being made afresh: search again once the "
                "store's writer is done (`newsgraph search --rebuild` makes it if none is)"
            )
        return searcher

    def generation(self) -> str | None:
        """The store snapshot the index reflects (None: none yet, an empty index)."""
        return self._generation_in(self.searcher())

    def _generation_in(self, searcher: tantivy.Searcher) -> str | None:
        found = searcher.search(self._term("kind", "meta"), 1, count=False)
        for _, address in found.hits:
            return searcher.doc(address).get_first("generation")  # type: ignore[no-any-return]
        return None

    def manifest(self) -> dict[str, str]:
        """Every indexed article's IRI → its record digest."""
        searcher = self.searcher()
        return _digests_found(searcher, self._term("kind", "article"), max(1, searcher.num_docs))

    def digests(self, articles: Collection[str]) -> dict[str, str]:
        """The record digest of each of ``articles`` the index holds (the others are absent)."""
        found: dict[str, str] = {}
        wanted = list(articles)
        searcher = self.searcher()
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            query = tantivy.Query.term_set_query(self.schema, "iri", chunk)
            found.update(_digests_found(searcher, query, len(chunk)))
        return found

    # -- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self, generation: str | None) -> Iterator[IndexWriting]:
        """One commit: the caller puts and removes articles; on leaving, the index says it
        reflects ``generation``. An error inside commits nothing."""
        writing = self.open_writing()
        try:
            yield writing
            writing.commit(generation)
        except BaseException:
            writing.rollback()
            raise

    def open_writing(self) -> IndexWriting:
        """The writes of one commit, to end by :meth:`IndexWriting.commit` or
        :meth:`IndexWriting.rollback` (nothing is seen before the commit).

        The files that no commit names are removed first: a writer killed inside its commit
        (``kill -9``) leaves files that the next commit, counting its operations from the same
        last commit, would name alike and fail to create (``tests/test_search_sync.py``)."""
        try:
            held = self.searcher().num_docs > 0
            writer = self._index.writer(_WRITER_HEAP, 2)
            _sweep(writer)
            return IndexWriting(writer, held=held)
        except ValueError as error:
            raise StoreError(f"search index {self.path}: {error}") from None

    # -- reading -------------------------------------------------------------------------------

    def _term(self, field: str, value: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def compile(
        self,
        query: Query,
        *,
        lang: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tantivy.Query:
        """The tantivy query for a parsed search: in each language's field, analysed by its
        analyzer; ``lang`` keeps one language; ``since``/``until`` bound ``datePublished``
        (inclusive)."""
        fields = [analysis.field_for(lang)] if lang else list(analysis.FIELDS)
        options = []
        for field in fields:
            clauses = [
                (
                    tantivy.Occur.Must,
                    tantivy.Query.const_score_query(self._term("field", field), 0.0),
                )
            ]
            impossible = False
            for clause in query.clauses:
                compiled = [(item, self._item(item, field)) for item in clause]
                if clause[0].negated:
                    clauses += [(tantivy.Occur.MustNot, q) for _, q in compiled if q is not None]
                    continue
                parts = [q for _, q in compiled if q is not None]
                if len(parts) < len(compiled):
                    continue  # an item of stop words only: it constrains nothing
                if not parts:
                    impossible = True
                clauses.append(
                    (tantivy.Occur.Must, parts[0] if len(parts) == 1 else
                     tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in parts]))
                )  # fmt: skip
            if not impossible:
                options.append((tantivy.Occur.Should, tantivy.Query.boolean_query(clauses)))
        filters = []
        if lang:
            filters.append((tantivy.Occur.Must, self._lang_filter(lang)))
        if since is not None or until is not None:
            filters.append(
                (tantivy.Occur.Must, tantivy.Query.const_score_query(tantivy.Query.range_query(
                    self.schema, "date", tantivy.FieldType.Integer,
                    _micros(since) if since is not None else None,
                    _micros(until) if until is not None else None), 0.0))
            )  # fmt: skip
        matched = tantivy.Query.boolean_query(options) if options else tantivy.Query.empty_query()
        if not filters:
            return matched
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, matched), *filters])

    def _lang_filter(self, lang: str) -> tantivy.Query:
        """Articles whose ``inLanguage`` is ``lang`` or a more specific tag of it."""
        return tantivy.Query.const_score_query(
            tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, self._term("lang", lang)),
                    (tantivy.Occur.Should, tantivy.Query.regex_query(
                        self.schema, "lang", re.escape(lang) + "-.*")),
                ]
            ),
            0.0,
        )  # fmt: skip

    def _item(self, item: Item, field: str) -> tantivy.Query | None:
        """One word, phrase or prefix in one field; None when analysis leaves no term (a stop
        word)."""
        atom = item.atom
        analyzer = analysis.analyzer(field)
        if isinstance(atom, Prefix):
            pattern = re.escape(atom.text.lower()) + ".*"
            return tantivy.Query.regex_query(self.schema, field, pattern)
        words = atom.words if isinstance(atom, Phrase) else (atom.text,)
        terms: list[str | tuple[int, str]] = []
        for position, word in enumerate(words):
            terms += [(position, term) for term in analyzer.analyze(word)]
        if not terms:
            return None
        if len(terms) == 1:
            return self._term(field, terms[0][1])
        return tantivy.Query.phrase_query(self.schema, field, terms)

    def search(self, query: tantivy.Query, *, limit: int, offset: int = 0) -> Hits:
        """The articles ``query`` finds in rank order (:func:`rank_key`: best first, equal
        scores by IRI, as ``ORDER BY DESC(?score) ?article``): ``limit`` of them (0: all) from
        ``offset``, with their stored fields and a snippet (HTML: the text escaped, matched
        words in ``<b>``)."""
        searcher = self._filled_searcher()
        if offset >= searcher.num_docs:  # past the end (tantivy cannot even allocate for it)
            counted = searcher.search(query, 1, count=True)
            return Hits(getattr(counted, "count", None) or 0, [])
        end = min(offset + limit if limit else searcher.num_docs, searcher.num_docs)
        total, page = _ranked_page(searcher, query, offset, end)
        generators: dict[str, tantivy.SnippetGenerator] = {}
        hits = []
        for score, document in page:
            field = _stored(document, "field")
            generator = generators.get(field)
            if generator is None:
                generator = tantivy.SnippetGenerator.create(searcher, query, self.schema, field)
                generator.set_max_num_chars(_SNIPPET_CHARS)
                generators[field] = generator
            hits.append(
                Hit(
                    iri=_stored(document, "iri"),
                    score=score,
                    slug=_stored(document, "slug"),
                    headline=_stored(document, "headline"),
                    date=_moment(document.get_first("date")),
                    lang=_stored(document, "lang") or None,
                    snippet=generator.snippet_from_doc(document).to_html(),
                )
            )
        return Hits(total, hits)

    def scores(self, query: tantivy.Query) -> list[tuple[str, float]]:
        """Every article ``query`` finds in rank order (:func:`rank_key`), with its score (no
        snippets)."""
        searcher = self._filled_searcher()
        found = searcher.search(query, max(1, searcher.num_docs), count=False)
        scored = [
            (_stored(searcher.doc(address), "iri"), float(score)) for score, address in found.hits
        ]
        return sorted(scored, key=lambda pair: rank_key(pair[1], pair[0]))


def rank_key(score: float, iri: str) -> tuple[float, str]:
    """The one rank order of search answers: higher scores first, equal scores by IRI — what
    ``ORDER BY DESC(?score) ?article`` gives in SPARQL, so that ``/api/search``, ``newsgraph
    search`` and ``ng:matches`` list ties alike (``tests/test_search_page.py``).

    >>> sorted([(1.0, "b"), (2.0, "c"), (1.0, "a")], key=lambda hit: rank_key(*hit))
    [(2.0, 'c'), (1.0, 'a'), (1.0, 'b')]
    """
    return (-score, iri)


def _ranked_page(
    searcher: tantivy.Searcher, query: tantivy.Query, offset: int, end: int
) -> tuple[int, list[tuple[float, tantivy.Document]]]:
    """How many articles ``query`` finds, and those ranked ``offset`` to ``end`` (exclusive) by
    :func:`rank_key` with their stored documents. tantivy breaks ties by its own document
    order, so the hits are read on past ``end`` while the score stays that of the last one,
    and only the runs of equal scores the page touches are read and ordered by IRI."""
    size = end
    found = searcher.search(query, size, count=True)
    total = getattr(found, "count", None) or 0
    hits = [(float(score), address) for score, address in found.hits]
    while len(hits) == size and size < total:  # the last score may go on past the page
        size = min(2 * size, total)
        more = searcher.search(query, size, count=False)
        hits = [(float(score), address) for score, address in more.hits]
        if hits[end - 1][0] != hits[-1][0]:
            break
    if offset >= len(hits):
        return total, []
    first = offset
    while first > 0 and hits[first - 1][0] == hits[offset][0]:
        first -= 1
    last = min(end, len(hits))
    while last < len(hits) and hits[last][0] == hits[last - 1][0]:
        last += 1
    touched = [(score, searcher.doc(address)) for score, address in hits[first:last]]
    touched.sort(key=lambda hit: rank_key(hit[0], _stored(hit[1], "iri")))
    return total, touched[offset - first : end - first]


class IndexWriting:
    """The writes of one commit (:meth:`SearchIndex.writing`)."""

    def __init__(self, writer: tantivy.IndexWriter, *, held: bool = True) -> None:
        self._writer = writer
        #: Whether the index held any document when these writes began: if not, an article
        #: not put before in them has nothing to replace, and a first load skips a delete per
        #: article (30,000 puts: 0.70 s → 0.60 s; ``tests/test_search_sync.py``).
        self._held = held
        self._put: set[str] = set()

    def put(self, articles: Iterable[ArticleText]) -> int:
        """Index each article, replacing what the index held of it; how many."""
        count = 0
        for article in articles:
            if self._held or article.iri in self._put:
                self._writer.delete_documents_by_term("iri", article.iri)
            else:
                self._put.add(article.iri)
            field = analysis.field_for(article.lang)
            document = tantivy.Document(
                kind="article",
                iri=article.iri,
                digest=article.digest,
                slug=article.slug,
                headline=article.headline,
                lang=article.lang or "",
                field=field,
            )
            if article.date is not None:
                document.add_integer("date", _micros(article.date))
            document.add_text(field, article.text)
            self._writer.add_document(document)
            count += 1
        return count

    def remove(self, iris: Iterable[str]) -> None:
        for iri in iris:
            self._writer.delete_documents_by_term("iri", iri)

    def clear(self) -> None:
        self._writer.delete_all_documents()

    def commit(self, generation: str | None) -> None:
        """Make the writes seen, with the index saying it reflects ``generation``."""
        self._writer.delete_documents_by_term("kind", "meta")
        self._writer.add_document(tantivy.Document(kind="meta", generation=generation or ""))
        self._writer.commit()
        self._writer.wait_merging_threads()

    def rollback(self) -> None:
        """Drop the writes (the index stays as its last commit left it)."""
        with contextlib.suppress(ValueError):
            self._writer.rollback()


def _sweep(writer: tantivy.IndexWriter) -> None:
    """Remove the index's files that its last commit does not name (a killed writer's)."""
    writer.garbage_collect_files()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(moment: datetime) -> int:
    """A moment as the index holds it: microseconds since 1970 in UTC (a moment without a zone
    is in UTC), for any year a ``datetime`` holds.

    >>> _micros(datetime(1666, 9, 2, tzinfo=UTC)), _moment(_micros(datetime(2400, 1, 1)))
    (-9572169600000000, datetime.datetime(2400, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def _moment(value: object) -> datetime | None:
    return _EPOCH + int(value) * _MICROSECOND if isinstance(value, int) else None


def _digests_found(searcher: tantivy.Searcher, query: tantivy.Query, limit: int) -> dict[str, str]:
    """IRI → record digest of the (at most ``limit``) articles ``query`` finds."""
    found = {}
    for _, address in searcher.search(query, limit, count=False).hits:
        document = searcher.doc(address)
        found[_stored(document, "iri")] = _stored(document, "digest")
    return found


def _stored(document: tantivy.Document, field: str) -> str:
    value = document.get_first(field)
    return str(value) if value is not None else ""
