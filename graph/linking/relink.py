"""The store-wide linking pass: resolve every name of the store, write what changed.

It reads the evidence of every article from the cache (reading back from the store only what
the cache lacks), resolves names once over the distinct forms (:func:`resolve`), matches each
article's cached text spans against the names now known, and compares each article's links
with those it holds: only the differences are written. The entities graph is rewritten per
entity that changed. The result depends only on the store's records, overrides and
reconciliations — never on the order, batches, workers or runs that brought them.
"""

from __future__ import annotations

import marshal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graph.linking import readback
from graph.linking.authority import load_authority
from graph.linking.cache import LinkingCache, Links
from graph.linking.describe import linking_quads
from graph.linking.evidence import decode_names
from graph.linking.normalise import key_of
from graph.linking.overrides import Override
from graph.linking.reconcile import reconcile
from graph.linking.resolve import Corpus, Resolution, resolve
from graph.linking.textscan import match
from graph.linking.writes import write_entities, write_links
from graph.store.base import Store
from vocab.namespaces import Minter

__all__ = ["LinkSummary", "Pass"]

#: Above this share of articles, what the cache lacks is read in one pass over the store.
READ_ALL_SHARE = 0.2


@dataclass
class LinkSummary:
    entities: int = 0
    articles: int = 0
    #: Articles whose links changed.
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
            f"{self.rewritten} articles' links changed, {self.seconds:.2f} s"
        )


def _by_key(reconciled: Mapping[str, tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    return {
        key_of(form): (item, f"reconciled with {source}")
        for form, (item, source, _label) in reconciled.items()
    }


class Pass:
    """One store-wide pass over a store whose articles (IRI → record digest) are known."""

    def __init__(
        self,
        store: Store,
        iris: Minter,
        cache: LinkingCache,
        hashes: Mapping[str, str],
        *,
        trusted: bool,
    ) -> None:
        self.store = store
        self.iris = iris
        self.cache = cache
        self.hashes = hashes
        #: Whether the cache's beliefs about the entities graph hold.
        self.trusted = trusted

    def run(
        self,
        overrides: Sequence[Override],
        reconciled: dict[str, tuple[str, str, str]],
        stored: tuple[list[Override], dict[str, tuple[str, str, str]]],
        reconcile_url: str | None = None,
    ) -> LinkSummary:
        started = time.perf_counter()
        lists, definitions, held = self._sync()
        corpus = Corpus(lists, definitions=definitions)
        resolution = resolve(corpus, load_authority(), overrides, _by_key(reconciled))
        summary = LinkSummary(articles=len(self.hashes), entities=len(resolution.entities))
        if reconcile_url:
            report = reconcile(reconcile_url, resolution.entities)
            reconciled.update(report.linked)
            for entity in resolution.entities.values():
                found = report.linked.get(entity.name)
                if found and not entity.same_as:
                    entity.same_as, entity.same_as_source = found[0], f"reconciled with {found[1]}"
            summary.reconciled, summary.ambiguous = len(report.linked), sorted(report.ambiguous)
        if (list(overrides), reconciled) != stored:
            quads = list(linking_quads(overrides, reconciled, self.iris))
            self.store.replace_graphs([self.iris.linking_graph], quads)
        summary.rewritten = self._links(resolution, held)
        self._entities(resolution)
        summary.seconds = time.perf_counter() - started
        return summary

    def _sync(
        self,
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple], dict[str, Links | None]]:
        """Every article's names, definitions and links held, from the cache and, for what
        it lacks, from the store."""
        lists: dict[str, tuple[str, ...]] = {}
        definitions: dict[str, tuple] = {}
        held: dict[str, Links | None] = {}
        stale = []
        for iri, digest, names, links in self.cache.articles():
            if self.hashes.get(iri) != digest:
                stale.append(iri)
                continue
            lists[iri], found = decode_names(names)
            if found:
                definitions[iri] = found
            held[iri] = None if links is None else _links(links)
        if stale:
            self.cache.delete(stale)
        missing = sorted(set(self.hashes) - set(lists))
        if missing:
            evidence = readback.read_evidence(self.store, self._some(missing))
            rows = []
            for iri in missing:
                found_evidence = evidence.get(iri)
                if found_evidence is None:
                    continue  # not an article after all (no headline): nothing to link
                names, spans = found_evidence.encode()
                rows.append((iri, self.hashes[iri], names, spans))
                lists[iri] = found_evidence.names
                if found_evidence.definitions:
                    definitions[iri] = found_evidence.definitions
                held[iri] = None
            self.cache.put(rows, links=None)
        unknown = sorted(iri for iri, links in held.items() if links is None)
        if unknown:
            read = readback.read_links(self.store, self._some(unknown))
            for iri in unknown:
                held[iri] = read.get(iri, ((), ()))
        return lists, dict(sorted(definitions.items())), held

    def _some(self, articles: list[str]) -> list[str] | None:
        """``articles``, or None (read them all) when they are most of the store."""
        return None if len(articles) > READ_ALL_SHARE * len(self.hashes) else articles

    def _links(self, resolution: Resolution, held: Mapping[str, Links | None]) -> int:
        """Write every article's links that differ from what it holds; return how many."""
        entity = self.iris.entity
        index = resolution.index
        changes = []
        for iri, spans in self.cache.spans():
            listed = resolution.mentions.get(iri)
            if listed is None:
                continue
            keys = set(listed)
            found = {k for k in match(marshal.loads(spans), index) if k not in keys}
            wanted: Links = (
                tuple(sorted(entity(k) for k in keys.union(found))),
                tuple(sorted(entity(k) for k in found)),
            )
            if held.get(iri) != wanted:
                changes.append((iri, held.get(iri) or ((), ()), wanted))
        write_links(self.store, changes)
        self.cache.set_links((iri, wanted) for iri, _held, wanted in changes)
        return len(changes)

    def _entities(self, resolution: Resolution) -> None:
        held = self.cache.entities() if self.trusted else None
        written = write_entities(self.store, self.iris, resolution.entities, held)
        self.cache.set_entities(written.changed, written.removed)


def _links(data: bytes) -> Links:
    links: Links = marshal.loads(data)
    return links
