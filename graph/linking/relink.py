"""Re-linking a whole store: read every article's names and text, resolve, write the results.

The entities graph is replaced whole. An article graph is rewritten (whole, in batches) only
when its ``schema:mentions`` or ``ng:foundInText`` change — for instance when an acronym
learned from a later story applies to it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph import queries
from graph.linking.authority import load_authority
from graph.linking.describe import entity_quads, linking_quads
from graph.linking.normalise import key_of
from graph.linking.overrides import Override
from graph.linking.reconcile import reconcile
from graph.linking.resolve import Corpus, Resolution, resolve
from graph.store.base import Store
from vocab.namespaces import NG, SCHEMA, Minter

__all__ = ["LinkSummary", "read_corpus", "read_overrides", "read_reconciled", "relink"]

REWRITE_BATCH = 1_000
_MENTIONS = ox.NamedNode(SCHEMA + "mentions")
_FOUND = ox.NamedNode(NG + "foundInText")


@dataclass
class LinkSummary:
    entities: int = 0
    articles: int = 0
    rewritten: int = 0
    seconds: float = 0.0
    reconciled: int = 0
    ambiguous: list[str] = field(default_factory=list)

    def line(self) -> str:
        reconciled = (
            f", {self.reconciled} reconciled ({len(self.ambiguous)} ambiguous)"
            if self.reconciled or self.ambiguous
            else ""
        )
        return (
            f"linked {self.articles} articles: {self.entities} entities{reconciled}, "
            f"{self.rewritten} article graphs rewritten, {self.seconds:.2f} s"
        )


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


def read_corpus(store: Store) -> Corpus:
    lists: dict[str, list[str]] = defaultdict(list)
    for row in store.select(queries.load("article-entity-names")):
        lists[row["article"].value].append(_text(row["name"]))  # type: ignore[union-attr]
    texts = {}
    for row in store.select(queries.load("linking-article-texts")):
        parts = (_text(row.get(name)) for name in ("headline", "description", "body"))
        texts[row["article"].value] = "\n".join(p for p in parts if p)  # type: ignore[union-attr]
    return Corpus({a: tuple(sorted(names)) for a, names in lists.items()}, texts)


def read_overrides(store: Store, iris: Minter) -> list[Override]:
    graph = {"graph": ox.NamedNode(iris.linking_graph)}
    return [
        Override(
            _text(row["action"]),
            _text(row["name"]),
            _text(row["target"]),
            _text(row.get("article")),
            _text(row.get("note")),
        )
        for row in store.select(queries.load("linking-overrides"), graph)
    ]


def read_reconciled(store: Store, iris: Minter) -> dict[str, tuple[str, str, str]]:
    graph = {"graph": ox.NamedNode(iris.linking_graph)}
    return {
        _text(row["name"]): (row["item"].value, _text(row["source"]), _text(row.get("label")))  # type: ignore[union-attr]
        for row in store.select(queries.load("linking-reconciliations"), graph)
    }


def _by_key(reconciled: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    return {
        key_of(form): (item, f"reconciled with {source}")
        for form, (item, source, _label) in reconciled.items()
    }


def write_linking_graph(
    store: Store,
    iris: Minter,
    overrides: Sequence[Override],
    reconciled: dict[str, tuple[str, str, str]],
) -> None:
    store.replace_graphs([iris.linking_graph], list(linking_quads(overrides, reconciled, iris)))


def stored_mentions(store: Store) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    mentions: dict[str, set[str]] = defaultdict(set)
    in_text: dict[str, set[str]] = defaultdict(set)
    for row in store.select(queries.load("linking-article-mentions")):
        article, entity = row["article"].value, row["entity"].value  # type: ignore[union-attr]
        mentions[article].add(entity)
        if _text(row.get("inText")) == "true":
            in_text[article].add(entity)
    return {a: (frozenset(m), frozenset(in_text[a])) for a, m in mentions.items()}


def expected_mentions(
    resolution: Resolution, iris: Minter
) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    expected = {}
    for article, keys in resolution.mentions.items():
        found = [iris.entity(k) for k in resolution.found_in_text.get(article, ())]
        listed = [iris.entity(k) for k in keys]
        expected[article] = (frozenset(listed + found), frozenset(found))
    for article, keys in resolution.found_in_text.items():
        if article not in expected:
            found = [iris.entity(k) for k in keys]
            expected[article] = (frozenset(found), frozenset(found))
    return expected


def rewrite_articles(
    store: Store, changes: dict[str, tuple[frozenset[str], frozenset[str]]]
) -> int:
    """Rewrite each changed article graph whole, with its new mentions."""
    articles = sorted(changes)
    for start in range(0, len(articles), REWRITE_BATCH):
        batch = articles[start : start + REWRITE_BATCH]
        query = queries.load("linking-article-graphs") + queries.values_clause(
            "article", [ox.NamedNode(a) for a in batch]
        )
        quads: list[ox.Quad] = []
        for row in store.select(query):
            graph = row["article"]
            subject, predicate = row["s"], row["p"]
            if subject == graph and predicate in (_MENTIONS, _FOUND):
                continue
            quads.append(ox.Quad(subject, predicate, row["o"], graph))  # type: ignore[arg-type]
        for article in batch:
            node = ox.NamedNode(article)
            mentions, found = changes[article]
            quads.extend(ox.Quad(node, _MENTIONS, ox.NamedNode(e), node) for e in sorted(mentions))
            quads.extend(ox.Quad(node, _FOUND, ox.NamedNode(e), node) for e in sorted(found))
        store.replace_graphs(batch, quads)
    return len(articles)


def relink(
    store: Store,
    iris: Minter,
    *,
    overrides: Iterable[Override] | None = None,
    reconcile_url: str | None = None,
) -> LinkSummary:
    """Resolve every name in the store and write what changed. ``overrides``, when given,
    replace the ones kept in the store; ``reconcile_url`` asks that endpoint for the Wikidata
    items of entities that have none, and keeps what it finds."""
    started = time.perf_counter()
    stored_overrides = read_overrides(store, iris)
    stored_reconciled = read_reconciled(store, iris)
    new_overrides = list(overrides) if overrides is not None else stored_overrides
    new_reconciled = dict(stored_reconciled)
    corpus = read_corpus(store)
    resolution = resolve(corpus, load_authority(), new_overrides, _by_key(new_reconciled))
    report = None
    if reconcile_url:
        report = reconcile(reconcile_url, resolution.entities)
        new_reconciled.update(report.linked)
        for entity in resolution.entities.values():
            found = report.linked.get(entity.name)
            if found and not entity.same_as:
                entity.same_as, entity.same_as_source = found[0], f"reconciled with {found[1]}"
    if new_overrides != stored_overrides or new_reconciled != stored_reconciled:
        write_linking_graph(store, iris, new_overrides, new_reconciled)
    store.replace_graphs([iris.entities_graph], list(entity_quads(resolution.entities, iris)))
    stored = stored_mentions(store)
    expected = expected_mentions(resolution, iris)
    changes = {
        article: value
        for article, value in expected.items()
        if stored.get(article, (frozenset(), frozenset())) != value
    }
    for article in stored.keys() - expected.keys():
        changes[article] = (frozenset(), frozenset())
    rewritten = rewrite_articles(store, changes) if changes else 0
    return LinkSummary(
        reconciled=len(report.linked) if report else 0,
        ambiguous=sorted(report.ambiguous) if report else [],
        entities=len(resolution.entities),
        articles=len(set(corpus.lists) | set(corpus.texts)),
        rewritten=rewritten,
        seconds=time.perf_counter() - started,
    )
