"""An exported document → RDF, offline, with schema.org's date coercion read back.

Parsing uses pyoxigraph with the schema.org subset context inlined (the fast path);
:func:`reference_triples` does the same with pyld, the JSON-LD processor of record.

**Dates.** schema.org's context types ``datePublished`` and ``dateModified`` as ``schema:Date``,
so a plain ISO 8601 string under it becomes ``"…"^^schema:Date``. The graph holds
``xsd:dateTime``. The lexical form survives unchanged, so :func:`read_dates` gives such a literal
the XSD type its lexical form has — ``xsd:dateTime`` for a date-time, ``xsd:date`` for a date —
and an export read back equals the graph exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from newsgraph import jsonld
from newsgraph.errors import ExportError
from newsgraph.export.context import SCHEMA_DATE
from newsgraph.vocab.namespaces import XSD

_DATE_TIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_DATE = re.compile(r"^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$")
XSD_DATE_TIME = ox.NamedNode(XSD + "dateTime")
XSD_DATE = ox.NamedNode(XSD + "date")


def read_date(term: ox.Literal) -> ox.Literal:
    """A ``schema:Date`` literal as the XSD literal its lexical form spells.

    >>> d = ox.Literal("2026-01-02T03:04:05Z", datatype=ox.NamedNode("http://schema.org/Date"))
    >>> read_date(d).datatype.value
    'http://www.w3.org/2001/XMLSchema#dateTime'
    """
    if term.datatype.value != SCHEMA_DATE:
        return term
    if _DATE_TIME.match(term.value):
        return ox.Literal(term.value, datatype=XSD_DATE_TIME)
    if _DATE.match(term.value):
        return ox.Literal(term.value, datatype=XSD_DATE)
    return term


def read_dates(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return [
        ox.Triple(t.subject, t.predicate, read_date(t.object))
        if isinstance(t.object, ox.Literal)
        else t
        for t in triples
    ]


def raw_triples(document: dict[str, Any]) -> list[ox.Triple]:
    """The triples of a document exactly as JSON-LD defines them (dates as ``schema:Date``)."""
    text = json.dumps(jsonld.inline_context(document), ensure_ascii=False)
    try:
        quads = ox.parse(text, format=ox.RdfFormat.JSON_LD)
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except SyntaxError as error:
        raise ExportError(f"not a JSON-LD document: {error}") from None


def document_triples(document: dict[str, Any]) -> list[ox.Triple]:
    """The triples of an exported document, dates read back as the graph holds them."""
    return read_dates(raw_triples(document))


def reference_triples(document: dict[str, Any]) -> list[ox.Triple]:
    """:func:`document_triples` by pyld (slower; the reference the fast path is tested against)."""
    quads = jsonld.to_quads_reference(document)
    return read_dates(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
