"""From counted pairs to weighted edges: measures, the threshold and the ranking.

An :class:`Edge` carries a pair's count and both association measures; ``--weight`` chooses
which one ranks the edges (and weighs them in the analysis). Ranking is total and stable:
weight (descending), then count (descending), then the two IRIs — so ``--top`` cuts the same
edges every run.

>>> from graph.cooccurrence import count_lists
>>> counts = count_lists([["a", "b"], ["a", "b"], ["a", "c"], ["d"]])
>>> [(e.source, e.target, e.count) for e in select_edges(counts)]
[('a', 'b', 2), ('a', 'c', 1)]
>>> [(e.source, e.target) for e in select_edges(counts, weight="npmi", top=1)]
[('a', 'b')]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graph.cooccurrence import Counts, jaccard, npmi
from graph.errors import QueryError

__all__ = ["WEIGHTS", "Edge", "make_edge", "rank_key", "select_edges"]

WEIGHTS = ("count", "npmi", "jaccard")


@dataclass(frozen=True, slots=True)
class Edge:
    """One pair of entities (``source`` < ``target`` by code point) and its measures."""

    source: str
    target: str
    count: int
    npmi: float
    jaccard: float
    source_count: int
    target_count: int

    def weight(self, measure: str) -> float:
        return float(getattr(self, measure))


def make_edge(pair: tuple[str, str], n_xy: int, entities: Mapping[str, int], n: int) -> Edge:
    """The edge of a pair from its count, both entities' counts and N."""
    source, target = pair
    n_x, n_y = entities[source], entities[target]
    return Edge(source, target, n_xy, npmi(n_xy, n_x, n_y, n), jaccard(n_xy, n_x, n_y), n_x, n_y)


def check_weight(weight: str) -> str:
    if weight not in WEIGHTS:
        raise QueryError(f"weight {weight!r}: choose one of {', '.join(WEIGHTS)}")
    return weight


def rank_key(weight: str) -> Callable[[Edge], tuple[float, int, str, str]]:
    """The sort key of edges: weight and count descending, then the IRIs."""
    check_weight(weight)
    return lambda e: (-e.weight(weight), -e.count, e.source, e.target)


def select_edges(
    counts: Counts, *, weight: str = "count", min_count: int = 1, top: int = 0
) -> list[Edge]:
    """The edges with count ≥ ``min_count``, ranked by ``weight``; the first ``top`` (0: all)."""
    key = rank_key(weight)
    edges = [
        make_edge(pair, n_xy, counts.entities, counts.articles)
        for pair, n_xy in counts.pairs.items()
        if n_xy >= min_count
    ]
    edges.sort(key=key)
    return edges[:top] if top > 0 else edges
