"""Turning what users type into IRIs: entities, topics, types, publishers and articles, each by
IRI or by name, and every parameter of a named query at once (:func:`resolve_params`).

An entity name is looked up among the names (``schema:name``) and other names
(``schema:alternateName``) of mentioned entities: exactly first, then ignoring case. A name that
fits several entities is an :class:`AmbiguousName` listing them; a name that fits none is an
:class:`UnknownName` listing the nearest names the store holds (:func:`nearest_entities`: those
that start with the text, then those that contain it, then the closest spellings), so that a
user never gets an empty answer for a mistyped name. Both errors carry their
:class:`Candidate` s; the CLI prints them in its one line, the API adds them to its error body
as ``candidates``. ``newsgraph cooccur``, ``newsgraph query --name``, the query page and the
entity pages all resolve through this module (``tests/test_names.py``, ``tests/test_resolve.py``).

:func:`search_entities` is the typeahead's question (``GET /api/entities``): entities whose name
or other name starts with a text, then those that contain it, each group ranked by the articles
that mention them (``tests/test_entity_search.py``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import NewsgraphError, NotFound, QueryError
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import PREFIXES, SCHEMA, Minter

__all__ = [
    "AmbiguousName",
    "Candidate",
    "EntityMatch",
    "UnknownName",
    "article_iri",
    "entity_iri",
    "entity_named",
    "is_iri",
    "nearest_entities",
    "publisher_iri",
    "resolve_params",
    "search_entities",
    "topic_iri",
    "type_iri",
]

#: How many candidates an error lists.
MAX_LISTED = 5
#: How close (difflib's ratio) a spelling must be to be suggested when nothing contains the text.
CLOSE = 0.6


@dataclass(frozen=True)
class Candidate:
    """A resource a name may have meant: its IRI and its name."""

    iri: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} <{self.iri}>"


class AmbiguousName(QueryError):
    """A name that fits several resources; ``candidates`` lists them (at most :data:`MAX_LISTED`
    in the message)."""

    def __init__(self, message: str, candidates: Iterable[Candidate]) -> None:
        self.candidates = tuple(candidates)
        super().__init__(message + _listing(self.candidates, "; give the IRI of one of: "))


class UnknownName(NotFound):
    """A name that fits nothing; ``candidates`` are the nearest names the store holds."""

    def __init__(self, message: str, candidates: Iterable[Candidate]) -> None:
        self.candidates = tuple(candidates)
        super().__init__(
            message
            + (_listing(self.candidates, "; nearest: ") or "; the store holds no name near it")
        )


def _listing(candidates: tuple[Candidate, ...], lead: str) -> str:
    if not candidates:
        return ""
    listed = ", ".join(map(str, candidates[:MAX_LISTED]))
    more = f" and {len(candidates) - MAX_LISTED} more" if len(candidates) > MAX_LISTED else ""
    return lead + listed + more


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


def _value(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


# Entities


def entity_iri(store: Store, text: str) -> str:
    """The IRI of the entity ``text`` names (an IRI is checked to be mentioned somewhere)."""
    if not text.strip():
        raise QueryError("give an entity IRI or name")
    if is_iri(text):
        node = _node(text)
        if not store.ask(queries.load("entity-is-mentioned"), {"entity": node}):
            raise NotFound(f"no article mentions the entity {node.value}")
        return node.value
    return entity_named(store, text)


def entity_named(store: Store, text: str) -> str:
    """The IRI of the one mentioned entity named (or otherwise named) ``text``: exactly, else
    ignoring case; else :class:`AmbiguousName` or :class:`UnknownName`."""
    name = text.strip()
    found = _named(store, "mentioned-entities-named", "name", name)
    if not found:
        folded = _named(store, "resources-named-folded", "folded", name.lower())
        found = sorted(_article_counts(store, folded))
    if not found:
        raise UnknownName(
            f"no mentioned entity is named {name!r} (names and other names are searched)",
            nearest_entities(store, name),
        )
    if len(found) > 1:
        raise AmbiguousName(
            f"{name!r} names {len(found)} entities", _entity_candidates(store, found)
        )
    return found[0]


def _named(store: Store, query: str, variable: str, text: str) -> list[str]:
    found = set()
    for row in store.select(queries.load(query), {variable: ox.Literal(text)}):
        entity = row.get("entity")
        if isinstance(entity, ox.NamedNode):
            found.add(entity.value)
    return sorted(found)


def _entity_candidates(store: Store, iris: list[str]) -> list[Candidate]:
    names: dict[str, str] = {}
    query = queries.bind("entity-labels", {"entity": [ox.NamedNode(iri) for iri in iris]})
    for row in store.select(query):
        entity, name = _value(row.get("entity")), _value(row.get("name"))
        if entity and name:
            names.setdefault(entity, name)
    return [Candidate(iri, names.get(iri, iri)) for iri in iris]


@dataclass(frozen=True)
class EntityMatch:
    """One answer of :func:`search_entities` (the keys of ``GET /api/entities``)."""

    iri: str
    name: str
    #: The local name of its type (``Country``), ``Thing`` only when it has no other.
    type: str | None
    articles: int


def search_entities(store: Store, text: str, limit: int = 10) -> list[EntityMatch]:
    """Mentioned entities whose name or other name contains ``text`` ignoring case: those with
    a name that starts with it first, then the rest; in each, the most mentioned first (then
    by name, then by IRI). At most ``limit``; none for a blank text.

    Three small questions rather than one, so that the cost follows what matches, not the
    store's size: the entities a name matches, with their rank (``entities-matching.rq``, one
    pass over the names); the articles mentioning them (``entity-article-counts.rq``, by
    VALUES), the starting ones first and the others only when those are too few; the names
    and types of the ones answered (``entity-labels.rq``).
    """
    needle = text.strip().lower()
    if not needle or limit < 1:
        return []
    ranks: dict[str, int] = {}
    query = queries.bind("entities-matching", {"needle": ox.Literal(needle)})
    for row in store.select(query):
        entity, rank = _value(row.get("entity")), _value(row.get("rank"))
        if entity is not None and rank is not None:
            ranks[entity] = int(rank)
    counts: dict[str, int] = {}
    for group in (0, 1):
        counts |= _article_counts(store, [iri for iri, r in ranks.items() if r == group])
        if len(counts) >= limit:
            break
    order = sorted(counts, key=lambda iri: (ranks[iri], -counts[iri]))
    if not order:
        return []
    # Names break ties: read them for the entities up to the last one tied with the cut.
    last = order[min(limit, len(order)) - 1]
    wanted = [iri for iri in order if (ranks[iri], -counts[iri]) <= (ranks[last], -counts[last])]
    names, types = _names_and_types(store, wanted)

    def name(iri: str) -> str:
        return names.get(iri) or iri

    wanted.sort(key=lambda iri: (ranks[iri], -counts[iri], name(iri).lower(), iri))
    return [
        EntityMatch(iri, name(iri), _display_type(types.get(iri, ())), counts[iri])
        for iri in wanted[:limit]
    ]


#: How many IRIs one query's VALUES block carries.
VALUES_CHUNK = 1_000


def _chunks(iris: list[str]) -> Iterable[list[ox.NamedNode]]:
    for start in range(0, len(iris), VALUES_CHUNK):
        yield [ox.NamedNode(iri) for iri in iris[start : start + VALUES_CHUNK]]


def _article_counts(store: Store, iris: list[str]) -> dict[str, int]:
    """Entity → the articles that mention it, for those of ``iris`` some article mentions."""
    counts: dict[str, int] = {}
    for chunk in _chunks(iris):
        for row in store.select(queries.bind("entity-article-counts", {"entity": chunk})):
            iri, articles = _value(row.get("entity")), _value(row.get("articles"))
            if iri is not None and articles is not None:
                counts[iri] = int(articles)
    return counts


def _names_and_types(store: Store, iris: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Entity → its preferred name (the smallest, when it has several), and → its types."""
    names: dict[str, str] = {}
    types: dict[str, list[str]] = {}
    for chunk in _chunks(iris):
        for row in store.select(queries.bind("entity-labels", {"entity": chunk})):
            iri = _value(row.get("entity"))
            if iri is None:
                continue
            name, kind = _value(row.get("name")), _value(row.get("type"))
            if name is not None and (iri not in names or name < names[iri]):
                names[iri] = name
            if kind is not None:
                types.setdefault(iri, []).append(kind)
    return names, types


def _display_type(types: Iterable[str]) -> str | None:
    """The type shown for an entity: a local name, ``Thing`` only when it is the only one.

    >>> _display_type(["http://schema.org/Thing", "http://schema.org/Country"])
    'Country'
    >>> _display_type([]) is None
    True
    """
    local = sorted({iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for iri in types})
    return min(local, key=lambda name: (name == "Thing", name), default=None)


def nearest_entities(store: Store, text: str, limit: int = MAX_LISTED) -> list[Candidate]:
    """The mentioned entities whose names are nearest ``text``, best first: those a name starts
    with or contains (:func:`search_entities`), then the closest spellings (difflib), so that
    some are listed whenever the store holds any entity."""
    found = {m.iri: Candidate(m.iri, m.name) for m in search_entities(store, text, limit)}
    if len(found) < limit:
        labels: dict[str, list[Candidate]] = {}
        for row in store.select(queries.load("names-and-other-names")):
            entity, label = _value(row.get("entity")), _value(row.get("label"))
            if entity and label:
                labels.setdefault(label.lower(), []).append(Candidate(entity, label))
        # Some labels name what no article mentions (topics, publishers): ask for more.
        closest = _closest(text.strip().lower(), labels, 4 * limit, anyway=not found)
        near = [c for label in closest for c in sorted(labels[label], key=lambda c: c.iri)]
        mentioned = _article_counts(store, [c.iri for c in near])
        for candidate in near:
            if candidate.iri in mentioned:
                found.setdefault(candidate.iri, candidate)
    return list(found.values())[:limit]


def _closest(text: str, labels: Iterable[str], limit: int, *, anyway: bool = True) -> list[str]:
    """The labels spelled closest to ``text``, best first; when none is close and ``anyway``,
    the least far ones (never empty then, for labels that are not).

    >>> _closest("kazakstan", ["kazakhstan", "russia", "astana"], 1)
    ['kazakhstan']
    >>> _closest("moscow", ["kazakhstan", "russia"], 1)
    ['russia']
    >>> _closest("moscow", ["kazakhstan", "russia"], 1, anyway=False)
    []
    """
    labels = list(labels)
    close = difflib.get_close_matches(text, labels, n=limit, cutoff=CLOSE)
    if close or not anyway:
        return close
    return difflib.get_close_matches(text, labels, n=limit, cutoff=0.0)


# Topics, types, publishers and articles


def _rows(store: Store, query: str, key: str) -> list[Candidate]:
    """(IRI, name) of each row of a listing query, by the IRI in ``key`` and ``?name``."""
    found = []
    for row in store.select(queries.load(query)):
        iri = _value(row.get(key))
        if iri:
            found.append(Candidate(iri, _value(row.get("name")) or iri.rsplit("/", 1)[-1]))
    return found


def _by_name(text: str, kind: str, listed: list[Candidate], unknown: str) -> str:
    """The one of ``listed`` named ``text`` ignoring case, else an error listing candidates."""
    folded = text.strip().lower()
    found = [c for c in listed if folded in (c.name.lower(), c.iri.rsplit("/", 1)[-1].lower())]
    if len({c.iri for c in found}) > 1:
        raise AmbiguousName(f"{text!r} names {len(found)} {kind}s", found)
    if found:
        return found[0].iri
    by_label = {c.name.lower(): c for c in listed}
    containing = [c for c in listed if folded and folded in c.name.lower()]
    closest = _closest(folded, by_label, MAX_LISTED, anyway=not containing)
    close = [by_label[label] for label in closest]
    nearest = list(dict.fromkeys(containing + close))[:MAX_LISTED]
    raise UnknownName(f"{unknown} {text.strip()!r}", nearest)


def topic_iri(store: Store, text: str, iris: Minter) -> str:
    """A topic IRI, or the IRI newsgraph mints for a topic name, or the topic whose name is
    ``text`` ignoring case; some article must be about it."""
    if is_iri(text):
        node = _node(text)
        if not store.ask(queries.load("topic-in-use"), {"topic": node}):
            raise NotFound(f"no article is about the topic {node.value}")
        return node.value
    if not text.strip():
        raise QueryError("give a topic IRI or name")
    node = ox.NamedNode(iris.topic(text.strip()))
    if store.ask(queries.load("topic-in-use"), {"topic": node}):
        return node.value
    listed = _rows(store, "topics", "topic")
    return _by_name(text, "topic", listed, "no article is about the topic")


def type_iri(store: Store, text: str) -> str:
    """A type IRI from ``Person``, ``schema:Person`` or a full IRI; some mentioned entity must
    have it (else an :class:`UnknownName` listing the nearest types in use)."""
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
        used = [
            Candidate(iri, iri.removeprefix(SCHEMA))
            for row in store.select(queries.load("entity-types-in-use"))
            if (iri := _value(row.get("type")))
        ]
        by_label = {c.name.lower(): c for c in used}
        wanted = node.value.removeprefix(SCHEMA).lower()
        nearest = [by_label[label] for label in _closest(wanted, by_label, MAX_LISTED)]
        raise UnknownName(f"no mentioned entity has the type {node.value}", nearest)
    return node.value


def publisher_iri(store: Store, text: str, iris: Minter) -> str:
    """A publisher by IRI, by host name (``news.example.org``) or by name ignoring case; some
    article must have it."""
    if is_iri(text):
        node = _node(text)
        if not store.ask(queries.load("publisher-in-use"), {"publisher": node}):
            raise NotFound(f"no article has the publisher {node.value}")
        return node.value
    if not text.strip():
        raise QueryError("give a publisher IRI, host name or name")
    node = ox.NamedNode(iris.publisher(text.strip()))
    if store.ask(queries.load("publisher-in-use"), {"publisher": node}):
        return node.value
    listed = _rows(store, "publishers", "publisher")
    return _by_name(text, "publisher", listed, "no article has the publisher")


def article_iri(store: Store, text: str, iris: Minter) -> str:
    """An article by IRI or by slug (the last segment of its IRI); the store must hold it."""
    if is_iri(text):
        node = _node(text)
        if not store.ask(queries.load("article-in-use"), {"article": node}):
            raise NotFound(f"no article {node.value} in the store")
        return node.value
    slug = text.strip()
    if not slug:
        raise QueryError("give an article IRI or slug")
    node = ox.NamedNode(iris.article(slug))
    if store.ask(queries.load("article-in-use"), {"article": node}):
        return node.value
    slugs: dict[str, str] = {}
    for row in store.select(queries.load("article-slugs")):
        iri = _value(row.get("article"))
        if iri:
            slugs[(iris.slug_of(iri) or iri.rsplit("/", 1)[-1]).lower()] = iri
    folded = slug.lower()
    containing = sorted(s for s in slugs if folded in s)[:MAX_LISTED]
    closest = _closest(folded, slugs, MAX_LISTED, anyway=not containing)
    near = list(dict.fromkeys(containing + closest))[:MAX_LISTED]
    raise UnknownName(f"no article has the slug {slug!r}", [Candidate(slugs[s], s) for s in near])


# Named queries

Resolver = Callable[[Store, str, Minter], str]
#: How each kind of parameter (``graph.queries.KINDS``) is read; ``text`` is bound as typed.
RESOLVERS: dict[str, Resolver] = {
    "entity": lambda store, text, iris: entity_iri(store, text),
    "topic": topic_iri,
    "type": lambda store, text, iris: type_iri(store, text),
    "publisher": publisher_iri,
    "article": article_iri,
}


def resolve_params(
    store: Store, name: str, params: Mapping[str, str], iris: Minter
) -> dict[str, str]:
    """What to bind for the named query ``name`` given what a user typed for its parameters.

    Each parameter is read by the kind its ``# param NAME (KIND):`` line declares: an IRI
    passes (checked to be in use), a name resolves as :func:`entity_iri`, :func:`topic_iri`,
    :func:`type_iri`, :func:`publisher_iri` and :func:`article_iri` resolve it (ambiguous or
    unknown: an error listing candidates); a ``text`` parameter, or one without a kind, is
    bound as typed. Parameters the query does not take, or required ones missing, are a
    :class:`~graph.errors.QueryError` first.
    """
    queries.check_params(name, params)
    kinds = queries.get(name).kinds
    resolved = {}
    for param, value in params.items():
        resolver = RESOLVERS.get(kinds.get(param, "text"))
        try:
            resolved[param] = resolver(store, value, iris) if resolver else value
        except NewsgraphError as error:
            error.args = (f"{param}={value!r}: {error}",)
            raise
    return resolved
