"""A record's article graph as N-Quads, written straight from the record (ingest's hot path).

:func:`graph.mapping.article_node` is the mapping; :class:`graph.nquads.QuadWriter` writes any
node of its shape. Ingest needs only the quads of each new article, so :class:`ArticleWriter`
writes them without building the node first: the same lines in the same order as
``QuadWriter.graph(article_graph(article_node(record, iris, digest=…, body_text=…)))``, at a
third of the cost. Where that writer would raise :class:`graph.nquads.Unsupported`, so does this
one (callers then take the general road). ``tests/test_article_quads.py`` holds the two to the
same bytes for any record; a change to the mapping is made in both.

>>> from graph.nquads import QuadWriter
>>> from graph.records import validate
>>> record = validate({"slug": "s", "title": "T", "published_at": "2026-01-02"}, "x:1")
>>> articles = ArticleWriter(Minter("http://n.example/"), QuadWriter())
>>> print(articles.write(record, digest="d", body_text=""), end="")
<http://n.example/article/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/NewsArticle> <http://n.example/article/s> .
<http://n.example/article/s> <http://schema.org/identifier> "s" <http://n.example/article/s> .
<http://n.example/article/s> <http://schema.org/headline> "T" <http://n.example/article/s> .
<http://n.example/article/s> <http://schema.org/datePublished> "2026-01-02T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> <http://n.example/article/s> .
<http://n.example/article/s> <https://w3id.org/newsgraph/ns#recordHash> "d" <http://n.example/article/s> .
"""

from __future__ import annotations

from datetime import datetime

from graph import markdown
from graph.mapping import encoding_format, publisher_host, xsd_datetime
from graph.nquads import RDF_TYPE, QuadWriter, Unsupported, string_literal
from graph.records import Record
from vocab.namespaces import Minter

__all__ = ["ArticleWriter"]

_TERMS = (
    "identifier", "headline", "datePublished", "dateModified", "description", "articleBody",
    "citation", "encoding", "encodingFormat", "text", "contentUrl", "url", "mainEntityOfPage",
    "publisher", "isBasedOn", "inLanguage", "about", "keywords", "image", "name", "entityName",
    "recordHash", "author",
)  # fmt: skip
_TYPES = ("NewsArticle", "MediaObject", "Person")


class ArticleWriter:
    """Writes the article graphs of records, for one dataset (``iris``) and quad writer."""

    def __init__(self, iris: Minter, writer: QuadWriter) -> None:
        self.iris = iris
        self.writer = writer
        #: Each term's predicate, followed by the space before its object.
        self._p = {term: writer.predicate(term) + " " for term in _TERMS}
        self._a = {name: f"{RDF_TYPE} {writer.type_iri(name)}" for name in _TYPES}
        #: Topic and publisher IRIs as written, by topic and host (they repeat across records).
        self._topics: dict[str, str] = {}
        self._publishers: dict[str, str] = {}
        #: Whether the IRIs minted from a slug need no check: a slug holds only unreserved
        #: characters, so such an IRI is valid exactly when one minted from any slug is.
        self._trusted = _is_iri(writer, iris.article_part("s", "author-1"))

    def write(self, record: Record, digest: str, body_text: str, article: str | None = None) -> str:
        """The N-Quads of the record's article graph (``body_text``: its body as plain text;
        ``article``: its IRI, when the caller has it already)."""
        iris, iri, p = self.iris, self.writer.iri, self._p
        slug = record.slug
        minted = self._minted
        s = minted(article or iris.article(slug))
        t = f" {s} .\n"  # every quad is in the article's graph
        s += " "
        lines = [
            f"{s}{self._a['NewsArticle']}{t}",
            f"{s}{p['identifier']}{string_literal(slug)}{t}",
            f"{s}{p['headline']}{string_literal(record.title)}{t}",
            f"{s}{p['datePublished']}{self._date('datePublished', record.published_at)}{t}",
        ]
        add = lines.append
        if record.updated_at:
            add(f"{s}{p['dateModified']}{self._date('dateModified', record.updated_at)}{t}")
        if record.summary:
            add(f"{s}{p['description']}{string_literal(record.summary)}{t}")
        parts: list[str] = []  # the encoding nodes' lines, each followed by its link
        if record.body_md:
            add(f"{s}{p['articleBody']}{string_literal(body_text)}{t}")
            part = minted(iris.article_part(slug, "markdown"))
            parts += (
                f"{part} {self._a['MediaObject']}{t}",
                f'{part} {p["encodingFormat"]}"text/markdown"{t}',
                f"{part} {p['text']}{string_literal(record.body_md)}{t}",
                f"{s}{p['encoding']}{part}{t}",
            )
            for url in markdown.links(record.body_md):
                add(f"{s}{p['citation']}{iri(url)}{t}")
        for key, url in sorted(record.alternates.items()):
            part = iri(iris.article_part(slug, f"alternate-{key}"))
            parts += (
                f"{part} {self._a['MediaObject']}{t}",
                f"{part} {p['contentUrl']}{iri(url)}{t}",
                f"{part} {p['encodingFormat']}{string_literal(encoding_format(key))}{t}",
                f"{s}{p['encoding']}{part}{t}",
            )
        lines += parts
        if record.url:
            url = iri(record.url)
            add(f"{s}{p['url']}{url}{t}")
            add(f"{s}{p['mainEntityOfPage']}{url}{t}")
        host = publisher_host(record)
        if host:
            publisher = self._publishers.get(host) or self._remember(
                self._publishers, host, iri(iris.publisher(host))
            )
            add(f"{s}{p['publisher']}{publisher}{t}")
        if record.canonical_source:
            add(f"{s}{p['isBasedOn']}{iri(record.canonical_source)}{t}")
        if record.lang:
            add(f"{s}{p['inLanguage']}{string_literal(record.lang)}{t}")
        if record.topics:
            topics = self._topics
            for topic in record.topics:
                written = topics.get(topic) or self._remember(topics, topic, iri(iris.topic(topic)))
                add(f"{s}{p['about']}{written}{t}")
            lines += [f"{s}{p['keywords']}{string_literal(topic)}{t}" for topic in record.topics]
        for image in record.image:
            add(f"{s}{p['image']}{iri(image)}{t}")
        for index, author in enumerate(record.author, start=1):
            person = minted(iris.article_part(slug, f"author-{index}"))
            add(f"{person} {self._a['Person']}{t}")
            add(f"{person} {p['name']}{string_literal(author.name)}{t}")
            if author.url:
                add(f"{person} {p['url']}{iri(author.url)}{t}")
            add(f"{s}{p['author']}{person}{t}")
        for name in record.entities:
            add(f"{s}{p['entityName']}{string_literal(name)}{t}")
        add(f"{s}{p['recordHash']}{string_literal(digest)}{t}")
        return "".join(lines)

    def _minted(self, value: str) -> str:
        """An IRI minted from the record's slug alone, as N-Quads writes it."""
        return f"<{value}>" if self._trusted else self.writer.iri(value)

    @staticmethod
    def _remember(known: dict[str, str], key: str, written: str) -> str:
        if len(known) < 50_000:  # memory stays bounded whatever the input
            known[key] = written
        return written

    def _date(self, term: str, value: datetime) -> str:
        return self.writer.typed_literal(term, xsd_datetime(value))


def _is_iri(writer: QuadWriter, value: str) -> bool:
    try:
        return writer.iri(value) == f"<{value}>"
    except Unsupported:
        return False
