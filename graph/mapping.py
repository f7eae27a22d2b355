"""Record → schema.org JSON-LD: the pinned mapping, as one table.

| record           | schema.org                                                            |
|------------------|-----------------------------------------------------------------------|
| title            | headline                                                              |
| summary          | description                                                           |
| body_md          | articleBody (plain text) + encoding → MediaObject (text/markdown)     |
| slug             | identifier; the article IRI is ``{base}article/{slug}``               |
| url              | url and mainEntityOfPage                                              |
| canonical_source | isBasedOn                                                             |
| published_at     | datePublished (xsd:dateTime, with a zone)                             |
| updated_at       | dateModified (xsd:dateTime, with a zone)                              |
| lang             | inLanguage                                                            |
| topics           | about → DefinedTerm, and keywords                                     |
| entities         | mentions → one entity node per entity (described in the entities graph) |
| links in body_md | citation                                                              |
| alternates       | encoding → MediaObject with contentUrl and encodingFormat             |
| host of url      | publisher → Organization                                              |
| image, author    | image; author → Person with name (and url)                            |

An article's own graph holds only what belongs to the article. Shared nodes — entities, topics,
publishers — are described once, in their own graphs, so that the union default graph counts
each fact once. ``ng:entityName`` keeps the names exactly as the record gave them (linking reads
them back) and ``ng:recordHash`` identifies the record's version.

The table is data: each :class:`Shape` (:data:`NEWS_ARTICLE` and the nodes it nests,
:data:`DEFINED_TERM` and :data:`ORGANIZATION` for the terms graph) names its type and, in order,
its properties, each a term of ``vocab/context.jsonld`` with the function that reads its value
from the node's source. Both writers of the mapping are made from it, and from nothing else:
:func:`node` builds the JSON-LD node (:func:`article_node`, :func:`document`, the JSON-LD
processor's road), and :class:`graph.ingest.article_quads.ArticleWriter` compiles it into ingest's
N-Quads writer. ``tests/test_mapping.py`` holds the table to graphs written out by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar
from urllib.parse import urlsplit

from newsgraph import markdown
from newsgraph.records import Author, Prepared, Record
from newsgraph.vocab.namespaces import CONTEXT_IRI, Minter

__all__ = [
    "DEFINED_TERM",
    "NEWS_ARTICLE",
    "ORGANIZATION",
    "Article",
    "Part",
    "Prop",
    "Shape",
    "article_graph",
    "article_node",
    "document",
    "node",
    "shared_nodes",
    "xsd_datetime",
]

ALTERNATE_FORMATS: dict[str, str] = {
    "html": "text/html",
    "amp": "text/html",
    "markdown": "text/markdown",
    "md": "text/markdown",
    "text": "text/plain",
    "txt": "text/plain",
    "jsonld": "application/ld+json",
    "json": "application/json",
    "xml": "application/xml",
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "pdf": "application/pdf",
}


def xsd_datetime(value: datetime) -> str:
    """The canonical xsd:dateTime lexical form, always with a zone.

    >>> from datetime import datetime, timezone, timedelta
    >>> xsd_datetime(datetime(2026, 6, 27, 13, 37, 33, 895782, tzinfo=timezone.utc))
    '2026-06-27T13:37:33.895782Z'
    >>> xsd_datetime(datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=timezone(timedelta(hours=2))))
    '1987-02-26T15:01:01.79+02:00'
    >>> xsd_datetime(datetime(987, 3, 1, tzinfo=timezone.utc))  # a year has four digits at least
    '0987-03-01T00:00:00Z'
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    offset = value.utcoffset()
    assert offset is not None
    if not offset and value.year >= 1000:
        # The common case, from isoformat (four times faster): it ends in "+00:00", and writes
        # six digits of fraction where there are microseconds.
        text = value.isoformat()[:-6]
        return (text.rstrip("0") if value.microsecond else text) + "Z"
    # not strftime: it pads years below 1000 (or not) as the platform does
    text = f"{value.year:04d}-" + value.strftime("%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def encoding_format(key: str) -> str:
    return ALTERNATE_FORMATS.get(key.lower(), key)


def publisher_host(record: Record) -> str | None:
    if not record.url:
        return None
    host = urlsplit(record.url).hostname
    return host.lower() if host else None


# -- the table's vocabulary ----------------------------------------------------------------------

S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class Prop(Generic[S]):
    """One property of a shape: a term of the context and how its value is read from a source.

    ``read`` gives one value, or None when the node has no such property; a property of
    ``many`` values gives a sequence (written as a JSON array; empty: no property). A value is a
    string (the term's definition in the context says whether it is an IRI, a typed literal or
    a plain string) or a :class:`Part`.
    """

    term: str
    read: Callable[[S], Any]
    many: bool = False


def one(term: str, read: Callable[[S], Any]) -> Prop[S]:
    return Prop(term, read)


def many(term: str, read: Callable[[S], Sequence[Any]]) -> Prop[S]:
    return Prop(term, read, many=True)


@dataclass(frozen=True, slots=True)
class Shape(Generic[S]):
    """A kind of node: its ``@type`` and its properties, in the order they are written."""

    type: str
    props: tuple[Prop[S], ...]


class Part(NamedTuple):
    """A node: its IRI, its shape, and the source its properties are read from."""

    iri: str
    shape: Shape[Any]
    source: Any


class Alternate(NamedTuple):
    key: str
    url: str


class Topic(NamedTuple):
    name: str
    term_set: str


class Publisher(NamedTuple):
    host: str
    url: str


class Article:
    """What the article's properties read: the prepared record, the dataset's IRIs, the
    article's IRI, and the entity IRIs linking gave it (``mentions``: from its entity list;
    ``found_in_text``: found in its text only; both none where linking adds them later)."""

    __slots__ = ("found_in_text", "iri", "iris", "mentions", "prepared", "record")

    def __init__(
        self,
        prepared: Prepared,
        iris: Minter,
        mentions: Sequence[str] = (),
        found_in_text: Sequence[str] = (),
    ) -> None:
        self.prepared = prepared
        self.record = prepared.record
        self.iris = iris
        self.iri = iris.article(prepared.record.slug)
        self.mentions = mentions
        self.found_in_text = found_in_text

    @property
    def part(self) -> Part:
        """The article as a node of :data:`NEWS_ARTICLE`."""
        return Part(self.iri, NEWS_ARTICLE, self)


def _encodings(a: Article) -> list[Part]:
    record, iris = a.record, a.iris
    parts = []
    if record.body_md:
        parts.append(Part(iris.article_part(record.slug, "markdown"), MARKDOWN, record.body_md))
    for key, url in sorted(record.alternates.items()):
        iri = iris.article_part(record.slug, f"alternate-{key}")
        parts.append(Part(iri, ALTERNATE, Alternate(key, url)))
    return parts


def _authors(a: Article) -> list[Part]:
    return [
        Part(a.iris.article_part(a.record.slug, f"author-{index}"), PERSON, author)
        for index, author in enumerate(a.record.author, start=1)
    ]


def _publisher(a: Article) -> str | None:
    host = publisher_host(a.record)
    return _publisher_iri(a.iris, host) if host else None


def _mentions(a: Article) -> Sequence[str]:
    if not a.mentions and not a.found_in_text:
        return ()
    return list(dict.fromkeys([*a.mentions, *a.found_in_text]))


def _found_in_text_only(a: Article) -> Sequence[str]:
    if not a.found_in_text:
        return ()
    given = set(a.mentions)
    return [iri for iri in a.found_in_text if iri not in given]


@lru_cache(maxsize=50_000)
def _topic_iri(iris: Minter, topic: str) -> str:
    return iris.topic(topic)  # topics repeat across records


@lru_cache(maxsize=50_000)
def _publisher_iri(iris: Minter, host: str) -> str:
    return iris.publisher(host)  # so do publishers


# -- the table -----------------------------------------------------------------------------------

#: The markdown of a body (source: the markdown text).
MARKDOWN: Shape[str] = Shape(
    "MediaObject",
    (
        one("encodingFormat", lambda body: "text/markdown"),
        one("text", lambda body: body),
    ),
)

#: An alternate form of the article (source: :class:`Alternate`).
ALTERNATE: Shape[Alternate] = Shape(
    "MediaObject",
    (
        one("contentUrl", lambda alternate: alternate.url),
        one("encodingFormat", lambda alternate: encoding_format(alternate.key)),
    ),
)

#: An author (source: :class:`graph.records.Author`).
PERSON: Shape[Author] = Shape(
    "Person",
    (
        one("name", lambda author: author.name),
        one("url", lambda author: author.url),
    ),
)

#: The article (source: :class:`Article`).
NEWS_ARTICLE: Shape[Article] = Shape(
    "NewsArticle",
    (
        one("identifier", lambda a: a.record.slug),
        one("headline", lambda a: a.record.title),
        one("datePublished", lambda a: xsd_datetime(a.record.published_at)),
        one("dateModified", lambda a: a.record.updated_at and xsd_datetime(a.record.updated_at)),
        one("description", lambda a: a.record.summary),
        one("articleBody", lambda a: a.prepared.text if a.record.body_md else None),
        many("citation", lambda a: markdown.links(a.record.body_md) if a.record.body_md else ()),
        many("encoding", _encodings),
        one("url", lambda a: a.record.url),
        one("mainEntityOfPage", lambda a: a.record.url),
        one("publisher", _publisher),
        one("isBasedOn", lambda a: a.record.canonical_source),
        one("inLanguage", lambda a: a.record.lang),
        many("about", lambda a: [_topic_iri(a.iris, topic) for topic in a.record.topics]),
        many("keywords", lambda a: a.record.topics),
        many("image", lambda a: a.record.image),
        many("author", _authors),
        many("mentions", _mentions),
        many("foundInText", _found_in_text_only),
        many("entityName", lambda a: a.record.entities),
        one("recordHash", lambda a: a.prepared.digest),
    ),
)

#: A topic, in the terms graph (source: :class:`Topic`).
DEFINED_TERM: Shape[Topic] = Shape(
    "DefinedTerm",
    (
        one("name", lambda topic: topic.name),
        one("termCode", lambda topic: topic.name),
        one("inDefinedTermSet", lambda topic: topic.term_set),
    ),
)

#: A publisher, in the terms graph (source: :class:`Publisher`).
ORGANIZATION: Shape[Publisher] = Shape(
    "Organization",
    (
        one("name", lambda publisher: publisher.host),
        one("url", lambda publisher: publisher.url),
    ),
)


# -- the JSON-LD writer --------------------------------------------------------------------------


def node(part: Part) -> dict[str, Any]:
    """A part as a JSON-LD node (no ``@context``; terms of ``vocab/context.jsonld``): its
    ``@id``, its ``@type``, then each property its source gives, nested parts embedded."""
    result: dict[str, Any] = {"@id": part.iri, "@type": part.shape.type}
    source = part.source
    for prop in part.shape.props:
        value = prop.read(source)
        if prop.many:
            if value:
                result[prop.term] = [node(v) if isinstance(v, Part) else v for v in value]
        elif value is not None:
            result[prop.term] = node(value) if isinstance(value, Part) else value
    return result


def article_node(
    prepared: Prepared,
    iris: Minter,
    mentions: Sequence[str] = (),
    found_in_text: Sequence[str] = (),
) -> dict[str, Any]:
    """The article as one JSON-LD node (``mentions``, ``found_in_text``: see :class:`Article`).

    >>> from graph.records import prepare
    >>> p = prepare({"slug": "s", "title": "T", "published_at": "2026-01-02"}, "x:1")
    >>> article_node(p, Minter("http://n.example/"))["datePublished"]
    '2026-01-02T00:00:00Z'
    """
    return node(Article(prepared, iris, mentions, found_in_text).part)


def article_graph(node: dict[str, Any]) -> dict[str, Any]:
    """The article node wrapped as its own named graph (graph IRI = article IRI)."""
    return {"@id": node["@id"], "@graph": [node]}


def shared_nodes(record: Record, iris: Minter) -> list[dict[str, Any]]:
    """The topic and publisher nodes a record refers to (for the terms graph).

    Topics and publishers repeat across records, so each node is built once and the same
    dict is handed to every record that refers to it: callers read the nodes, never change
    them (``tests/test_mapping.py``)."""
    nodes = [_topic_node(iris, topic) for topic in record.topics]
    host = publisher_host(record)
    if host:
        nodes.append(_publisher_node(iris, urlsplit(record.url or "").scheme, host))
    return nodes


@lru_cache(maxsize=50_000)
def _topic_node(iris: Minter, topic: str) -> dict[str, Any]:
    return node(Part(_topic_iri(iris, topic), DEFINED_TERM, Topic(topic, iris.topic_scheme)))


@lru_cache(maxsize=50_000)
def _publisher_node(iris: Minter, scheme: str, host: str) -> dict[str, Any]:
    publisher = Publisher(host, f"{scheme}://{host}/")
    return node(Part(_publisher_iri(iris, host), ORGANIZATION, publisher))


def document(
    prepared: Prepared, iris: Minter, mentions: Sequence[str] = (), context: str | None = None
) -> dict[str, Any]:
    """One record as a standalone JSON-LD document: its article graph and the shared nodes.

    >>> from graph.records import prepare
    >>> p = prepare({"slug": "s", "title": "T", "published_at": "2026-01-02"}, "x:1")
    >>> doc = document(p, Minter("http://n.example/"))
    >>> doc["@graph"][0]["@graph"][0]["headline"]
    'T'
    """
    graphs: list[dict[str, Any]] = [article_graph(article_node(prepared, iris, mentions))]
    shared = shared_nodes(prepared.record, iris)
    if shared:
        graphs.append({"@id": iris.terms_graph, "@graph": shared})
    return {"@context": context or CONTEXT_IRI, "@graph": graphs}
