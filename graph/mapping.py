"""Record → schema.org JSON-LD: the pinned mapping, as pure functions.

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
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from graph import markdown
from graph.records import Record
from vocab.namespaces import CONTEXT_IRI, Minter

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
    # strftime pads years below 1000 (or not) as the platform does.
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def record_hash(record: Record) -> str:
    """A digest of the validated record: equal records, equal digests."""
    canonical = record.model_dump_json(exclude_none=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def encoding_format(key: str) -> str:
    return ALTERNATE_FORMATS.get(key.lower(), key)


def publisher_host(record: Record) -> str | None:
    if not record.url:
        return None
    host = urlsplit(record.url).hostname
    return host.lower() if host else None


def article_node(
    record: Record,
    iris: Minter,
    mentions: Sequence[str] = (),
    found_in_text: Sequence[str] = (),
    digest: str | None = None,
    body_text: str | None = None,
) -> dict[str, Any]:
    """The article as one JSON-LD node (no ``@context``; terms of ``vocab/context.jsonld``).

    ``mentions`` are the entity IRIs the linker gave the record's entities;
    ``found_in_text`` those it found in the text only (they are mentions too). ``body_text``
    is the body as plain text, when the caller has it already.
    """
    article = iris.article(record.slug)
    node: dict[str, Any] = {
        "@id": article,
        "@type": "NewsArticle",
        "identifier": record.slug,
        "headline": record.title,
        "datePublished": xsd_datetime(record.published_at),
    }
    if record.updated_at:
        node["dateModified"] = xsd_datetime(record.updated_at)
    if record.summary:
        node["description"] = record.summary
    encodings: list[dict[str, Any]] = []
    if record.body_md:
        node["articleBody"] = (
            body_text if body_text is not None else markdown.to_text(record.body_md)
        )
        encodings.append(
            {
                "@id": iris.article_part(record.slug, "markdown"),
                "@type": "MediaObject",
                "encodingFormat": "text/markdown",
                "text": record.body_md,
            }
        )
        citations = markdown.links(record.body_md)
        if citations:
            node["citation"] = citations
    for key, url in sorted(record.alternates.items()):
        encodings.append(
            {
                "@id": iris.article_part(record.slug, f"alternate-{key}"),
                "@type": "MediaObject",
                "contentUrl": url,
                "encodingFormat": encoding_format(key),
            }
        )
    if encodings:
        node["encoding"] = encodings
    if record.url:
        node["url"] = record.url
        node["mainEntityOfPage"] = record.url
    host = publisher_host(record)
    if host:
        node["publisher"] = iris.publisher(host)
    if record.canonical_source:
        node["isBasedOn"] = record.canonical_source
    if record.lang:
        node["inLanguage"] = record.lang
    if record.topics:
        node["about"] = [iris.topic(topic) for topic in record.topics]
        node["keywords"] = list(record.topics)
    if record.image:
        node["image"] = list(record.image)
    if record.author:
        node["author"] = [
            {
                "@id": iris.article_part(record.slug, f"author-{index}"),
                "@type": "Person",
                "name": author.name,
                **({"url": author.url} if author.url else {}),
            }
            for index, author in enumerate(record.author, start=1)
        ]
    all_mentions = list(dict.fromkeys([*mentions, *found_in_text]))
    if all_mentions:
        node["mentions"] = all_mentions
    text_only = [iri for iri in found_in_text if iri not in set(mentions)]
    if text_only:
        node["foundInText"] = text_only
    if record.entities:
        node["entityName"] = list(record.entities)
    node["recordHash"] = digest or record_hash(record)
    return node


def article_graph(node: dict[str, Any]) -> dict[str, Any]:
    """The article node wrapped as its own named graph (graph IRI = article IRI)."""
    return {"@id": node["@id"], "@graph": [node]}


@lru_cache(maxsize=50_000)
def _topic_iri(iris: Minter, topic: str) -> str:
    return iris.topic(topic)  # topics repeat across records


def shared_nodes(record: Record, iris: Minter) -> list[dict[str, Any]]:
    """The topic and publisher nodes a record refers to (for the terms graph)."""
    nodes: list[dict[str, Any]] = []
    for topic in record.topics:
        nodes.append(
            {
                "@id": _topic_iri(iris, topic),
                "@type": "DefinedTerm",
                "name": topic,
                "termCode": topic,
                "inDefinedTermSet": iris.topic_scheme,
            }
        )
    host = publisher_host(record)
    if host:
        nodes.append(
            {
                "@id": iris.publisher(host),
                "@type": "Organization",
                "name": host,
                "url": f"{urlsplit(record.url or '').scheme}://{host}/",
            }
        )
    return nodes


def document(
    record: Record, iris: Minter, mentions: Sequence[str] = (), context: str | None = None
) -> dict[str, Any]:
    """One record as a standalone JSON-LD document: its article graph and the shared nodes.

    >>> from graph.records import validate
    >>> r = validate({"slug": "s", "title": "T", "published_at": "2026-01-02"}, "x:1")
    >>> doc = document(r, Minter("http://n.example/"))
    >>> doc["@graph"][0]["@graph"][0]["headline"]
    'T'
    """
    graphs: list[dict[str, Any]] = [article_graph(article_node(record, iris, mentions))]
    shared = shared_nodes(record, iris)
    if shared:
        graphs.append({"@id": iris.terms_graph, "@graph": shared})
    return {"@context": context or CONTEXT_IRI, "@graph": graphs}
