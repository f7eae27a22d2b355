"""The N-Quads ingest writes: each article's graph, by a writer compiled from the mapping's table.

:mod:`graph.mapping` is the mapping, as a table of shapes. :class:`ArticleWriter` compiles each
shape once — per property, the term's written predicate and how the context says its values
are written (:meth:`graph.ingest.nquads.QuadWriter.value_writer`) — and writes an article's quads
straight from its :class:`graph.mapping.Article`, without building the JSON-LD node first. It
refuses (:class:`graph.ingest.nquads.Unsupported`) what :meth:`QuadWriter.graph` refuses, an IRI
N-Quads cannot hold; :meth:`ArticleWriter.nquads` then lets the JSON-LD processor write the
node :func:`graph.mapping.node` builds from the same table. ``tests/test_article_quads.py``
holds the writer to pyld's reading of that node, for any record.

>>> from graph.mapping import Article
>>> from graph.records import prepare
>>> prepared = prepare({"slug": "s", "title": "T", "published_at": "2026-01-02"}, "x:1")
>>> articles = ArticleWriter(QuadWriter())
>>> print(articles.write(Article(prepared, Minter("http://n.example/"))), end="")  # doctest: +ELLIPSIS
<http://n.example/article/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/NewsArticle> <http://n.example/article/s> .
<http://n.example/article/s> <http://schema.org/identifier> "s" <http://n.example/article/s> .
<http://n.example/article/s> <http://schema.org/headline> "T" <http://n.example/article/s> .
<http://n.example/article/s> <http://schema.org/datePublished> "2026-01-02T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> <http://n.example/article/s> .
<http://n.example/article/s> <https://w3id.org/newsgraph/ns#recordHash> "..." <http://n.example/article/s> .
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from newsgraph.ingest.nquads import RDF_TYPE, QuadWriter, Unsupported, by_processor
from newsgraph.mapping import NEWS_ARTICLE, Article, Part, Shape, article_graph, node
from newsgraph.vocab.namespaces import Minter

__all__ = ["ArticleWriter", "terms_nquads"]

#: A compiled shape: (node IRI, source, line tail, lines) → the node's written IRI; appends
#: the node's lines (those of the parts it nests first, each before the line linking it).
NodeWriter = Callable[[str, Any, str, list[str]], str]


class ArticleWriter:
    """Writes article graphs as N-Quads, with the terms of one quad writer's context."""

    def __init__(self, writer: QuadWriter) -> None:
        self.writer = writer
        self._compiled: dict[int, NodeWriter] = {}
        self._article = self._compile(NEWS_ARTICLE)

    def write(self, article: Article) -> str:
        """The N-Quads of the article's graph; :class:`Unsupported` where the quad writer
        would refuse the article's node."""
        lines: list[str] = []
        self._article(article.iri, article, f" {self.writer.iri(article.iri)} .\n", lines)
        return "".join(lines)

    def nquads(self, article: Article) -> str:
        """The N-Quads of the article's graph, by :meth:`write`, else by the JSON-LD processor."""
        try:
            return self.write(article)
        except Unsupported:
            return by_processor(article_graph(node(article.part)))

    def _compile(self, shape: Shape[Any]) -> NodeWriter:
        """The writer of a shape's nodes (made once per shape)."""
        writer = self.writer
        iri = writer.iri
        typed = f"{RDF_TYPE} {writer.type_iri(shape.type)}"
        steps = [
            (
                prop.read,
                prop.many,
                writer.predicate(prop.term) + " ",
                writer.value_writer(prop.term),
            )
            for prop in shape.props
        ]
        nested = self._part

        def write_node(subject: str, source: Any, tail: str, lines: list[str]) -> str:
            written = iri(subject)
            add = lines.append
            add(f"{written} {typed}{tail}")
            s = written + " "
            for read, many, head, value in steps:
                got = read(source)
                if many:
                    for item in got:
                        text = value(item) if type(item) is str else nested(item, tail, lines)
                        add(f"{s}{head}{text}{tail}")
                elif got is not None:
                    text = value(got) if type(got) is str else nested(got, tail, lines)
                    add(f"{s}{head}{text}{tail}")
            return written

        self._compiled[id(shape)] = write_node
        return write_node

    def _part(self, part: Part, tail: str, lines: list[str]) -> str:
        """Writes a nested node's lines; its written IRI."""
        write = self._compiled.get(id(part.shape)) or self._compile(part.shape)
        return write(part.iri, part.source, tail, lines)


@cache
def _terms_writer() -> QuadWriter:
    return QuadWriter()


def terms_nquads(iris: Minter, nodes: list[dict[str, Any]]) -> str:
    """N-Quads of topic and publisher nodes (:func:`graph.mapping.shared_nodes`) in the terms
    graph."""
    graph = {"@id": iris.terms_graph, "@graph": nodes}
    try:
        return _terms_writer().graph(graph)
    except Unsupported:
        return by_processor(graph)
