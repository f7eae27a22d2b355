"""Surface forms → one entity IRI per real-world entity.

The linker turns the names a record gives into entity IRIs (``{base}entity/{key}``) and owns the
entities graph, which describes each entity once. Its answer depends only on the set of names
in the store, never on ingest order: :meth:`Linker.finish` rebuilds the entities graph from
every article's ``ng:entityName`` after each ingest.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from graph import jsonld, queries
from graph.records import Record
from graph.store.base import Store
from vocab.namespaces import CONTEXT_IRI, Minter, keyify


def normalise(name: str) -> str:
    """The comparison form of a name: compatibility-normalised, case-folded, spaces collapsed.

    >>> normalise("  KAZAKHSTAN ")
    'kazakhstan'
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class Linker:
    def __init__(self, iris: Minter) -> None:
        self.iris = iris

    def key(self, name: str) -> str:
        return keyify(normalise(name))

    def link(self, record: Record) -> list[str]:
        """The entity IRIs of the record's entities, in the record's order, without repeats."""
        return list(dict.fromkeys(self.iris.entity(self.key(name)) for name in record.entities))

    def entity_nodes(self, names: Iterable[str]) -> list[dict[str, Any]]:
        """JSON-LD nodes for the entities named by ``names`` (each name once per article)."""
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        for name in names:
            forms[self.key(name)][name] += 1
        nodes = []
        for key in sorted(forms):
            counts = forms[key]
            preferred = min(counts, key=lambda form: (-counts[form], form))
            node: dict[str, Any] = {
                "@id": self.iris.entity(key),
                "@type": "Thing",
                "name": preferred,
            }
            others = sorted(form for form in counts if form != preferred)
            if others:
                node["alternateName"] = others
            nodes.append(node)
        return nodes

    def finish(self, store: Store) -> int:
        """Rebuild the entities graph from every article's entity names; return entity count."""
        rows = store.select(queries.load("article-entity-names"))
        nodes = self.entity_nodes(
            name.value for row in rows if isinstance(name := row.get("name"), ox.Literal)
        )
        graph = self.iris.entities_graph
        document = {"@context": CONTEXT_IRI, "@id": graph, "@graph": nodes}
        quads = jsonld.to_quads(document) if nodes else []
        store.replace_graphs([graph], quads)
        return len(nodes)
