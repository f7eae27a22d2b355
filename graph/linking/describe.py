"""The entities graph and the linking graph as quads.

Each entity is described once, in ``{base}graph/entities``: its type, ``schema:name`` (the
preferred label), ``schema:alternateName`` for every other surface form seen,
``schema:sameAs`` where a Wikidata item was verified (``ng:sameAsSource`` says by whom), and
one ``ng:NameLink`` per surface form saying which rule linked it (``ng:rule``), on which
articles' evidence (``ng:evidence``) and, for a cross-language rule, from which source
(``ng:linkSource``: a language's catalogue, a row of the authority file, a library). A name
in a language other than English carries its language tag (``"Kasachstan"@de``);
``schema:name`` stays the one preferred name. The linking graph ``{base}graph/linking`` keeps the
user's overrides and the reconciliations, which every re-link applies again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import pyoxigraph as ox
from newsgraph.linking.overrides import Override
from newsgraph.linking.resolve import Entity
from newsgraph.vocab.namespaces import NG, RDF, RDFS, SCHEMA, Minter

__all__ = ["describe_entity", "entity_quads", "linking_quads"]

_TYPE = ox.NamedNode(RDF + "type")


def _schema(name: str) -> ox.NamedNode:
    return ox.NamedNode(SCHEMA + name)


def _ng(name: str) -> ox.NamedNode:
    return ox.NamedNode(NG + name)


def entity_quads(entities: Mapping[str, Entity], iris: Minter) -> Iterator[ox.Quad]:
    for key in sorted(entities):
        yield from describe_entity(key, entities[key], iris)


def describe_entity(key: str, entity: Entity, iris: Minter) -> list[ox.Quad]:
    """One entity's quads in the entities graph: its subjects are its IRI and its links'
    (``IRI#link-N``, N from 1 to ``len(entity.links)``)."""
    graph = ox.NamedNode(iris.entities_graph)
    subject = ox.NamedNode(iris.entity(key))
    quads = [
        ox.Quad(subject, _TYPE, _schema(entity.type), graph),
        ox.Quad(subject, _schema("name"), ox.Literal(entity.name), graph),
    ]
    for form in sorted(set(entity.forms) - {entity.name}):
        lang = entity.langs.get(form)
        literal = ox.Literal(form, language=lang) if lang else ox.Literal(form)
        quads.append(ox.Quad(subject, _schema("alternateName"), literal, graph))
    if entity.same_as:
        quads.append(ox.Quad(subject, _schema("sameAs"), ox.NamedNode(entity.same_as), graph))
        if entity.same_as_source:
            source = ox.Literal(entity.same_as_source)
            quads.append(ox.Quad(subject, _ng("sameAsSource"), source, graph))
    if entity.authority:
        quads.append(ox.Quad(subject, _ng("authorityEntry"), ox.Literal(entity.authority), graph))
    for number, ((form, rule), evidence) in enumerate(sorted(entity.links.items()), start=1):
        link = ox.NamedNode(f"{iris.entity(key)}#link-{number}")
        quads.append(ox.Quad(subject, _ng("link"), link, graph))
        quads.append(ox.Quad(link, _TYPE, _ng("NameLink"), graph))
        quads.append(ox.Quad(link, _ng("surfaceForm"), ox.Literal(form), graph))
        quads.append(ox.Quad(link, _ng("rule"), _ng(rule), graph))
        link_source = entity.sources.get((form, rule))
        if link_source:
            quads.append(ox.Quad(link, _ng("linkSource"), ox.Literal(link_source), graph))
        for article in sorted(evidence):
            quads.append(ox.Quad(link, _ng("evidence"), ox.NamedNode(article), graph))
    return quads


def linking_quads(
    overrides: Iterable[Override],
    reconciled: Mapping[str, tuple[str, str, str]],
    iris: Minter,
) -> Iterator[ox.Quad]:
    """Overrides (in file order) and reconciliations (surface form → item, endpoint)."""
    graph = ox.NamedNode(iris.linking_graph)
    for number, override in enumerate(overrides, start=1):
        node = ox.NamedNode(f"{iris.linking_graph}#override-{number}")
        yield ox.Quad(node, _TYPE, _ng("Override"), graph)
        yield ox.Quad(
            node,
            _ng("order"),
            ox.Literal(
                str(number), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            ),
            graph,
        )
        yield ox.Quad(node, _ng("action"), ox.Literal(override.action), graph)
        yield ox.Quad(node, _ng("surfaceForm"), ox.Literal(override.name), graph)
        yield ox.Quad(node, _ng("target"), ox.Literal(override.target), graph)
        if override.article:
            yield ox.Quad(node, _ng("inArticle"), ox.Literal(override.article), graph)
        if override.note:
            yield ox.Quad(node, ox.NamedNode(RDFS + "comment"), ox.Literal(override.note), graph)
    for number, (form, (item, source, label)) in enumerate(sorted(reconciled.items()), start=1):
        node = ox.NamedNode(f"{iris.linking_graph}#reconciliation-{number}")
        yield ox.Quad(node, _TYPE, _ng("Reconciliation"), graph)
        yield ox.Quad(node, _ng("surfaceForm"), ox.Literal(form), graph)
        yield ox.Quad(node, _ng("item"), ox.NamedNode(item), graph)
        yield ox.Quad(node, _ng("source"), ox.Literal(source), graph)
        if label:
            yield ox.Quad(node, ox.NamedNode(RDFS + "label"), ox.Literal(label), graph)
