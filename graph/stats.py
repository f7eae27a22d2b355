"""Store statistics: articles, entities, triples, graphs and the date range."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph import queries
from graph.store.base import Store
from vocab.namespaces import Minter


def store_stats(store: Store, iris: Minter) -> dict[str, Any]:
    first = last = None
    for row in store.select(queries.load("date-range")):
        first = row["first"].value if "first" in row else None
        last = row["last"].value if "last" in row else None
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
