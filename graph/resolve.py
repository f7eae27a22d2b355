"""Turning what users type into IRIs: an entity by IRI or name, a topic, an entity type.

An entity name is looked up among the names (``schema:name``) and other names
(``schema:alternateName``) of mentioned entities: exactly first, then ignoring case. A name that
fits several entities is an error listing them, so the user can pick the IRI.
"""

from __future__ import annotations

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import NotFound, QueryError
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import PREFIXES, SCHEMA, Minter

__all__ = ["entity_iri", "is_iri", "topic_iri", "type_iri"]

MAX_LISTED = 5


def is_iri(text: str) -> bool:
    """Whether ``text`` is written as an absolute IRI (optionally in angle brackets).

    >>> is_iri("http://x.example/entity/a"), is_iri("<urn:x:1>"), is_iri("Kazakhstan")
    (True, True, False)
    """
    text = text.strip().removeprefix("<").removesuffix(">")
    return text.startswith(("http://", "https://", "urn:"))


def _node(text: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text.strip().removeprefix("<").removesuffix(">"))
    except ValueError:
        raise QueryError(f"not an IRI: {text!r}") from None


def entity_iri(store: Store, text: str) -> str:
    """The IRI of the entity ``text`` names (an IRI is checked to be mentioned somewhere)."""
    if not text.strip():
        raise QueryError("give an entity IRI or name")
    if is_iri(text):
        node = _node(text)
        if not store.ask(queries.load("entity-is-mentioned"), {"entity": node}):
            raise NotFound(f"no article mentions the entity {node.value}")
        return node.value
    name = text.strip()
    found = _named(store, "mentioned-entities-named", "name", name)
    if not found:
        found = _named(store, "mentioned-entities-named-folded", "folded", name.lower())
    if not found:
        raise NotFound(
            f"no mentioned entity is named {name!r} (names and other names are searched)"
        )
    if len(found) > 1:
        listed = ", ".join(found[:MAX_LISTED]) + (" …" if len(found) > MAX_LISTED else "")
        raise QueryError(f"{name!r} names {len(found)} entities: {listed}; give the IRI")
    return found[0]


def _named(store: Store, query: str, variable: str, text: str) -> list[str]:
    found = set()
    for row in store.select(queries.load(query), {variable: ox.Literal(text)}):
        entity = row.get("entity")
        if isinstance(entity, ox.NamedNode):
            found.add(entity.value)
    return sorted(found)


def topic_iri(store: Store, text: str, iris: Minter) -> str:
    """A topic IRI, or the IRI newsgraph mints for a topic name; some article must be about it."""
    node = _node(text) if is_iri(text) else ox.NamedNode(iris.topic(text.strip()))
    if not store.ask(queries.load("topic-in-use"), {"topic": node}):
        raise NotFound(f"no article is about the topic {node.value}")
    return node.value


def type_iri(store: Store, text: str) -> str:
    """A type IRI from ``Person``, ``schema:Person`` or a full IRI; some mentioned entity must
    have it.
    """
    text = text.strip()
    if is_iri(text):
        node = _node(text)
    else:
        prefix, colon, local = text.partition(":")
        base = PREFIXES.get(prefix) if colon else SCHEMA
        if base is None:
            raise QueryError(f"--type {text!r}: unknown prefix {prefix!r}")
        node = _node(base + (local if colon else text))
    if not store.ask(queries.load("type-in-use"), {"type": node}):
        raise NotFound(f"no mentioned entity has the type {node.value}")
    return node.value
