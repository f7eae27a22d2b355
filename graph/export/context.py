"""schema.org's JSON-LD context, offline: a faithful subset served for ``https://schema.org``.

Exported documents state ``"@context": "https://schema.org"``, as search engines expect. That URL
is never fetched: ``vocab/schemaorg-context.jsonld`` holds the term definitions newsgraph uses,
each exactly as schema.org's own context defines it (``tests/test_export_context.py`` compares
them with the real context in ``../shared``), and :mod:`graph.jsonld` registers it with its
offline loader for every spelling of schema.org's context URL
(:data:`vocab.namespaces.SCHEMA_CONTEXT_IRIS`). Terms outside the subset still expand
through ``@vocab``; the writer gives their values in explicit form (``{"@id": …}``,
``{"@value": …}``) so that no type coercion of the full context could change them. (A document
written elsewhere that uses one of schema.org's coerced terms outside the subset, such as
``thumbnailUrl``, would be read here without that coercion.)

One deliberate quirk is inherited from schema.org: its context coerces ``datePublished`` and
``dateModified`` to ``schema:Date`` although the graph holds ``xsd:dateTime``. Documents carry
the date-times as plain ISO 8601 strings (what search engines read), and
:mod:`graph.export.rdf` reads a ``schema:Date`` literal back as the XSD type its lexical form
has. See docs/export.md, "Dates".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from newsgraph import jsonld
from newsgraph.vocab.namespaces import SCHEMA, SCHEMA_CONTEXT, SCHEMA_CONTEXT_IRIS

#: The datatype schema.org's context gives datePublished and dateModified.
SCHEMA_DATE = SCHEMA + "Date"
ID = "@id"

__all__ = [
    "ID",
    "SCHEMA_CONTEXT",
    "SCHEMA_CONTEXT_IRIS",
    "SCHEMA_DATE",
    "Term",
    "TermTable",
    "term_table",
]


@dataclass(frozen=True)
class Term:
    """One property term: its name in documents and the type its values are coerced to."""

    name: str
    iri: str
    #: ``"@id"`` (values are IRIs), a datatype IRI, or None.
    coercion: str | None


@dataclass(frozen=True)
class TermTable:
    """The subset context as lookups: property IRI → term, class IRI → type name."""

    properties: dict[str, Term]
    classes: dict[str, str]

    def term(self, predicate: str) -> Term | None:
        """The term for a schema.org property; one outside the subset gets its local name.

        >>> table = term_table()
        >>> table.term("http://schema.org/url")
        Term(name='url', iri='http://schema.org/url', coercion='@id')
        >>> table.term("http://schema.org/wordCount").coercion is None
        True
        >>> table.term("https://w3id.org/newsgraph/ns#recordHash") is None
        True
        """
        found = self.properties.get(predicate)
        if found is not None:
            return found
        name = local_name(predicate)
        return Term(name, predicate, None) if name else None

    def type_name(self, iri: str) -> str | None:
        """The ``@type`` value for a schema.org class, None for classes of other vocabularies."""
        return self.classes.get(iri) or local_name(iri)


def local_name(iri: str) -> str | None:
    """The schema.org local name of ``iri`` when ``@vocab`` alone resolves it back."""
    if not iri.startswith(SCHEMA):
        return None
    name = iri[len(SCHEMA) :]
    if not name or not name.replace("_", "").isalnum() or name in ("type", "id"):
        return None
    return name


def _expand(value: str, prefixes: dict[str, str]) -> str:
    prefix, sep, rest = value.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + rest
    return value if sep else SCHEMA + value


@cache
def term_table() -> TermTable:
    """Read the subset context once into lookups."""
    context = jsonld.bundled_context(SCHEMA_CONTEXT)["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@")}
    properties: dict[str, Term] = {}
    classes: dict[str, str] = {}
    for name, definition in context.items():
        if not isinstance(definition, dict):
            continue
        iri = _expand(definition["@id"], prefixes)
        coercion = definition.get("@type")
        if coercion is not None and coercion != ID:
            coercion = _expand(coercion, prefixes)
        if name[:1].isupper():
            classes[iri] = name
        else:
            properties[iri] = Term(name, iri, coercion)
    return TermTable(properties, classes)
