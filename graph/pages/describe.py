"""What an IRI minted by newsgraph dereferences to, as RDF: the triples, and their serialisations.

An article is described by its own named graph plus the names and types of what it links to; an
entity, topic or publisher by its own statements plus the statements that point to it.
Turtle, N-Triples and RDF/XML are written by pyoxigraph; JSON-LD by :func:`jsonld_document`,
which groups the triples into one node per subject under a context of prefixes only, so the
document needs no remote context.

>>> name = ox.NamedNode("http://schema.org/name")
>>> t = ox.Triple(ox.NamedNode("http://n.example/entity/x"), name, ox.Literal("X"))
>>> jsonld_document([t], {"schema": "http://schema.org/"})["@graph"]
[{'@id': 'http://n.example/entity/x', 'schema:name': 'X'}]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import PREFIXES, RDF, XSD, Minter

__all__ = [
    "EXTENSIONS",
    "MEDIA_TYPES",
    "compact",
    "describe",
    "jsonld_document",
    "prefixes_for",
    "serialise",
]

#: media type → the file extension that asks for it.
MEDIA_TYPES: dict[str, str] = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf",
}
#: file extension → media type.
EXTENSIONS: dict[str, str] = {extension: media for media, extension in MEDIA_TYPES.items()}

_WRITERS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_XSD_STRING = XSD + "string"
_TYPE = RDF + "type"


def describe(store: Store, iri: str, iris: Minter) -> list[ox.Triple]:
    """The triples ``iri`` dereferences to, without repeats, in the store's order."""
    node = ox.NamedNode(iri)
    if iris.slug_of(iri) is not None:
        triples = store.construct(queries.load("article-graph"), {"article": node})
    else:
        triples = store.construct(queries.load("resource-description"), {"resource": node})
    return list(dict.fromkeys(triples))


def prefixes_for(iris: Minter) -> dict[str, str]:
    """The prefixes a description is written with: the common ones and this dataset's own."""
    return {
        **PREFIXES,
        "article": iris.article(""),
        "entity": iris.entity(""),
        "topic": iris.topic_scheme,
        "publisher": iris.publisher(""),
    }


def serialise(triples: Sequence[ox.Triple], media_type: str, prefixes: dict[str, str]) -> bytes:
    """The triples in the format of ``media_type`` (one of :data:`MEDIA_TYPES`)."""
    if media_type == "application/ld+json":
        document = jsonld_document(triples, prefixes)
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    used = _used_prefixes(triples, prefixes) if media_type == "text/turtle" else None
    body = ox.serialize(triples, format=_WRITERS[media_type], prefixes=used)
    assert body is not None
    return body


def _used_prefixes(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    iris = {
        term.value
        for triple in triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, ox.NamedNode)
    }
    return {
        name: namespace
        for name, namespace in prefixes.items()
        if any(iri.startswith(namespace) for iri in iris)
    }


def compact(iri: str, prefixes: dict[str, str]) -> str:
    """``prefix:local`` for the longest matching namespace, else the IRI itself."""
    best = ""
    for name, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            best = name
    local = iri[len(prefixes[best]) :] if best else ""
    if not best or not local or local.startswith("//"):
        return iri
    return f"{best}:{local}"


def _node_id(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _value(term: Any) -> Any:
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return {"@id": _node_id(term)}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": term.datatype.value}
    raise ValueError(f"cannot write {term!r} in JSON-LD")


def _single(values: Any) -> Any:
    """A one-value list as its value (``@id`` is already a string)."""
    return values[0] if isinstance(values, list) and len(values) == 1 else values


def jsonld_document(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> dict[str, Any]:
    """The triples as a JSON-LD document: one node per subject, keys as ``prefix:local``."""
    nodes: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for triple in triples:
        subject = triple.subject
        assert isinstance(subject, ox.NamedNode | ox.BlankNode)
        node = nodes.setdefault(_node_id(subject), {"@id": _node_id(subject)})
        predicate, obj = triple.predicate.value, triple.object
        if predicate == _TYPE and isinstance(obj, ox.NamedNode):
            key, value = "@type", compact(obj.value, prefixes)
        else:
            key, value = compact(predicate, prefixes), _value(obj)
        used.add((value if key == "@type" else key).split(":", 1)[0])
        node.setdefault(key, []).append(value)
    graph = [{key: _single(values) for key, values in node.items()} for node in nodes.values()]
    context = {name: prefixes[name] for name in prefixes if name in used}
    return {"@context": context, "@graph": graph}
