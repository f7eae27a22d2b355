"""Reading what a SPARQL server answers: JSON results into pyoxigraph terms, RDF into triples.

>>> term_from_json({"type": "typed-literal", "value": "7",
...                 "datatype": "http://www.w3.org/2001/XMLSchema#integer"})
<Literal value=7 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> term_from_json({"type": "bnode", "value": "nodeID://b10"})
<BlankNode value=nodeID___b10>
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson
import pyoxigraph as ox
from newsgraph.errors import StoreError
from newsgraph.store.base import Row, Term

#: What newsgraph asks for when it reads results itself (JSON is the one every server writes).
SOLUTIONS_ACCEPT = "application/sparql-results+json, application/json;q=0.8"
#: RDF formats for CONSTRUCT/DESCRIBE and Graph Store GETs, most compact first.
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
QUADS_ACCEPT = "application/n-quads, application/trig;q=0.9"

Normaliser = Callable[[Term], Term]
_BAD_BLANK_CHARS = re.compile(r"[^A-Za-z0-9_\-]")


def blank(label: str) -> ox.BlankNode:
    """A blank node for a server's label, made valid where the server's is not (Virtuoso)."""
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode(_BAD_BLANK_CHARS.sub("_", label).lstrip("-") or "b")


def term_from_json(binding: Mapping[str, Any]) -> Term:
    """A term from its SPARQL 1.1 JSON form (also SPARQL 1.0's ``typed-literal``)."""
    kind = binding["type"]
    if kind == "uri":
        return ox.NamedNode(binding["value"])
    if kind == "bnode":
        return blank(binding["value"])
    if kind == "triple":
        value = binding["value"]
        return ox.Triple(
            term_from_json(value["subject"]),  # type: ignore[arg-type]
            term_from_json(value["predicate"]),  # type: ignore[arg-type]
            term_from_json(value["object"]),
        )
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


def _json(body: bytes, what: str) -> dict[str, Any]:
    """The server's JSON document, read by orjson (about twice as fast as json on large
    answers); what it refuses — not JSON, or text no term can hold, such as an escaped lone
    surrogate — is one :class:`StoreError` (``tests/test_results.py``)."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise StoreError(f"{what}: the answer is not SPARQL JSON results ({error})") from None
    if not isinstance(document, dict):
        raise StoreError(f"{what}: the answer is not SPARQL JSON results")
    return document


def parse_solutions(
    body: bytes, what: str, normalise: Normaliser, visible: Callable[[str], bool] = bool
) -> tuple[list[str], list[Row]]:
    """The variables and the rows of a SELECT answer; unbound variables are absent, and so are
    variables that are not ``visible`` (ones a dialect added to the query)."""
    document = _json(body, what)
    try:
        variables = [
            str(name) for name in document.get("head", {}).get("vars", []) if visible(str(name))
        ]
        bindings = document["results"]["bindings"]
    except (KeyError, TypeError, AttributeError):
        raise StoreError(f"{what}: the answer holds no solutions") from None
    rows = [
        {name: normalise(term_from_json(value)) for name, value in binding.items() if visible(name)}
        for binding in bindings
    ]
    return variables, rows


def parse_boolean(body: bytes, what: str) -> bool:
    document = _json(body, what)
    if "boolean" not in document:
        raise StoreError(f"{what}: the answer holds no boolean")
    value = document["boolean"]
    return value is True or (isinstance(value, str) and value.lower() == "true")


def rdf_format(media_type: str, what: str) -> ox.RdfFormat:
    found = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if found is None:
        raise StoreError(
            f"{what}: the answer is in an RDF format newsgraph cannot read ({media_type!r})"
        )
    return found


def parse_triples(
    body: bytes, media_type: str, what: str, normalise: Normaliser
) -> Iterator[ox.Triple]:
    """The triples of a CONSTRUCT/DESCRIBE answer (or a Graph Store GET)."""
    try:
        for quad in ox.parse(body, format=rdf_format(media_type, what)):
            obj = normalise(quad.object)
            yield ox.Triple(quad.subject, quad.predicate, obj)
    except SyntaxError as error:
        raise StoreError(f"{what}: the answer is not valid RDF: {error}") from None


def same(term: Term) -> Term:
    return term


__all__ = [
    "QUADS_ACCEPT",
    "RDF_ACCEPT",
    "SOLUTIONS_ACCEPT",
    "blank",
    "parse_boolean",
    "parse_solutions",
    "parse_triples",
    "rdf_format",
    "same",
    "term_from_json",
]
