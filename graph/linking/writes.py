"""Writing what a linking pass changed, and nothing else.

An article's links are its ``schema:mentions`` and ``ng:foundInText`` quads in its own graph;
a pass removes the ones that no longer hold and adds the new ones, leaving the rest of the
article graph alone. Entity descriptions in the entities graph are replaced one entity at a
time where the pass knows what the graph holds, else the graph is written whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping

import pyoxigraph as ox
from newsgraph.linking.cache import Links
from newsgraph.linking.describe import describe_entity
from newsgraph.linking.entities import Entity
from newsgraph.linking.readback import subject_quads
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import NG, SCHEMA, Minter

__all__ = ["write_entities", "write_links"]

_MENTIONS = str(ox.NamedNode(SCHEMA + "mentions"))
_FOUND = str(ox.NamedNode(NG + "foundInText"))
#: Quads per write (about 300 bytes each, held a moment as text and as bytes).
CHUNK = 50_000
#: Above this share of changed entities, the entities graph is written whole.
WHOLE_SHARE = 0.3


class _Terms(dict[str, str]):
    """Entity IRI → its N-Quads form (written by pyoxigraph, so escaped), remembered."""

    def __missing__(self, iri: str) -> str:
        written = self[iri] = str(ox.NamedNode(iri))
        return written


def write_links(store: Store, changes: Iterable[tuple[str, Links, Links]]) -> int:
    """Apply (article, links held, links wanted) changes; return the quads written. Links are
    (all entities mentioned, those found in the text): sorted tuples of distinct IRIs.

    Changes are written every :data:`CHUNK` quads, so memory does not grow with the store."""
    entities = _Terms()
    removed: list[str] = []
    added: list[bytes] = []
    articles: list[str] = []
    written = pending = 0
    for article, (held_all, held_found), (all_, found) in changes:
        articles.append(article)
        graph = str(ox.NamedNode(article))
        tail = f" {graph} .\n"
        for predicate, held, wanted in ((_MENTIONS, held_all, all_), (_FOUND, held_found, found)):
            head = f"{graph} {predicate} "
            if not held:  # an article just written: every link is new
                if wanted:
                    terms = [entities[entity] for entity in wanted]
                    added.append((head + (tail + head).join(terms) + tail).encode("utf-8"))
                    pending += len(terms)
                continue
            held_set, wanted_set = set(held), set(wanted)
            for entity in sorted(held_set - wanted_set):
                removed.append(f"GRAPH {graph} {{ {head}{entities[entity]} }}")
            new = [head + entities[e] + tail for e in sorted(wanted_set - held_set)]
            if new:
                added.append("".join(new).encode("utf-8"))
                pending += len(new)
        if len(removed) >= CHUNK or pending >= CHUNK:
            with store.described(articles=articles):
                written += _flush(store, removed, added, pending)
            articles.clear()
            pending = 0
    with store.described(articles=articles):
        return written + _flush(store, removed, added, pending)


def _flush(store: Store, removed: list[str], added: list[bytes], pending: int) -> int:
    """Write the removals, then the additions (``pending`` quads in all, in lines or runs of
    lines), gathered so far; empty both lists."""
    count = len(removed) + pending
    if removed:
        store.update("DELETE DATA {\n" + "\n".join(removed) + "\n}")
    if added:
        store.replace_graphs_nquads([], b"".join(added))
    removed.clear()
    added.clear()
    return count


def fingerprint(key: str, entity: Entity) -> str:
    """A digest of everything an entity's description is made of (equal fingerprints: equal
    descriptions), far cheaper than describing it."""
    canonical = (
        key, entity.name, entity.type, sorted(entity.forms.items()),
        sorted((link, sorted(articles)) for link, articles in entity.links.items()),
        entity.same_as, entity.same_as_source, entity.authority, entity.authority_source,
        sorted(entity.sources.items()), sorted(entity.langs.items()),
    )  # fmt: skip
    return hashlib.blake2b(repr(canonical).encode("utf-8"), digest_size=16).hexdigest()


def _printed(iris: Minter, key: str, entity: Entity) -> tuple[str, str]:
    """An entity's IRI and fingerprint, worked out once per entity, key and base (a batch's
    resolution hands on the entities it did not draft again, :class:`graph.linking.entities.Drafts`)."""
    printed = entity.printed
    if printed is None or printed[0] != key or printed[1] != iris.base:
        printed = entity.printed = (key, iris.base, iris.entity(key), fingerprint(key, entity))
    return printed[2], printed[3]


def write_entities(
    store: Store,
    iris: Minter,
    entities: Mapping[str, Entity],
    held: dict[str, tuple[str, int, str]] | None,
    near: Collection[str] | None = None,
) -> dict[str, tuple[str, int, str]]:
    """Write the entities whose description changed; return what the graph now holds (entity
    IRI → digest of its description, its number of name links, the entity's fingerprint).
    ``held`` is what the cache believes the graph holds, None when it cannot vouch for the
    graph. Only the entities whose fingerprint changed are described again.

    ``near``: the keys whose entity may differ from those ``held`` describes (the entities of
    the resolution the caller's followed: :attr:`graph.linking.keys.Keys.touched`); only they
    are looked at, and ``held`` is brought up to date in place and returned
    (``tests/test_linking_carry.py``)."""
    if held is not None and near is not None:
        found = _write_near(store, iris, entities, held, near)
        if found is not None:
            return found
    described: dict[str, tuple[str, int, str]] = {}
    texts: dict[str, bytes] = {}
    graph = iris.entities_graph

    def describe(key: str, iri: str, print_: str) -> None:
        text, links = _description(iris, key, entities[key])
        described[iri] = (hashlib.blake2b(text, digest_size=16).hexdigest(), links, print_)
        texts[iri] = text

    prints = {key: _printed(iris, key, entities[key]) for key in sorted(entities)}
    if held is not None:
        stale = [
            key for key, (iri, print_) in prints.items() if held.get(iri, ("", 0, ""))[2] != print_
        ]
        removed = sorted(set(held) - {iri for iri, _print in prints.values()})
        if len(stale) + len(removed) <= WHOLE_SHARE * max(1, len(prints)):
            for iri, _print in prints.values():
                described[iri] = held.get(iri, ("", 0, ""))
            for key in stale:
                describe(key, *prints[key])
            changed = [iri for iri in texts if held.get(iri, ("",))[0] != described[iri][0]]
            subjects = _subjects(held, changed, removed) + _subjects(described, changed, [])
            with store.described(subjects=subjects):
                _replace_entities(store, graph, held, changed, removed, texts)
            return dict(sorted(described.items()))
    for key, (iri, print_) in prints.items():
        describe(key, iri, print_)
    if held is None:  # what the graph held is not known: its subjects cannot be named
        store.replace_graphs_nquads([graph], b"".join(texts.values()))
        return described
    subjects = _subjects(held, list(held), []) + _subjects(described, list(described), [])
    with store.described(subjects=subjects):
        store.replace_graphs_nquads([graph], b"".join(texts.values()))
    return described


def _description(iris: Minter, key: str, entity: Entity) -> tuple[bytes, int]:
    """An entity's description as N-Quads, and how many name links it has."""
    text = ox.serialize(describe_entity(key, entity, iris), format=ox.RdfFormat.N_QUADS)
    assert text is not None
    return text, len(entity.links)


def _write_near(
    store: Store,
    iris: Minter,
    entities: Mapping[str, Entity],
    held: dict[str, tuple[str, int, str]],
    near: Collection[str],
) -> dict[str, tuple[str, int, str]] | None:
    """:func:`write_entities` looking at ``near`` alone; None where so many changed that the
    graph is to be written whole."""
    described: dict[str, tuple[str, int, str]] = {}
    texts: dict[str, bytes] = {}
    removed = []
    for key in sorted(near):
        entity = entities.get(key)
        if entity is None:
            iri = iris.entity(key)
            if iri in held:
                removed.append(iri)
            continue
        iri, print_ = _printed(iris, key, entity)
        if held.get(iri, ("", 0, ""))[2] != print_:
            texts[iri], links = _description(iris, key, entity)
            described[iri] = (
                hashlib.blake2b(texts[iri], digest_size=16).hexdigest(),
                links,
                print_,
            )
    if len(described) + len(removed) > WHOLE_SHARE * max(1, len(entities)):
        return None
    changed = [iri for iri in texts if held.get(iri, ("",))[0] != described[iri][0]]
    subjects = _subjects(held, changed, removed) + _subjects(described, changed, [])
    with store.described(subjects=subjects):
        _replace_entities(store, iris.entities_graph, held, changed, removed, texts)
    for iri in removed:
        del held[iri]
    held.update(described)
    return held


def _subjects(
    held: Mapping[str, tuple[str, int, str]], changed: list[str], removed: list[str]
) -> list[str]:
    """The subjects of the descriptions of ``changed`` and ``removed`` entities in ``held``:
    each entity's IRI and its links' (``IRI#link-N``)."""
    subjects: list[str] = []
    for iri in [*(i for i in changed if i in held), *removed]:
        subjects.append(iri)
        subjects.extend(f"{iri}#link-{number}" for number in range(1, held[iri][1] + 1))
    return subjects


def _replace_entities(
    store: Store,
    graph: str,
    held: Mapping[str, tuple[str, int, str]],
    changed: list[str],
    removed: list[str],
    texts: Mapping[str, bytes],
) -> None:
    """Replace the descriptions of the ``changed`` entities and delete the ``removed``."""
    subjects = _subjects(held, changed, removed)
    old = subject_quads(store, graph, subjects) if subjects else []
    if old:
        text = ox.serialize(old, format=ox.RdfFormat.N_QUADS)
        assert text is not None
        store.update(_delete_data(text.decode("utf-8"), graph))
    data = b"".join(texts[iri] for iri in changed)
    if data:
        store.replace_graphs_nquads([], data)


def _delete_data(nquads: str, graph: str) -> str:
    """``DELETE DATA`` of N-Quads lines that all lie in ``graph``."""
    suffix = f" {ox.NamedNode(graph)} .\n"
    # lines end at "\n" only: a literal may hold U+0085 or U+2028, where splitlines also breaks
    lines = [line + "\n" for line in nquads.split("\n") if line]
    triples = [line[: -len(suffix)] + " ." for line in lines]
    return f"DELETE DATA {{ GRAPH {ox.NamedNode(graph)} {{\n" + "\n".join(triples) + "\n} }"
