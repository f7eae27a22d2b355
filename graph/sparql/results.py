"""SPARQL results and RDF graphs written in the formats the endpoint offers, with a row limit.

pyoxigraph's own results writers take a whole result set; these take an iterator and stop at
the limit, so that a capped response costs only the rows it carries.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

import orjson
import pyoxigraph as ox
from newsgraph.vocab.namespaces import XSD

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"

#: media type → writer name, for SELECT and ASK results.
SOLUTION_TYPES: dict[str, str] = {
    JSON: "json",
    "application/json": "json",
    XML: "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    CSV: "csv",
    TSV: "tsv",
}
BOOLEAN_TYPES: dict[str, str] = {
    JSON: "json",
    "application/json": "json",
    XML: "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    CSV: "csv",
    TSV: "tsv",
    "text/plain": "csv",
}
#: media type → RDF format, for CONSTRUCT and DESCRIBE results.
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
_XSD_STRING = XSD + "string"


def capped(items: Iterable[object], limit: int) -> tuple[list[object], bool]:
    """The first ``limit`` items (all when 0) and whether more were left."""
    if not limit:
        return list(items), False
    taken = list(islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


def term_json(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def write_solutions(
    variables: Sequence[str], rows: Iterable[Sequence[Term | None]], writer: str
) -> bytes:
    if writer == "json":
        return _json_solutions(variables, rows)
    if writer == "xml":
        return _xml_solutions(variables, rows)
    if writer == "csv":
        return _csv_solutions(variables, rows)
    return _tsv_solutions(variables, rows)


def _json_solutions(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    bindings = [
        {
            name: term_json(value)
            for name, value in zip(variables, row, strict=True)
            if value is not None
        }
        for row in rows
    ]
    body = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    # orjson writes what json.dumps(body, ensure_ascii=False, separators=(",", ":")) writes,
    # about twice as fast (tests/test_results.py::test_json_solutions_are_written_as_json_writes)
    return orjson.dumps(body)


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def _xml_solutions(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    out = [_XML_HEAD, "<head>"]
    out += [f"<variable name={quoteattr(name)}/>" for name in variables]
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        for name, value in zip(variables, row, strict=True):
            if value is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(value)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _csv_solutions(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(variables)
    for row in rows:
        out.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _tsv_solutions(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> bytes:
    lines = ["\t".join(f"?{name}" for name in variables)]
    for row in rows:
        lines.append("\t".join("" if value is None else str(value) for value in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_boolean(value: bool, writer: str) -> bytes:
    if writer == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if writer == "xml":
        flag = "true" if value else "false"
        return f"{_XML_HEAD}<head/><boolean>{flag}</boolean></sparql>\n".encode()
    return (("true" if value else "false") + "\n").encode("utf-8")


def write_triples(
    triples: Iterable[ox.Triple],
    rdf_format: ox.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Triples in ``rdf_format``; ``prefixes`` abbreviate IRIs where the format can."""
    if rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        quads: Iterator[ox.Quad] = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return ox.serialize(quads, format=rdf_format, prefixes=prefixes) or b""
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
