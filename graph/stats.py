"""Store statistics: articles, entities, triples, graphs and the date range."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import Minter


def store_stats(store: Store, iris: Minter) -> dict[str, Any]:
    first = last = None
    for row in store.select(queries.load("date-range")):
        first = _text(row.get("first"))
        last = _text(row.get("last"))
    return {
        "articles": store.count(queries.load("count-articles")),
        "entities": store.count(
            queries.load("count-entities"), {"graph": ox.NamedNode(iris.entities_graph)}
        ),
        "triples": store.count(queries.load("count-triples")),
        "graphs": store.count(queries.load("count-graphs")),
        "first": first,
        "last": last,
    }


def _text(term: object) -> str | None:
    return term.value if isinstance(term, ox.Literal) else None
