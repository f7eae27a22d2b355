"""Surface forms → one entity IRI per real-world entity, across all stories.

During ingest, :meth:`Linker.link` gives each record a provisional answer cheaply (its own
names, the authority file, and the names the store already knows); :meth:`Linker.finish`
then re-links the whole store (:func:`graph.linking.relink.relink`), so the final answer
depends only on what the store holds — never on ingest order — and rewrites the article
graphs whose mentions changed. See :mod:`graph.linking.resolve` for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph import markdown, queries
from graph.linking.authority import load_authority
from graph.linking.normalise import is_acronym, key_of
from graph.linking.relink import LinkSummary, read_overrides, relink
from graph.linking.resolve import Corpus, resolve
from graph.linking.textscan import scan
from graph.records import Record
from graph.store.base import Store
from vocab.namespaces import Minter

__all__ = ["LinkSummary", "Linker", "Links", "record_text", "relink"]


@dataclass(frozen=True)
class Links:
    """A record's entity IRIs: from its entity list, and found in its text only."""

    mentions: list[str]
    found_in_text: list[str]


def record_text(record: Record) -> str:
    """The text linking reads: headline, summary and body, as the graph stores them."""
    body = markdown.to_text(record.body_md) if record.body_md else ""
    return "\n".join(part for part in (record.title, record.summary or "", body) if part)


class Linker:
    def __init__(self, iris: Minter) -> None:
        self.iris = iris
        self.authority = load_authority()
        self.overrides: list = []
        #: name key → (entity IRI, case shapes), known from the store and this run's records.
        self.known: dict[str, tuple[str, frozenset[str]]] = {}
        self.written = 0

    def prepare(self, store: Store) -> None:
        """Learn the store's overrides and entity names, for better provisional links."""
        self.overrides = read_overrides(store, self.iris)
        graph = {"graph": ox.NamedNode(self.iris.entities_graph)}
        for row in store.select(queries.load("linking-entity-names"), graph):
            self._learn(row["name"].value, row["entity"].value)  # type: ignore[union-attr]

    def _learn(self, name: str, iri: str) -> None:
        if name.islower():
            return
        key = key_of(name)
        if len(key) < 2:
            return
        shape = "upper" if is_acronym(name) else "title"
        held = self.known.get(key)
        if held is None:
            self.known[key] = (iri, frozenset({shape}))
        elif held[0] == iri:
            self.known[key] = (iri, held[1] | {shape})

    def link(self, record: Record) -> Links:
        """Provisional links for one record (the store-wide pass may revise them)."""
        self.written += 1
        article = self.iris.article(record.slug)
        text = record_text(record)
        resolution = resolve(
            Corpus({article: record.entities}, {article: text}),
            self.authority,
            self.overrides,
            find_in_text=False,
        )
        keys = resolution.mentions.get(article, [])
        mentions = [self.iris.entity(key) for key in keys]
        for (_, form), key in resolution.assigned.items():
            self._learn(form, self.iris.entity(key))
        listed = set(mentions)
        found = [iri for iri in scan(text, self.known) if iri not in listed]
        return Links(mentions, found)

    def finish(self, store: Store) -> LinkSummary:
        """Re-link the whole store (only when this run wrote something)."""
        if not self.written:
            count = store.count(
                queries.load("count-entities"), {"graph": ox.NamedNode(self.iris.entities_graph)}
            )
            return LinkSummary(entities=count)
        return relink(store, self.iris)
