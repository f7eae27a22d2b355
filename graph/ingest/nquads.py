"""Our JSON-LD nodes → N-Quads, without a JSON-LD processor (the ingest fast path).

The mapping writes JSON-LD in one narrow shape: node objects with an absolute ``@id``, ``@type``
terms, and values that are strings, lists of strings or nested node objects, every key a term
of ``vocab/context.jsonld``. For that shape, JSON-LD → RDF is a table look-up per key: the
term's IRI and whether its strings are IRIs (``"@type": "@id"``), typed literals or plain
strings. :class:`QuadWriter` compiles that table from the context once and writes each node's
quads as N-Quads text, about ten times faster than the JSON-LD processor.

Anything outside that shape raises :class:`Unsupported`; callers then use the JSON-LD processor
(:func:`by_processor`), which stays the processor of record. ``tests/test_nquads.py`` proves both
give the same quads for the sample, the seed, the Reuters corpus and odd records.
:class:`graph.ingest.article_quads.ArticleWriter` writes values with the same table
(:meth:`QuadWriter.value_writer`).

>>> writer = QuadWriter()
>>> print(writer.graph({"@id": "http://n.example/g", "@graph": [
...     {"@id": "http://n.example/a", "@type": "NewsArticle", "headline": 'Say "hi"\\n'}]}), end="")
<http://n.example/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/NewsArticle> <http://n.example/g> .
<http://n.example/a> <http://schema.org/headline> "Say \\"hi\\"\\n" <http://n.example/g> .
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pyoxigraph as ox
from newsgraph.jsonld import batch_text, bundled_context
from newsgraph.vocab.namespaces import CONTEXT_IRI, RDF

__all__ = ["QuadWriter", "Unsupported", "by_processor", "string_literal"]

RDF_TYPE = f"<{RDF}type>"
#: Lexical forms N-Quads writes as they are, between quotes.
_PLAIN_LEXICAL = re.compile(r"[0-9A-Za-z:.+\-]*")
_ABSOLUTE = ("http://", "https://")


class Unsupported(ValueError):
    """The node uses JSON-LD beyond the fast path's shape (use the JSON-LD processor)."""


@dataclass(frozen=True, slots=True)
class _Term:
    predicate: str  # written form, <…>
    iri_values: bool  # "@type": "@id"
    datatype: ox.NamedNode | None  # a typed literal's datatype


class QuadWriter:
    """Writes nodes shaped as :mod:`graph.mapping` makes them, for one bundled context."""

    def __init__(self, context_iri: str = CONTEXT_IRI) -> None:
        context = bundled_context(context_iri)["@context"]
        prefixes = {
            key: value
            for key, value in context.items()
            if isinstance(value, str) and value.endswith(("/", "#"))
        }
        self._terms: dict[str, _Term] = {}
        self._types: dict[str, str] = {}
        for key, value in context.items():
            if key.startswith("@") or key in prefixes:
                continue
            definition = value if isinstance(value, dict) else {"@id": value}
            if set(definition) - {"@id", "@type"}:
                continue  # containers, languages…: not in the fast path's shape
            iri = _expand(definition["@id"], prefixes)
            coercion = definition.get("@type")
            datatype = None
            if coercion not in (None, "@id"):
                datatype = ox.NamedNode(_expand(coercion, prefixes))
            self._terms[key] = _Term(str(ox.NamedNode(iri)), coercion == "@id", datatype)
            if key[:1].isupper():
                self._types[key] = str(ox.NamedNode(iri))
        self._iris: dict[str, str] = {}
        #: Each term's writer of a string value: an IRI, a typed literal or a plain string.
        self._values: dict[str, Callable[[str], str]] = {
            key: self.iri
            if term.iri_values
            else string_literal
            if term.datatype is None
            else partial(self.typed_literal, key)
            for key, term in self._terms.items()
        }

    def graph(self, graph_object: dict[str, Any]) -> str:
        """N-Quads of a graph object ``{"@id": G, "@graph": [nodes]}``."""
        if len(graph_object) != 2 or "@id" not in graph_object or "@graph" not in graph_object:
            raise Unsupported("a graph object has exactly @id and @graph")
        # Every line ends with the graph name: written once, as each line's tail.
        tail = f" {self.iri(graph_object['@id'])} .\n"
        lines: list[str] = []
        for node in graph_object["@graph"]:
            self._node(node, tail, lines)
        return "".join(lines)

    def predicate(self, term: str) -> str:
        """The written IRI of a term of the context (``KeyError`` if it is none)."""
        return self._terms[term].predicate

    def value_writer(self, term: str) -> Callable[[str], str]:
        """How a string value of a term of the context is written: as an IRI (``"@type":
        "@id"``, :meth:`iri`), a typed literal (:meth:`typed_literal`) or a plain string
        (``KeyError`` if it is no term).

        >>> QuadWriter().value_writer("url")("http://n.example/a")
        '<http://n.example/a>'
        """
        return self._values[term]

    def type_iri(self, name: str) -> str:
        """The written IRI of a type term of the context (``KeyError`` if it is none)."""
        return self._types[name]

    def typed_literal(self, term: str, value: str) -> str:
        """A typed literal of a term with a datatype, as N-Quads writes it."""
        datatype = self._terms[term].datatype
        if datatype is not None and _PLAIN_LEXICAL.fullmatch(value):
            return f'"{value}"^^<{datatype.value}>'  # nothing to escape (dates, numbers)
        return str(ox.Literal(value, datatype=datatype))

    def iri(self, value: Any) -> str:
        """An IRI as N-Quads writes it; :class:`Unsupported` where :meth:`graph` would refuse it."""
        written = self._iris.get(value) if isinstance(value, str) else None
        if written is not None:
            return written
        if not isinstance(value, str) or not value.startswith(_ABSOLUTE):
            raise Unsupported(f"not an absolute http(s) IRI: {value!r}")
        try:
            written = str(ox.NamedNode(value))
        except ValueError as error:
            raise Unsupported(str(error)) from None
        if len(self._iris) < 50_000:  # entity, topic and type IRIs repeat; keep memory bounded
            self._iris[value] = written
        return written

    def _node(self, node: Any, tail: str, lines: list[str]) -> str:
        if not isinstance(node, dict) or "@id" not in node:
            raise Unsupported("every node has an @id")
        subject = self.iri(node["@id"])
        for key, value in node.items():
            if key == "@id":
                continue
            if key == "@type":
                for kind in value if isinstance(value, list) else [value]:
                    written = self._types.get(kind)
                    if written is None:
                        raise Unsupported(f"type {kind!r} is not a term of the context")
                    lines.append(f"{subject} {RDF_TYPE} {written}{tail}")
                continue
            term = self._terms.get(key)
            if term is None:
                raise Unsupported(f"key {key!r} is not a term of the context")
            head = f"{subject} {term.predicate} "
            write = self._values[key]
            for item in value if isinstance(value, list) else (value,):
                written = write(item) if isinstance(item, str) else self._object(item, tail, lines)
                lines.append(f"{head}{written}{tail}")
        return subject

    def _object(self, item: Any, tail: str, lines: list[str]) -> str:
        """A value that is not a string: a nested node (its own quads written first)."""
        if isinstance(item, dict):
            return self._node(item, tail, lines)
        raise Unsupported(f"value {item!r} is not a string")


def by_processor(graph_object: dict[str, Any]) -> str:
    """N-Quads of a graph object by pyoxigraph's JSON-LD parser (the road for what
    :meth:`QuadWriter.graph` refuses)."""
    quads = ox.parse(batch_text([graph_object]), format=ox.RdfFormat.JSON_LD)
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert text is not None  # serialize returns the bytes when given no output
    return text.decode("utf-8")


def string_literal(value: str) -> str:
    r"""An xsd:string literal in N-Quads: only backslash, quote, LF and CR need escapes.

    >>> print(string_literal('say "hi"\n'))
    "say \"hi\"\n"
    """
    if "\\" in value:  # first: the escapes below bring in backslashes of their own
        value = value.replace("\\", "\\\\")
    if '"' in value:
        value = value.replace('"', '\\"')
    if "\n" in value:
        value = value.replace("\n", "\\n")
    if "\r" in value:
        value = value.replace("\r", "\\r")
    return f'"{value}"'


def _expand(value: str, prefixes: dict[str, str]) -> str:
    prefix, sep, local = value.partition(":")
    if sep and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return value
